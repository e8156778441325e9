from . import crm_erp_credit_exception_wizard
