"""Translations: every addon ships a .pot and a zh_CN.po that Odoo loads."""
import os

import odoo
from odoo.tests.common import SavepointCase

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ('crm_sales', 'crm_marketing', 'crm_service', 'crm_erp_bridge', 'crm_analytics')


class TestChineseTranslation(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestChineseTranslation, cls).setUpClass()
        cls.env['res.lang'].load_lang('zh_CN')
        for addon in ADDONS:
            path = os.path.join(ROOT, 'addons', addon, 'i18n', 'zh_CN.po')
            odoo.tools.trans_load(cls.env.cr, path, 'zh_CN', verbose=False, module_name=addon)

    def test_every_string_is_translated(self):
        for addon in ADDONS:
            with open(os.path.join(ROOT, 'addons', addon, 'i18n', 'zh_CN.po'), encoding='utf-8') as f:
                text = f.read()
            # the header is the only empty msgstr
            self.assertEqual(text.count('msgstr ""\n'), 1, addon)

    def test_menus_and_roles_read_in_chinese(self):
        zh = self.env(context={'lang': 'zh_CN'})
        self.assertEqual(zh.ref('crm_sales.crm_lead_menu_team_pipeline').name, '我的团队销售管道')
        self.assertEqual(zh.ref('crm_service.crm_service_menu_root').name, '服务')
        self.assertEqual(zh.ref('crm_analytics.crm_analytics_menu_root').name, '报表')
        self.assertEqual(zh.ref('crm_sales.group_sales_rep').name, '销售代表')
        self.assertEqual(zh.ref('crm_erp_bridge.group_credit_controller').name, '信用控制员')

    def test_templates_cover_every_menu(self):
        """The .pot files are not stale: each menu of our addons is in one."""
        data = self.env['ir.model.data'].search([('model', '=', 'ir.ui.menu'), ('module', 'in', ADDONS)])
        for xmlid in data:
            with open(os.path.join(ROOT, 'addons', xmlid.module, 'i18n', '%s.pot' % xmlid.module),
                      encoding='utf-8') as f:
                pot = f.read()
            self.assertIn('model:ir.ui.menu,name:%s.%s' % (xmlid.module, xmlid.name), pot)
