from . import crm_sales_forecast_report
