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
        'views/crm_erp_api_key_views.xml',
        'views/crm_erp_bridge_menu.xml',
        'report/crm_erp_timeline_views.xml',
        'views/res_partner_360_views.xml',
    ],
    'demo': [
        'demo/res_users_demo.xml',
        'demo/crm_erp_demo.xml',
        'demo/crm_erp_api_key_demo.xml',
    ],
    'installable': True,
}
