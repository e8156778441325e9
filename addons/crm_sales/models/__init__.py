from . import crm_lead
from . import crm_sales_target
from . import mail_activity
from . import crm_sales_visit_log
from . import crm_sales_demo
