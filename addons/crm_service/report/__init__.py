from . import crm_service_sla_report
