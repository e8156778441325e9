from . import crm_service_letter
