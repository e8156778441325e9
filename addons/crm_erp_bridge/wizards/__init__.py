from . import crm_erp_api_key_reveal
from . import crm_erp_credit_exception_wizard
