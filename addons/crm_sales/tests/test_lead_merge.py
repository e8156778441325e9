from odoo.exceptions import AccessError, UserError
from odoo.tests.common import SavepointCase

from tests.common import create_user


class TestLeadMerge(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestLeadMerge, cls).setUpClass()
        cls.rep = create_user(cls.env, 'merge.rep', ['crm_sales.group_sales_rep'])
        cls.rep2 = create_user(cls.env, 'merge.rep2', ['crm_sales.group_sales_rep'])
        cls.industry = cls.env['res.partner.industry'].create({'name': 'Merge Industry'})
        cls.tag_a = cls.env['crm.lead.tag'].create({'name': 'merge-a'})
        cls.tag_b = cls.env['crm.lead.tag'].create({'name': 'merge-b'})
        Lead = cls.env['crm.lead'].sudo(cls.rep)
        cls.keep = Lead.create({'name': 'Hangzhou Ceramics', 'type': 'lead',
                                'email_from': 'li.na@hz.example.com', 'user_id': cls.rep.id,
                                'tag_ids': [(6, 0, cls.tag_a.ids)]})
        cls.dup = Lead.create({'name': 'HZ Ceramics (fair)', 'type': 'lead',
                               'email_from': 'li.na@hz.example.com', 'phone': '+86 571 8888 6666',
                               'industry_id': cls.industry.id, 'vat': '91330100MA01',
                               'description': 'met at the fair', 'user_id': cls.rep.id,
                               'tag_ids': [(6, 0, cls.tag_b.ids)]})
        cls.dup.message_post(body='Called, asked for a quote')
        cls.activity = cls.env['mail.activity'].sudo(cls.rep).create({
            'res_model_id': cls.env.ref('crm.model_crm_lead').id, 'res_id': cls.dup.id,
            'activity_type_id': cls.env.ref('mail.mail_activity_data_call').id,
            'summary': 'Call back', 'date_deadline': '2026-12-01', 'user_id': cls.rep.id})
        cls.watcher = cls.env['res.partner'].create({'name': 'Watcher'})
        cls.dup.sudo().message_subscribe(partner_ids=cls.watcher.ids)
        cls.theirs = cls.env['crm.lead'].create({'name': 'Theirs', 'user_id': cls.rep2.id,
                                                 'email_from': 'li.na@hz.example.com'})

    def merge(self, leads, user):
        wizard = self.env['crm.merge.opportunity'].sudo(user).with_context(
            active_model='crm.lead', active_ids=leads.ids).create({})
        wizard.opportunity_ids = [(6, 0, leads.ids)]
        return wizard.action_merge()

    def test_merge_keeps_chatter_activities_and_most_complete_values(self):
        leads = self.keep | self.dup
        self.merge(leads, self.rep)
        kept = leads.exists()
        self.assertEqual(len(kept), 1)
        gone = leads - kept
        self.assertEqual(kept.phone, '+86 571 8888 6666')
        self.assertEqual(kept.industry_id, self.industry)
        self.assertEqual(kept.vat, '91330100MA01')
        self.assertEqual(kept.tag_ids, self.tag_a | self.tag_b)
        self.assertIn('met at the fair', kept.description)
        bodies = kept.message_ids.mapped('body')
        self.assertTrue(any('Called, asked for a quote' in b for b in bodies))
        self.assertEqual(self.activity.res_id, kept.id)
        self.assertIn(self.activity, kept.activity_ids)
        self.assertIn(self.watcher, kept.message_partner_ids)
        summary = [b for b in bodies if 'Merged into this lead' in b]
        self.assertEqual(len(summary), 1)
        self.assertIn('#%d' % gone.id, summary[0])
        self.assertIn('1 activities', summary[0])
        self.assertIn('1 followers', summary[0])

    def test_refuses_one_lead(self):
        with self.assertRaisesRegex(UserError, 'at least two'):
            self.merge(self.keep, self.rep)

    def test_refuses_leads_of_different_companies(self):
        company = self.env['res.company'].create({'name': 'Other Company'})
        self.dup.sudo().company_id = company
        with self.assertRaisesRegex(UserError, 'different companies'):
            self.merge(self.keep | self.dup.sudo(), self.env.user)
        self.assertTrue((self.keep | self.dup).exists() == (self.keep | self.dup))

    def test_rep_cannot_merge_a_lead_they_cannot_write(self):
        # the colleague's lead is readable to nobody but its owner: even a
        # lead the rep could read but not change stays untouched
        with self.assertRaises(AccessError):
            self.merge(self.keep | self.theirs, self.rep)
        self.assertTrue(self.theirs.exists())
        self.assertTrue(self.keep.exists())
