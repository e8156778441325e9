from . import crm_erp_timeline
