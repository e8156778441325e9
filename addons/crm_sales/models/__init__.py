from . import crm_lead
from . import res_partner
from . import crm_lead_duplicate
from . import crm_lead_bulk
from . import crm_lead_merge
