from . import crm_lead_import
from . import crm_lead_merge
