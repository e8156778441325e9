from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase

from tests.common import create_user


class TestMarketingRoles(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestMarketingRoles, cls).setUpClass()
        cls.marketer = create_user(cls.env, 'marketer_test', ['crm_marketing.group_marketer'])
        cls.campaign = cls.env['utm.campaign'].create({'name': 'Spring Fair 2026'})
        cls.lead = cls.env['crm.lead'].create({'name': 'Fair visitor', 'campaign_id': cls.campaign.id,
                                               'planned_revenue': 1200})

    def test_marketing_app(self):
        self.assertEqual(self.env.ref('mass_mailing.mass_mailing_menu_root').name, 'Marketing')
        self.assertTrue(self.marketer.has_group('mass_mailing.group_mass_mailing_user'))

    def test_marketer_reads_lead_sources(self):
        groups = self.env['crm.lead'].sudo(self.marketer).read_group(
            [('campaign_id', '=', self.campaign.id)], ['campaign_id', 'planned_revenue'], ['campaign_id'])
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]['campaign_id_count'], 1)
        self.assertEqual(groups[0]['planned_revenue'], 1200)

    def test_marketer_cannot_change_leads(self):
        with self.assertRaises(AccessError):
            self.lead.sudo(self.marketer).write({'name': 'Changed'})
        with self.assertRaises(AccessError):
            self.env['crm.lead'].sudo(self.marketer).create({'name': 'New'})
        self.assertEqual(self.lead.name, 'Fair visitor')
