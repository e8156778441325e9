from odoo import fields
from odoo.exceptions import AccessError
from odoo.tools.safe_eval import safe_eval

from .common import SalesCase


class TestVisitPlan(SalesCase):

    @classmethod
    def setUpClass(cls):
        super(TestVisitPlan, cls).setUpClass()
        cls.visit = cls.env.ref('crm_sales.mail_activity_type_visit')
        cls.call = cls.env.ref('mail.mail_activity_data_call')
        cls.opp_a = cls._opportunity('VP Opp A', cls.rep_a, cls.team_a)
        cls.opp_b = cls._opportunity('VP Opp B', cls.rep_b, cls.team_b)
        cls.today = fields.Date.from_string(fields.Date.today())

    def _plan(self, user, lead, kind, deadline, summary='Plan'):
        return self.env['mail.activity'].sudo(user).create({
            'res_model_id': self.env.ref('crm.model_crm_lead').id, 'res_id': lead.id,
            'activity_type_id': kind.id, 'user_id': user.id, 'summary': summary,
            'date_deadline': deadline})

    def _action_domain(self, xmlid, user):
        action = self.env.ref(xmlid)
        return safe_eval(action.domain, {'uid': user.id})

    def test_my_visits_and_calls_shows_my_plans_only(self):
        visit_a = self._plan(self.rep_a, self.opp_a, self.visit, '2030-01-07')
        call_a = self._plan(self.rep_a, self.opp_a, self.call, '2030-01-08')
        visit_b = self._plan(self.rep_b, self.opp_b, self.visit, '2030-01-07')
        Activity = self.env['mail.activity']
        domain = self._action_domain('crm_sales.mail_activity_action_my_visits', self.rep_a)
        mine = Activity.sudo(self.rep_a).search(domain + [('user_id', '=', self.rep_a.id)])
        self.assertEqual(mine, visit_a | call_a)
        # without the "My Plans" filter the other rep's plan is still hidden
        self.assertNotIn(visit_b, Activity.sudo(self.rep_a).search(domain))
        self.assertEqual(self.env.ref('crm_sales.mail_activity_action_my_visits').view_mode,
                         'calendar,tree,form')

    def test_a_rep_cannot_read_another_reps_plan(self):
        visit_b = self._plan(self.rep_b, self.opp_b, self.visit, '2030-01-07')
        with self.assertRaises(AccessError):
            visit_b.sudo(self.rep_a).read(['summary'])
        # nor through the opportunity's activities
        self.assertFalse(self.opp_b.sudo(self.rep_a).search([('id', '=', self.opp_b.id)]))

    def test_the_manager_sees_the_teams_overdue_plans(self):
        past = fields.Date.to_string(self.today.replace(year=self.today.year - 1))
        future = fields.Date.to_string(self.today.replace(year=self.today.year + 1))
        overdue_a = self._plan(self.rep_a, self.opp_a, self.visit, past)
        later_a = self._plan(self.rep_a, self.opp_a, self.call, future)
        overdue_b = self._plan(self.rep_b, self.opp_b, self.call, past)
        Activity = self.env['mail.activity'].sudo(self.manager_a)
        # the search view's "Overdue Plans of My Team" filter
        team_overdue = [('user_id.sale_team_id.user_id', '=', self.manager_a.id),
                        ('date_deadline', '<', fields.Date.today())]
        domain = self._action_domain('crm_sales.mail_activity_action_team_overdue',
                                     self.manager_a)
        self.assertEqual(Activity.search(domain + team_overdue), overdue_a)
        seen = Activity.search(domain)
        self.assertIn(later_a, seen)
        self.assertNotIn(overdue_b, seen)
        with self.assertRaises(AccessError):
            overdue_b.sudo(self.manager_a).read(['summary'])
        self.assertIn(overdue_b, self.env['mail.activity'].sudo(self.director).search(domain))
        view = self.env.ref('crm_sales.mail_activity_view_search_sales')
        self.assertIn('team_overdue', view.arch)

    def test_done_visit_keeps_its_outcome(self):
        visit = self._plan(self.rep_a, self.opp_a, self.visit, '2019-03-01', 'Demo at HQ')
        visit.write({'visit_outcome': 'interested'})
        message_id = visit.action_feedback(feedback='They want a quote')
        self.assertFalse(visit.exists())
        message = self.env['mail.message'].browse(message_id)
        self.assertEqual(message.res_id, self.opp_a.id)
        self.assertIn('Interested', message.body)
        self.assertIn('They want a quote', message.body)
        log = self.env['crm.sales.visit.log'].sudo(self.rep_a).search(
            [('lead_id', '=', self.opp_a.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual((log.outcome, log.user_id, log.team_id, log.activity_type_id),
                         ('interested', self.rep_a, self.team_a, self.visit))
        self.assertEqual(log.note, 'They want a quote')
        self.assertEqual(log.message_id.id, message_id)
        self.assertTrue(log.late)
        # who sees the log
        self.assertFalse(self.env['crm.sales.visit.log'].sudo(self.rep_b).search(
            [('id', '=', log.id)]))
        self.assertEqual(self.env['crm.sales.visit.log'].sudo(self.manager_a).search(
            [('id', '=', log.id)]), log)
        self.assertFalse(self.env['crm.sales.visit.log'].sudo(self.manager_b).search(
            [('id', '=', log.id)]))
        with self.assertRaises(AccessError):
            log.sudo(self.rep_b).read(['outcome'])
        with self.assertRaises(AccessError):
            log.sudo(self.rep_a).write({'outcome': 'no_answer'})

    def test_other_activities_are_not_logged(self):
        todo = self._plan(self.rep_a, self.opp_a, self.env.ref('mail.mail_activity_data_todo'),
                          '2030-01-01')
        todo.action_feedback(feedback='done')
        self.assertFalse(self.env['crm.sales.visit.log'].search(
            [('lead_id', '=', self.opp_a.id)]))

    def test_several_calls_done_at_once(self):
        calls = self._plan(self.rep_a, self.opp_a, self.call, '2030-01-01') | \
            self._plan(self.rep_a, self.opp_a, self.call, '2030-01-02')
        calls[0].visit_outcome = 'no_answer'
        calls.action_feedback()
        logs = self.env['crm.sales.visit.log'].search([('lead_id', '=', self.opp_a.id)])
        self.assertEqual(sorted(logs.mapped(lambda l: l.outcome or '')), ['', 'no_answer'])
