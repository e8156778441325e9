import psycopg2

from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import SavepointCase
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from tests.common import create_user

MAIL = """Return-Path: <buyer@factory.example.com>
To: assign-test@example.com
Received: by mail1.example.com (Postfix, from userid 10002)
From: Zhang Min <buyer@factory.example.com>
Subject: Quotation for 200 units
MIME-Version: 1.0
Message-ID: <assignment-test-1@factory.example.com>
Date: Mon, 2 Apr 2018 10:00:00 +0800
Content-Type: text/plain; charset=utf-8

Please send a quotation.
"""


class TestLeadAssignment(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestLeadAssignment, cls).setUpClass()
        env = cls.env
        cls.manager = create_user(env, 'assign.manager', ['base.group_user', 'crm_sales.group_sales_manager'])
        cls.rep1 = create_user(env, 'assign.rep1', ['base.group_user', 'crm_sales.group_sales_rep'])
        cls.rep2 = create_user(env, 'assign.rep2', ['base.group_user', 'crm_sales.group_sales_rep'])
        cls.rep3 = create_user(env, 'assign.rep3', ['base.group_user', 'crm_sales.group_sales_rep'])
        cls.outsider = create_user(env, 'assign.outsider', ['base.group_user', 'crm_sales.group_sales_rep'])
        cls.team = env['crm.team'].create({
            'name': 'Assignment Team', 'user_id': cls.manager.id,
            'member_ids': [(6, 0, (cls.rep1 | cls.rep2 | cls.rep3).ids)]})
        cls.china = env.ref('base.cn')
        cls.uk = env.ref('base.uk')
        cls.industry = env['res.partner.industry'].create({'name': 'Ceramics'})
        cls.source = env['utm.source'].create({'name': 'Assignment test form'})
        cls.categ = env['product.category'].create({'name': 'Displays'})
        cls.subcateg = env['product.category'].create({'name': 'Large displays', 'parent_id': cls.categ.id})
        cls.product = env['product.template'].create({'name': '55 inch display', 'categ_id': cls.subcateg.id})
        Rule = env['crm.sales.assignment.rule']
        # the assertions below are about our rules only: others (demo) are archived
        Rule.search([]).write({'active': False})
        cls.rule_cn = Rule.create({
            'name': 'Hangzhou', 'sequence': 10, 'team_id': cls.team.id,
            'country_ids': [(6, 0, cls.china.ids)], 'zip_prefixes': '310, 311',
            'member_ids': [(0, 0, {'user_id': cls.rep1.id, 'sequence': 1}),
                           (0, 0, {'user_id': cls.rep2.id, 'sequence': 2})]})
        cls.rule_uk = Rule.create({
            'name': 'United Kingdom', 'sequence': 20, 'team_id': cls.team.id,
            'country_ids': [(6, 0, cls.uk.ids)],
            'member_ids': [(0, 0, {'user_id': cls.rep3.id})]})
        cls.Lead = env['crm.lead'].with_context(tracking_disable=True)

    def new_lead(self, **values):
        vals = {'name': 'Lead', 'user_id': False}
        vals.update(values)
        return self.Lead.create(vals)

    def cn_lead(self, **values):
        return self.new_lead(country_id=self.china.id, zip='310012', **values)

    # ------------------------------------------------------------------ rules
    def test_rule_without_criteria_is_refused(self):
        count = self.env['crm.sales.assignment.rule'].with_context(active_test=False).search_count([])
        with self.assertRaises(ValidationError) as error, self.env.cr.savepoint():
            self.env['crm.sales.assignment.rule'].create({
                'name': 'Everything', 'team_id': self.team.id,
                'member_ids': [(0, 0, {'user_id': self.rep1.id})]})
        self.assertIn('has no criteria', error.exception.name)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.rule_uk.write({'country_ids': [(5,)], 'zip_prefixes': '  , '})
        self.rule_uk.invalidate_cache()
        self.assertEqual(self.rule_uk.country_ids, self.uk)
        rules = self.env['crm.sales.assignment.rule'].with_context(active_test=False)
        self.assertEqual(count, rules.search_count([]))

    def test_zip_prefixes_are_cleaned(self):
        self.rule_cn.write({'zip_prefixes': ' 310;311\n sw1a, 310 '})
        self.assertEqual(self.rule_cn.zip_prefixes, '310, 311, SW1A')
        with self.assertRaises(ValidationError):
            self.rule_cn.write({'zip_prefixes': '31*'})

    def test_capacity_cannot_be_negative(self):
        with self.assertRaises(psycopg2.IntegrityError), mute_logger('odoo.sql_db'), self.env.cr.savepoint():
            self.rule_cn.member_ids[0].write({'max_open_leads': -1})

    def test_reps_must_be_members_of_the_team(self):
        with self.assertRaises(ValidationError) as error:
            self.rule_cn.write({'member_ids': [(0, 0, {'user_id': self.outsider.id})]})
        self.assertIn('not a member', error.exception.name)

    def test_access(self):
        self.assertEqual(self.rule_cn.sudo(self.rep1).read(['name'])[0]['name'], 'Hangzhou')
        with self.assertRaises(AccessError):
            self.rule_cn.sudo(self.rep1).write({'name': 'Mine'})
        with self.assertRaises(AccessError):
            self.env['crm.sales.assignment.rule'].sudo(self.rep1).create({
                'name': 'Mine', 'team_id': self.team.id, 'country_ids': [(6, 0, self.uk.ids)]})
        self.rule_cn.sudo(self.manager).write({'name': 'Hangzhou area'})
        self.assertEqual(self.rule_cn.name, 'Hangzhou area')

    # ------------------------------------------------------------------ on create
    def test_new_lead_is_routed_with_chatter_and_follower(self):
        lead = self.cn_lead()
        self.assertEqual(lead.user_id, self.rep1)
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.assignment_rule_id, self.rule_cn)
        message = lead.message_ids.filtered(lambda m: 'assignment rule' in (m.body or ''))
        self.assertEqual(len(message), 1)
        self.assertIn('Hangzhou', message.body)
        self.assertIn(self.rep1.name, message.body)
        self.assertIn(self.rep1.partner_id, lead.message_partner_ids)
        self.assertIn(self.rep1.partner_id, message.needaction_partner_ids)
        follower = lead.message_follower_ids.filtered(lambda f: f.partner_id == self.rep1.partner_id)
        self.assertTrue(follower.subtype_ids)

    def test_lead_with_a_salesperson_is_not_routed(self):
        lead = self.Lead.create({'name': 'Mine', 'country_id': self.china.id, 'zip': '310012',
                                 'user_id': self.rep3.id})
        self.assertEqual(lead.user_id, self.rep3)
        self.assertFalse(lead.assignment_rule_id)

    def test_no_matching_rule_leaves_the_lead_unassigned(self):
        lead = self.new_lead(country_id=self.china.id, zip='100000')  # Beijing
        self.assertFalse(lead.user_id)
        unassigned = self.env.ref('crm_sales.crm_lead_action_unassigned')
        self.assertIn(lead, self.Lead.search(safe_eval(unassigned.domain) + [('user_id', '=', False)]))

    def test_first_matching_rule_wins(self):
        wide = self.env['crm.sales.assignment.rule'].create({
            'name': 'All China', 'sequence': 30, 'team_id': self.team.id,
            'country_ids': [(6, 0, self.china.ids)],
            'member_ids': [(0, 0, {'user_id': self.rep3.id})]})
        self.assertEqual(self.cn_lead().assignment_rule_id, self.rule_cn)
        self.assertEqual(self.new_lead(country_id=self.china.id, zip='100000').assignment_rule_id, wide)
        wide.sequence = 1
        self.assertEqual(self.cn_lead().user_id, self.rep3)

    def test_product_category_includes_children_industry_and_source(self):
        rule = self.env['crm.sales.assignment.rule'].create({
            'name': 'Displays for ceramics', 'sequence': 1, 'team_id': self.team.id,
            'product_categ_ids': [(6, 0, self.categ.ids)],
            'industry_ids': [(6, 0, self.industry.ids)],
            'source_ids': [(6, 0, self.source.ids)],
            'member_ids': [(0, 0, {'user_id': self.rep3.id})]})
        good = dict(product_interest_id=self.product.id, industry_id=self.industry.id,
                    source_id=self.source.id)
        self.assertEqual(self.new_lead(**good).assignment_rule_id, rule)
        self.assertFalse(self.new_lead(**dict(good, source_id=False)).user_id)
        self.assertFalse(self.new_lead(**dict(good, industry_id=False)).user_id)
        self.assertFalse(self.new_lead(**dict(good, product_interest_id=False)).user_id)

    def test_state_criterion(self):
        california = self.env.ref('base.state_us_5')
        rule = self.env['crm.sales.assignment.rule'].create({
            'name': 'California', 'team_id': self.team.id, 'state_ids': [(6, 0, california.ids)],
            'member_ids': [(0, 0, {'user_id': self.rep2.id})]})
        self.assertEqual(self.new_lead(state_id=california.id).assignment_rule_id, rule)
        self.assertFalse(self.new_lead(state_id=self.env.ref('base.state_us_6').id).user_id)

    # ------------------------------------------------------------------ round robin, capacity
    def test_round_robin_survives_batches(self):
        first = self.cn_lead() | self.cn_lead() | self.cn_lead()
        self.assertEqual([lead.user_id for lead in first], [self.rep1, self.rep2, self.rep1])
        self.assertEqual(self.rule_cn.last_member_id.user_id, self.rep1)
        backlog = self.Lead.with_context(crm_sales_skip_pipeline=True)
        leads = backlog.create({'name': 'a', 'country_id': self.china.id, 'zip': '311000', 'user_id': False})
        leads |= backlog.create({'name': 'b', 'country_id': self.china.id, 'zip': '311000', 'user_id': False})
        self.assertFalse(leads.mapped('user_id'))
        leads._crm_sales_assign()
        self.assertEqual([lead.user_id for lead in leads.sorted('id')], [self.rep2, self.rep1])

    def test_unavailable_rep_is_skipped(self):
        self.rep1.sudo(self.rep1).write({'sales_assignment_available': False})  # their own preference
        self.assertEqual((self.cn_lead() | self.cn_lead()).mapped('user_id'), self.rep2)
        line = self.rule_cn.member_ids.filtered(lambda m: m.user_id == self.rep1)
        line.sudo(self.manager).user_available = True
        self.assertTrue(self.rep1.sales_assignment_available)

    def test_capacities(self):
        rep1_line = self.rule_cn.member_ids.filtered(lambda m: m.user_id == self.rep1)
        rep2_line = self.rule_cn.member_ids - rep1_line
        rep1_line.max_open_leads = 2
        rep2_line.write({'max_period_leads': 1, 'period': 'week'})
        # rep1 already works one open lead, and one won lead that does not count
        self.new_lead(user_id=self.rep1.id)
        self.new_lead(user_id=self.rep1.id, probability=100)
        leads = self.Lead.browse()
        for _i in range(4):
            leads |= self.cn_lead()
        nobody = self.env['res.users']
        self.assertEqual([lead.user_id for lead in leads], [self.rep1, self.rep2, nobody, nobody])
        # a lead rep1 wins frees a place
        leads[0].action_set_won()
        self.env['crm.lead']._crm_sales_assign_backlog()
        self.assertEqual(leads[2].user_id, self.rep1)
        self.assertFalse(leads[3].user_id)

    # ------------------------------------------------------------------ backlog
    def test_backlog_button_and_cron(self):
        creator = self.Lead.with_context(crm_sales_skip_pipeline=True)
        cn = creator.create({'name': 'cn', 'country_id': self.china.id, 'zip': '310000', 'user_id': False})
        uk = creator.create({'name': 'uk', 'country_id': self.uk.id, 'user_id': False})
        action = self.rule_uk.sudo(self.manager).action_assign_backlog()
        self.assertEqual(uk.user_id, self.rep3)
        self.assertFalse(cn.user_id, 'only the rule of the button')
        self.assertIn(('id', 'in', [uk.id]), action['domain'])
        self.env['crm.sales.assignment.rule']._cron_assign_backlog()
        self.assertEqual(cn.user_id, self.rep1)

    def test_team_button(self):
        other = self.env['crm.team'].create({'name': 'Other', 'member_ids': [(6, 0, self.outsider.ids)]})
        self.env['crm.sales.assignment.rule'].create({
            'name': 'Other UK', 'sequence': 1, 'team_id': other.id, 'country_ids': [(6, 0, self.uk.ids)],
            'member_ids': [(0, 0, {'user_id': self.outsider.id})]})
        creator = self.Lead.with_context(crm_sales_skip_pipeline=True)
        uk = creator.create({'name': 'uk', 'country_id': self.uk.id, 'user_id': False})
        cn = creator.create({'name': 'cn', 'country_id': self.china.id, 'zip': '310000', 'user_id': False})
        self.team.sudo(self.manager).action_assign_unassigned_leads()
        self.assertFalse(uk.user_id, "the other team's rule comes first for UK leads")
        self.assertEqual(cn.user_id, self.rep1)
        self.assertEqual(self.team.assignment_rule_count, 2)

    def test_assignment_is_set_based(self):
        creator = self.Lead.with_context(crm_sales_skip_pipeline=True)

        def queries(n):
            leads = self.Lead.browse()
            for i in range(n):
                leads |= creator.create({'name': 'lead %d' % i, 'user_id': False,
                                         'country_id': self.china.id, 'zip': '310000'})
            self.env['crm.lead'].invalidate_cache()
            before = self.env.cr.sql_log_count
            assigned = leads._crm_sales_assign()
            self.assertEqual(assigned, leads)
            return self.env.cr.sql_log_count - before
        queries(1)  # warm the caches (subtypes, xml ids)
        few = queries(3)
        self.assertLessEqual(queries(30), few + 2, 'the number of queries does not grow with the leads')

    # ------------------------------------------------------------------ who gets routed
    def test_alias_lead_arrives_without_salesperson_and_is_routed(self):
        rule = self.env['crm.sales.assignment.rule'].create({
            'name': 'Web form', 'sequence': 1, 'team_id': self.team.id,
            'source_ids': [(6, 0, self.source.ids)],
            'member_ids': [(0, 0, {'user_id': self.rep2.id})]})
        # the channel's alias tags its leads with the web form's source
        self.env['ir.config_parameter'].set_param('mail.catchall.domain', 'example.com')
        self.team.write({'alias_name': 'assign-test', 'alias_defaults': "{'source_id': %d}" % self.source.id})
        lead_id = self.env['mail.thread'].message_process(False, MAIL)
        lead = self.env['crm.lead'].browse(lead_id)
        self.assertEqual(lead.source_id, self.source)
        self.assertEqual(lead.assignment_rule_id, rule)
        self.assertEqual(lead.user_id, self.rep2)

    def test_non_salespeople_create_unassigned_leads(self):
        integration = create_user(self.env, 'assign.api', ['base.group_user'])
        self.assertFalse(self.env['crm.lead'].sudo(integration).default_get(['user_id']).get('user_id'))
        defaults = self.env['crm.lead'].sudo(self.rep1).default_get(['user_id'])
        self.assertEqual(defaults['user_id'], self.rep1.id)
