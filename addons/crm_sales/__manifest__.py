{
    'name': 'CRM Sales Force Automation',
    'summary': 'Lead capture, de-duplication, assignment, scoring, '
               'targets and forecasts on top of Odoo CRM',
    'version': '11.0.1.0.0',
    'category': 'Sales',
    'author': 'CRM Suite',
    'website': 'https://example.com/crm-suite',
    'license': 'LGPL-3',
    'depends': ['crm', 'sale_crm', 'sale_management'],
    'external_dependencies': {'python': ['phonenumbers', 'xlrd', 'xlsxwriter']},
    'data': [
        'security/crm_sales_security.xml',
        'views/crm_lead_views.xml',
        'views/crm_sales_menu.xml',
        'security/ir.model.access.csv',
        'data/res_country_state_cn_data.xml',
        'views/crm_lead_duplicate_views.xml',
        'wizards/crm_lead_import_views.xml',
        'wizards/crm_lead_merge_views.xml',
    ],
    'demo': [
        'demo/res_users_demo.xml',
    ],
    'application': False,
    'installable': True,
}
