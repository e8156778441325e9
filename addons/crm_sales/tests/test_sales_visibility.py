"""Who sees what, line by line:

* a sales rep sees their own leads, opportunities, targets and plans, plus
  the unassigned leads (Odoo's "Personal Leads" rule, kept on purpose: the
  pool of leads no rule could assign is worked by whoever picks it up);
* a sales manager also sees everything of the teams they lead;
* a sales director sees everything.
"""
from odoo.exceptions import AccessError

from .common import SalesCase


class TestSalesVisibility(SalesCase):

    @classmethod
    def setUpClass(cls):
        super(TestSalesVisibility, cls).setUpClass()
        cls.lead_a = cls._opportunity('VIS lead A', cls.rep_a, cls.team_a, type='lead')
        cls.opp_a = cls._opportunity('VIS opp A', cls.rep_a, cls.team_a)
        cls.opp_a2 = cls._opportunity('VIS opp A2', cls.rep_a2, cls.team_a)
        cls.lead_b = cls._opportunity('VIS lead B', cls.rep_b, cls.team_b, type='lead')
        cls.opp_b = cls._opportunity('VIS opp B', cls.rep_b, cls.team_b)
        cls.pool = cls._opportunity('VIS lead unassigned', None, None, type='lead')
        cls.leads = cls.lead_a | cls.opp_a | cls.opp_a2 | cls.lead_b | cls.opp_b | cls.pool
        Target = cls.env['crm.sales.target']
        cls.target_a = cls._target(cls.rep_a)
        cls.target_a2 = cls._target(cls.rep_a2)
        cls.target_b = cls._target(cls.rep_b)
        cls.target_team_a = Target.create({'target_type': 'team', 'user_id': False,
                                           'team_id': cls.team_a.id, 'target_amount': 1,
                                           'date_start': '2019-03-01'})
        cls.targets = cls.target_a | cls.target_a2 | cls.target_b | cls.target_team_a
        cls.plans = cls.env['mail.activity']
        for lead in (cls.opp_a, cls.opp_a2, cls.opp_b):
            cls.plans |= cls.env['mail.activity'].create({
                'res_model_id': cls.env.ref('crm.model_crm_lead').id, 'res_id': lead.id,
                'activity_type_id': cls.env.ref('crm_sales.mail_activity_type_visit').id,
                'user_id': lead.user_id.id, 'summary': 'VIS visit %s' % lead.name,
                'date_deadline': '2030-01-01'})
        cls.plan_a, cls.plan_a2, cls.plan_b = cls.plans

    def assertSees(self, user, records, expected, name_field='name'):
        """`user` finds exactly `expected` among `records` through search,
        search_count, read_group and name_search, and cannot read the rest."""
        Model = records.env[records._name].sudo(user)
        domain = [('id', 'in', records.ids)]
        self.assertEqual(Model.search(domain), expected)
        self.assertEqual(Model.search_count(domain), len(expected))
        groups = Model.read_group(domain, ['user_id'], ['user_id'])
        self.assertEqual(sum(g['user_id_count'] for g in groups), len(expected))
        prefix = records[0][name_field][:3]
        found = {i for i, _n in Model.name_search(prefix, args=domain, limit=None)}
        self.assertEqual(found, set(expected.ids))
        for record in records - expected:
            with self.assertRaises(AccessError):
                record.sudo(user).read([name_field])
        expected.sudo(user).read([name_field])

    # leads and opportunities
    def test_rep_sees_own_leads_and_the_unassigned_pool(self):
        self.assertSees(self.rep_a, self.leads, self.lead_a | self.opp_a | self.pool)
        self.assertSees(self.rep_b, self.leads, self.lead_b | self.opp_b | self.pool)

    def test_manager_sees_the_teams_leads(self):
        self.assertSees(self.manager_a, self.leads,
                        self.lead_a | self.opp_a | self.opp_a2 | self.pool)
        self.assertSees(self.manager_b, self.leads, self.lead_b | self.opp_b | self.pool)

    def test_director_sees_every_lead(self):
        self.assertSees(self.director, self.leads, self.leads)

    def test_opportunities_only(self):
        opps = self.leads.filtered(lambda l: l.type == 'opportunity')
        self.assertSees(self.rep_a, opps, self.opp_a)
        self.assertSees(self.manager_a, opps, self.opp_a | self.opp_a2)

    def test_rep_cannot_write_a_colleagues_opportunity(self):
        with self.assertRaises(AccessError):
            self.opp_a2.sudo(self.rep_a).write({'name': 'mine now'})

    # targets
    def test_targets(self):
        self.assertSees(self.rep_a, self.targets, self.target_a)
        self.assertSees(self.rep_a2, self.targets, self.target_a2)
        self.assertSees(self.manager_a, self.targets,
                        self.target_a | self.target_a2 | self.target_team_a)
        self.assertSees(self.manager_b, self.targets, self.target_b)
        self.assertSees(self.director, self.targets, self.targets)

    def test_rep_cannot_create_a_target_for_a_colleague(self):
        with self.assertRaises(AccessError):
            self.Target.sudo(self.rep_a).create({
                'user_id': self.rep_b.id, 'date_start': '2019-03-01', 'target_amount': 5})

    # plans
    def test_plans(self):
        self.assertSees(self.rep_a, self.plans, self.plan_a, 'summary')
        self.assertSees(self.manager_a, self.plans, self.plan_a | self.plan_a2, 'summary')
        self.assertSees(self.manager_b, self.plans, self.plan_b, 'summary')
        self.assertSees(self.director, self.plans, self.plans, 'summary')

    def test_rep_cannot_close_a_colleagues_plan(self):
        with self.assertRaises(AccessError):
            self.plan_a2.sudo(self.rep_a).action_feedback(feedback='not mine')
        self.assertTrue(self.plan_a2.exists())

    # forecast lines
    def test_forecast_lines(self):
        Report = self.env['crm.sales.forecast.report']
        lines = Report.search([('lead_id', 'in', self.leads.ids)])
        self.assertEqual(lines.mapped('lead_id'), self.opp_a | self.opp_a2 | self.opp_b)
        mine = Report.sudo(self.rep_a).search([('lead_id', 'in', self.leads.ids)])
        self.assertEqual(mine.mapped('lead_id'), self.opp_a)
        team = Report.sudo(self.manager_a).search([('lead_id', 'in', self.leads.ids)])
        self.assertEqual(team.mapped('lead_id'), self.opp_a | self.opp_a2)
