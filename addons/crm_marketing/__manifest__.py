{
    'name': 'CRM Marketing Automation',
    'summary': 'Segments, campaigns, automated marketing workflows, '
               'lead capture and distribution',
    'version': '11.0.1.0.0',
    'category': 'Marketing',
    'author': 'CRM Suite',
    'website': 'https://example.com/crm-suite',
    'license': 'LGPL-3',
    'depends': ['crm_sales', 'mass_mailing', 'utm'],
    'data': [
        'security/crm_marketing_security.xml',
        'security/ir.model.access.csv',
        'views/crm_lead_views.xml',
        'views/crm_marketing_menu.xml',
    ],
    'demo': [
        'demo/res_users_demo.xml',
    ],
    'application': True,
    'installable': True,
}
