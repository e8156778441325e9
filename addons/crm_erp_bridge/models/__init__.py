from . import crm_erp_event_type
from . import crm_erp_event
from . import crm_lead_event
from . import sale_order_event
from . import stock_picking_event
from . import account_invoice_event
from . import crm_service_ticket_event
from . import crm_erp_api_key
