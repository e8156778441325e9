{
    'name': 'CRM Analytics',
    'summary': 'Customer data mart, RFM, Pareto, churn, lifetime value, '
               'performance and complaint evaluation, dashboards',
    'version': '11.0.1.0.0',
    'category': 'Reporting',
    'author': 'CRM Suite',
    'website': 'https://example.com/crm-suite',
    'license': 'LGPL-3',
    'depends': ['crm_sales', 'crm_marketing', 'crm_service', 'crm_erp_bridge'],
    'data': [
        'security/crm_analytics_security.xml',
        'security/ir.model.access.csv',
        'views/crm_report_views.xml',
        'views/crm_analytics_menu.xml',
    ],
    'demo': [
        'demo/res_users_demo.xml',
    ],
    'application': True,
    'installable': True,
}
