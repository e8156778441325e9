{
    'name': 'CRM Service Desk',
    'summary': 'Tickets, SLA, complaints, customer portal, ratings and field service',
    'version': '11.0.1.0.0',
    'category': 'Service',
    'author': 'CRM Suite',
    'website': 'https://example.com/crm-suite',
    'license': 'LGPL-3',
    'depends': ['mail', 'portal', 'rating', 'utm', 'resource', 'sale'],
    'data': [
        'security/crm_service_security.xml',
        'security/ir.model.access.csv',
        'views/res_partner_views.xml',
        'views/crm_service_menu.xml',
    ],
    'demo': [
        'demo/res_users_demo.xml',
    ],
    'application': True,
    'installable': True,
}
