"""Which menus each role of the suite sees, and that it can open them."""
import datetime
import time

from odoo.tests.common import SavepointCase
from odoo.tools.safe_eval import safe_eval

from .common import ROLE_GROUPS, create_role_user

APPS = {
    'crm': 'crm.crm_menu_root',
    'sales': 'sale.sale_menu_root',
    'service': 'crm_service.crm_service_menu_root',
    'marketing': 'mass_mailing.mass_mailing_menu_root',
    'invoicing': 'account.menu_finance',
    'reporting': 'crm_analytics.crm_analytics_menu_root',
}

# role: (apps it sees, other menus it sees, menus it must not see)
MATRIX = {
    'sales_rep': (
        {'crm', 'sales'},
        ['crm.menu_crm_opportunities'],
        ['crm_sales.crm_lead_menu_team_pipeline', 'crm.crm_menu_report', 'crm.crm_menu_config'],
    ),
    'sales_manager': (
        {'crm', 'sales'},
        ['crm_sales.crm_lead_menu_team_pipeline', 'crm.crm_menu_report',
         'crm.crm_opportunity_report_menu'],
        ['crm.crm_menu_config'],
    ),
    'sales_director': (
        {'crm', 'sales'},
        ['crm_sales.crm_lead_menu_team_pipeline', 'crm.crm_menu_report'],
        ['crm.crm_menu_config'],
    ),
    'marketer': (
        {'marketing'},
        ['crm_marketing.crm_lead_menu_marketing', 'mass_mailing.menu_email_mass_mailings'],
        ['crm.menu_crm_opportunities'],
    ),
    'service_agent': (
        {'service'},
        ['crm_service.res_partner_menu_service'],
        ['crm_service.crm_service_menu_field', 'crm_service.crm_service_menu_config'],
    ),
    'service_manager': (
        {'service'},
        ['crm_service.res_partner_menu_service', 'crm_service.res_partner_menu_field',
         'crm_service.resource_calendar_menu_service'],
        [],
    ),
    'field_technician': (
        {'service'},
        ['crm_service.res_partner_menu_field'],
        ['crm_service.res_partner_menu_service', 'crm_service.crm_service_menu_config'],
    ),
    'credit_controller': (
        {'invoicing'},
        ['crm_erp_bridge.account_invoice_menu_overdue', 'crm_erp_bridge.res_partner_menu_receivable'],
        [],
    ),
    'analyst': (
        {'reporting'},
        ['crm_analytics.crm_opportunity_report_menu_analytics',
         'crm_analytics.sale_report_menu_analytics',
         'crm_analytics.account_invoice_report_menu_analytics'],
        [],
    ),
}

OUR_ADDONS = ('crm_sales', 'crm_marketing', 'crm_service', 'crm_erp_bridge', 'crm_analytics')


class TestRoleMenus(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestRoleMenus, cls).setUpClass()
        cls.users = {role: create_role_user(cls.env, role) for role in ROLE_GROUPS}

    def visible(self, user):
        """Menus the user can reach: visible, and so is every parent."""
        Menu = self.env['ir.ui.menu']
        ids = Menu.sudo(user)._visible_menu_ids()
        reachable = set()
        for menu in Menu.browse(ids):
            parent = menu.parent_id
            while parent and parent.id in ids:
                parent = parent.parent_id
            if not parent:
                reachable.add(menu.id)
        return reachable

    def test_every_role_is_covered(self):
        self.assertEqual(set(MATRIX), set(ROLE_GROUPS))

    def test_apps_per_role(self):
        for role, (apps, _sees, _hidden) in MATRIX.items():
            visible = self.visible(self.users[role])
            seen = {app for app, xmlid in APPS.items() if self.env.ref(xmlid).id in visible}
            self.assertEqual(seen, apps, 'apps seen by %s' % role)

    def test_menus_per_role(self):
        for role, (_apps, sees, hidden) in MATRIX.items():
            visible = self.visible(self.users[role])
            for xmlid in sees:
                self.assertIn(self.env.ref(xmlid).id, visible, '%s must see %s' % (role, xmlid))
            for xmlid in hidden:
                self.assertNotIn(self.env.ref(xmlid).id, visible, '%s must not see %s' % (role, xmlid))

    def test_admin_sees_every_app(self):
        visible = self.visible(self.env.ref('base.user_root'))
        for xmlid in APPS.values():
            self.assertIn(self.env.ref(xmlid).id, visible, xmlid)

    def test_roles_can_open_their_menus(self):
        """Every visible menu of our addons opens: its action's records read
        without an access error for that role."""
        Menu = self.env['ir.ui.menu']
        ours = self.env['ir.model.data'].search([
            ('model', '=', 'ir.ui.menu'), ('module', 'in', OUR_ADDONS)]).mapped('res_id')
        opened = set()
        for role, user in self.users.items():
            visible = self.visible(user)
            for menu in Menu.browse(ours).filtered(lambda m: m.id in visible):
                action = menu.action
                if not action or action._name != 'ir.actions.act_window':
                    continue
                eval_ctx = {'uid': user.id, 'time': time, 'datetime': datetime,
                            'context_today': datetime.date.today}
                domain = safe_eval(action.domain or '[]', eval_ctx)
                records = self.env[action.res_model].sudo(user).search(domain, limit=5)
                records.read(['display_name'])
                opened.add(menu.id)
        self.assertTrue(opened)
