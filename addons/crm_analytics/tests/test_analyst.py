from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase

from tests.common import create_user


class TestAnalyst(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestAnalyst, cls).setUpClass()
        cls.analyst = create_user(cls.env, 'analyst_test', ['crm_analytics.group_analyst'])
        cls.rep = create_user(cls.env, 'rep_test', ['crm_sales.group_sales_rep'])
        cls.lead = cls.env['crm.lead'].create({
            'name': 'Big deal', 'type': 'opportunity', 'planned_revenue': 5000, 'user_id': cls.rep.id})

    def test_analyst_reads_every_report(self):
        for model, measure, groupby in (('crm.opportunity.report', 'expected_revenue', 'user_id'),
                                        ('crm.activity.report', 'lead_id', 'user_id'),
                                        ('sale.report', 'price_total', 'user_id'),
                                        ('account.invoice.report', 'price_total', 'partner_id')):
            self.env[model].sudo(self.analyst).read_group([], [groupby, measure], [groupby])
        groups = self.env['crm.opportunity.report'].sudo(self.analyst).read_group(
            [('user_id', '=', self.rep.id)], ['user_id', 'expected_revenue'], ['user_id'])
        expected = self.lead.planned_revenue * self.lead.probability / 100
        self.assertEqual(groups[0]['expected_revenue'], expected)

    def test_analyst_changes_nothing(self):
        with self.assertRaises(AccessError):
            self.lead.sudo(self.analyst).write({'planned_revenue': 1})
        with self.assertRaises(AccessError):
            self.env['sale.order'].sudo(self.analyst).create({'partner_id': self.rep.partner_id.id})
        self.assertEqual(self.lead.planned_revenue, 5000)

    def test_analyses_open_on_everyones_records(self):
        for xmlid in ('crm_analytics.crm_opportunity_report_action_analytics',
                      'crm_analytics.crm_activity_report_action_analytics'):
            action = self.env.ref(xmlid)
            self.assertNotIn('search_default_my', action.context)
            self.assertNotIn('search_default_activities_my', action.context)
            menu = self.env['ir.ui.menu'].search([('action', '=', '%s,%d' % (action._name, action.id))])
            self.assertTrue(menu, xmlid)
