{
    'name': 'CRM ERP Bridge',
    'summary': 'Customer 360 over orders, deliveries and invoices; credit control; '
               'ERP events as CRM work; webhooks and a JSON API',
    'version': '11.0.1.0.0',
    'category': 'Sales',
    'author': 'CRM Suite',
    'website': 'https://example.com/crm-suite',
    'license': 'LGPL-3',
    'depends': ['crm_sales', 'crm_service', 'sale_stock', 'account'],
    'data': [
        'security/crm_erp_bridge_security.xml',
        'security/ir.model.access.csv',
        'data/crm_erp_event_data.xml',
        'views/account_invoice_views.xml',
        'views/crm_erp_event_views.xml',
        'views/crm_erp_bridge_menu.xml',
        'data/crm_service_category_data.xml',
        'views/sale_order_delivery_views.xml',
        'views/portal_order_templates.xml',
    ],
    'demo': [
        'demo/res_users_demo.xml',
    ],
    'installable': True,
}
