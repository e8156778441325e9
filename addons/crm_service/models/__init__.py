from . import mail_thread
from . import crm_service_ticket_mail
from . import crm_service_call
from . import crm_service_assignment
from . import crm_service_complaint
from . import res_users
