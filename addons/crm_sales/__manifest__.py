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
    'data': [
        'security/crm_sales_security.xml',
        'security/ir.model.access.csv',
        'data/mail_activity_data.xml',
        'views/crm_lead_views.xml',
        'views/crm_sales_target_views.xml',
        'views/mail_activity_views.xml',
        'views/crm_sales_visit_log_views.xml',
        'report/crm_sales_forecast_report_views.xml',
        'views/crm_sales_menu.xml',
    ],
    'demo': [
        'demo/res_users_demo.xml',
        'demo/crm_sales_demo.xml',
    ],
    'application': False,
    'installable': True,
}
