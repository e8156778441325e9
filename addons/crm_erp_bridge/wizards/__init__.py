from . import crm_erp_api_key_reveal
