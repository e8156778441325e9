from . import crm_service_stage
from . import crm_service_category
from . import crm_service_tag
from . import crm_service_team
from . import crm_service_ticket
from . import crm_service_ticket_portal
