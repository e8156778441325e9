from odoo.tests.common import SavepointCase

from tests.common import create_user

from ..models.normalize import normalize_company, normalize_email, normalize_phone, normalize_vat


class TestNormalize(SavepointCase):

    def test_keys(self):
        self.assertEqual(normalize_email('  Li.Na@Example.COM '), 'li.na@example.com')
        self.assertIsNone(normalize_email('li.na@'))
        self.assertEqual(normalize_phone('+86 138 0013 8000'), '+8613800138000')
        self.assertEqual(normalize_phone('13800138000', 'CN'), '+8613800138000')
        self.assertEqual(normalize_phone('0086-138-0013-8000'), '+8613800138000')
        self.assertIsNone(normalize_phone('12345', 'CN'))
        for variant in ('ACME Co., Ltd.', 'acme', ' ACME  company limited', 'ＡＣＭＥ　Ｃｏ．，Ｌｔｄ'):
            self.assertEqual(normalize_company(variant), 'acme', variant)
        self.assertEqual(normalize_company('杭州陶瓷有限公司'), normalize_company('杭州陶瓷'))
        self.assertEqual(normalize_company('Tesco'), 'tesco')     # words, not letters
        self.assertEqual(normalize_vat('cn 9133-0100 ma01'), 'CN91330100MA01')


class TestLeadDuplicates(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestLeadDuplicates, cls).setUpClass()
        cls.rep = create_user(cls.env, 'dup.rep', ['crm_sales.group_sales_rep'])
        cls.rep2 = create_user(cls.env, 'dup.rep2', ['crm_sales.group_sales_rep'])
        cls.cn = cls.env.ref('base.cn')
        Lead = cls.env['crm.lead']
        cls.lead = Lead.create({
            'name': 'Hangzhou Ceramics', 'partner_name': '杭州陶瓷有限公司',
            'email_from': 'Li.Na@HZ.example.com', 'phone': '+86 139 7521 6408',
            'vat': '91330100MA01', 'country_id': cls.cn.id, 'user_id': cls.rep.id})
        cls.by_email = Lead.create({'name': 'E', 'email_from': 'li.na@hz.example.com',
                                    'user_id': cls.rep.id})
        cls.by_phone = Lead.create({'name': 'P', 'mobile': '13975216408', 'country_id': cls.cn.id,
                                    'user_id': cls.rep.id})
        cls.by_company = Lead.create({'name': 'C', 'partner_name': '杭州陶瓷', 'user_id': cls.rep.id})
        cls.by_vat = Lead.create({'name': 'V', 'vat': '9133 0100 ma01', 'user_id': cls.rep.id})
        cls.colleague = Lead.create({'name': 'Theirs', 'email_from': 'li.na@hz.example.com',
                                     'user_id': cls.rep2.id})
        cls.other = Lead.create({'name': 'Unrelated', 'email_from': 'x@y.example.com',
                                 'phone': '+86 139 0000 0000', 'user_id': cls.rep.id})

    def test_duplicates_by_every_key(self):
        lead = self.lead.sudo(self.rep)
        self.assertEqual(set(lead.duplicate_lead_ids.ids),
                         {self.by_email.id, self.by_phone.id, self.by_company.id, self.by_vat.id})
        self.assertEqual(lead.duplicate_count, 4)
        self.assertEqual(lead.duplicate_hidden_count, 1)     # the colleague's lead
        self.assertNotIn(self.other, lead.duplicate_lead_ids)
        self.assertIn(self.lead, self.by_phone.sudo(self.rep).duplicate_lead_ids)

    def test_director_sees_every_duplicate(self):
        self.assertIn(self.colleague, self.lead.duplicate_lead_ids)
        self.assertEqual(self.lead.duplicate_hidden_count, 0)

    def test_duplicates_computed_for_many_leads_at_once(self):
        def queries(leads):
            leads.invalidate_cache()
            before = self.cr.sql_log_count
            leads.mapped('duplicate_count')
            return self.cr.sql_log_count - before
        few = queries(self.lead | self.by_email)
        many = queries(self.lead | self.by_email | self.by_phone | self.by_company | self.by_vat
                       | self.other | self.colleague)
        self.assertEqual(few, many)

    def test_partner_matches_and_linking(self):
        company = self.env['res.partner'].create({
            'name': 'Hangzhou Ceramics Co., Ltd.', 'is_company': True, 'vat': 'CN91330100MA99'})
        contact = self.env['res.partner'].create({
            'name': 'Li Na', 'parent_id': company.id, 'mobile': '0086 139 7521 6408',
            'country_id': self.cn.id})
        self.assertEqual(contact.mobile_normalized, '+8613975216408')
        self.assertEqual(contact.company_normalized, 'hangzhouceramics')
        self.assertIn(contact, self.lead.duplicate_partner_ids)
        # a new lead is linked to the one partner its phone matches
        lead = self.env['crm.lead'].create({'name': 'New', 'phone': '13975216408',
                                            'country_id': self.cn.id, 'user_id': False})
        self.assertEqual(lead.partner_id, contact)
        # by tax ID, companies only
        lead = self.env['crm.lead'].create({'name': 'By VAT', 'vat': 'cn 91330100ma99'})
        self.assertEqual(lead.partner_id, company)
        # two partners with the e-mail: no guess
        for name in ('A', 'B'):
            self.env['res.partner'].create({'name': name, 'email': 'shared@example.com'})
        lead = self.env['crm.lead'].create({'name': 'Shared', 'email_from': 'shared@example.com'})
        self.assertFalse(lead.partner_id)

    def test_keys_follow_edits(self):
        self.other.write({'email_from': 'LI.NA@hz.example.com'})
        self.assertEqual(self.other.email_normalized, 'li.na@hz.example.com')
        self.assertIn(self.other, self.lead.duplicate_lead_ids)
        action = self.lead.action_view_duplicates()
        self.assertIn(self.other.id, action['domain'][0][2])
        merge = self.lead.action_merge_duplicates()
        self.assertEqual(merge['res_model'], 'crm.merge.opportunity')
        self.assertIn(self.lead.id, merge['context']['active_ids'])
