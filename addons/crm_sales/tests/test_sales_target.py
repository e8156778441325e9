from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .common import SalesCase


class TestSalesTarget(SalesCase):

    @classmethod
    def setUpClass(cls):
        super(TestSalesTarget, cls).setUpClass()
        env = cls.env
        cls.company = env.user.company_id
        cls.company_currency = cls.company.currency_id
        cls.foreign = env['res.currency'].with_context(active_test=False).search(
            [('name', '=', 'GBP' if cls.company_currency.name != 'GBP' else 'CHF')])
        cls.foreign.active = True
        Rate = env['res.currency.rate']
        # two dates, two rates: 1 company unit = 0.5 then 0.8 foreign units
        for day, rate in (('2019-03-05', 0.5), ('2019-03-20', 0.8)):
            Rate.create({'name': day, 'rate': rate, 'currency_id': cls.foreign.id,
                         'company_id': cls.company.id})
            Rate.create({'name': day, 'rate': 1.0, 'currency_id': cls.company_currency.id,
                         'company_id': cls.company.id})
        cls.pricelist_foreign = env['product.pricelist'].create(
            {'name': 'ST foreign', 'currency_id': cls.foreign.id})
        cls.pricelist_company = env['product.pricelist'].create(
            {'name': 'ST company', 'currency_id': cls.company_currency.id})
        cls.product = env['product.product'].create(
            {'name': 'ST service', 'type': 'service', 'taxes_id': [(5, 0, 0)]})
        cls.customer = env['res.partner'].create({'name': 'ST Customer'})

    def _order(self, user, team, amount, day, pricelist, confirm=True, opportunity=None):
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id, 'pricelist_id': pricelist.id,
            'user_id': user.id, 'team_id': team.id, 'date_order': day + ' 09:00:00',
            'opportunity_id': opportunity.id if opportunity else False,
            'order_line': [(0, 0, {'product_id': self.product.id, 'product_uom_qty': 1,
                                   'price_unit': amount, 'tax_id': [(5, 0, 0)]})],
        })
        if confirm:
            order.action_confirm()
        return order

    def _won(self, name, user, team, revenue, day):
        opp = self._opportunity(name, user, team, planned_revenue=revenue)
        opp.action_set_won()
        self.env.cr.execute("UPDATE crm_lead SET date_closed = %s WHERE id = %s",
                            (day + ' 12:00:00', opp.id))
        opp.invalidate_cache()
        return opp

    # period and validation
    def test_period_is_computed_from_the_period_type(self):
        month = self._target(self.rep_a, '2019-02-14')
        self.assertEqual((month.date_from, month.date_to), ('2019-02-01', '2019-02-28'))
        quarter = self._target(self.rep_a, '2019-05-31', period_type='quarter')
        self.assertEqual((quarter.date_from, quarter.date_to), ('2019-04-01', '2019-06-30'))
        self.assertIn('Q2 2019', quarter.name)

    def test_a_target_needs_an_amount_or_a_count(self):
        with self.assertRaises(ValidationError):
            self._target(self.rep_a, target_amount=0, target_count=0)
        with self.assertRaises(ValidationError):
            self.Target.create({'target_type': 'team', 'user_id': False,
                                'date_start': '2019-03-01', 'target_amount': 5})

    def test_rep_target_takes_the_reps_team(self):
        self.assertEqual(self._target(self.rep_a).team_id, self.team_a)

    # approval flow
    def test_rep_submits_and_the_team_leader_approves(self):
        target = self._target(self.rep_a)
        target.action_submit()
        self.assertEqual(target.state, 'submitted')
        # the leader gets an activity to approve it
        self.assertEqual(target.activity_ids.user_id, self.manager_a)
        with self.assertRaises(AccessError):
            target.sudo(self.rep_a).action_approve()
        with self.assertRaises(AccessError):     # another team's leader
            target.sudo(self.manager_b).action_approve()
        target.sudo(self.manager_a).action_approve()
        self.assertEqual(target.state, 'approved')
        self.assertEqual(target.approved_by_id, self.manager_a)
        self.assertFalse(target.activity_ids)
        # approved: the rep can no longer change it
        with self.assertRaises(AccessError):
            target.sudo(self.rep_a).write({'target_amount': 1.0})
        self.assertEqual(target.target_amount, 10000.0)

    def test_state_changes_only_through_the_buttons(self):
        target = self._target(self.rep_a)
        with self.assertRaises(UserError):
            target.sudo(self.rep_a).write({'state': 'approved'})
        with self.assertRaises(UserError):
            self.Target.sudo(self.rep_a).create({
                'user_id': self.rep_a.id, 'date_start': '2019-03-01', 'target_amount': 1,
                'state': 'approved'})
        with self.assertRaises(UserError):
            target.sudo(self.manager_a).action_approve()    # still a draft

    def test_nobody_approves_their_own_target(self):
        target = self._target(self.manager_a, team_id=self.team_a.id)
        target.sudo(self.manager_a).action_submit()
        with self.assertRaises(AccessError):
            target.sudo(self.manager_a).action_approve()
        target.sudo(self.director).action_approve()
        self.assertEqual(target.state, 'approved')

    def test_team_targets_are_approved_by_a_director(self):
        target = self.Target.sudo(self.manager_a).create({
            'target_type': 'team', 'user_id': False, 'team_id': self.team_a.id,
            'date_start': '2019-03-01', 'period_type': 'quarter', 'target_amount': 90000})
        target.action_submit()
        with self.assertRaises(AccessError):
            target.sudo(self.manager_a).action_approve()
        target.sudo(self.director).action_approve()
        self.assertEqual(target.state, 'approved')

    def test_refuse_needs_a_reason_and_goes_back_to_draft(self):
        target = self._target(self.rep_a)
        target.action_submit()
        with self.assertRaises(UserError):
            target.sudo(self.manager_a).action_refuse()
        self.assertEqual(target.state, 'submitted')
        target.sudo(self.manager_a).write({'refuse_reason': 'Too low for March'})
        target.sudo(self.manager_a).action_refuse()
        self.assertEqual(target.state, 'draft')
        self.assertTrue(any('Too low for March' in m.body for m in target.message_ids))

    def test_one_approved_target_per_rep_and_period(self):
        first = self._target(self.rep_a, '2019-03-01')
        second = self._target(self.rep_a, '2019-03-25')
        (first | second).action_submit()
        first.sudo(self.manager_a).action_approve()
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            second.sudo(self.manager_a).action_approve()
        second.invalidate_cache()
        self.assertEqual(second.state, 'submitted')
        # another period or another rep is fine
        other = self._target(self.rep_a2, '2019-03-01')
        other.action_submit()
        other.sudo(self.manager_a).action_approve()

    def test_only_drafts_can_be_deleted(self):
        target = self._target(self.rep_a)
        target.action_submit()
        with self.assertRaises(UserError):
            target.sudo(self.rep_a).unlink()

    # attainment
    def test_attainment_converts_currencies_and_counts_each_deal_once(self):
        rep, team = self.rep_a, self.team_a
        opp_with_order = self._won('ST won with order', rep, team, 99999.0, '2019-03-04')
        # 1000 foreign at 0.5 -> 2000; 400 foreign at 0.8 -> 500; 300 company currency
        self._order(rep, team, 1000.0, '2019-03-05', self.pricelist_foreign,
                    opportunity=opp_with_order)
        self._order(rep, team, 400.0, '2019-03-20', self.pricelist_foreign)
        self._order(rep, team, 300.0, '2019-03-20', self.pricelist_company)
        self._won('ST won without order', rep, team, 700.0, '2019-03-12')
        # not counted: a quotation, an order of April, a lost deal, a colleague's order
        self._order(rep, team, 5000.0, '2019-03-06', self.pricelist_company, confirm=False)
        self._order(rep, team, 5000.0, '2019-04-01', self.pricelist_company)
        self._opportunity('ST lost', rep, team, planned_revenue=800.0).action_set_lost()
        self._order(self.rep_a2, team, 50.0, '2019-03-07', self.pricelist_company)

        target = self._target(rep, '2019-03-01', target_amount=7000.0, target_count=8)
        self.assertAlmostEqual(target.achieved_amount, 2000 + 500 + 300 + 700, places=2)
        self.assertEqual(target.achieved_count, 4)
        self.assertAlmostEqual(target.amount_attainment, 50.0, places=2)
        self.assertAlmostEqual(target.count_attainment, 50.0, places=2)

        team_target = self.Target.create({
            'target_type': 'team', 'user_id': False, 'team_id': team.id,
            'date_start': '2019-01-15', 'period_type': 'quarter', 'target_amount': 3550.0})
        self.assertAlmostEqual(team_target.achieved_amount, 3550.0, places=2)
        self.assertAlmostEqual(team_target.amount_attainment, 100.0, places=2)

    def test_attainment_of_many_targets_in_one_query(self):
        self._order(self.rep_a, self.team_a, 100.0, '2019-03-05', self.pricelist_company)
        targets = self.Target
        for day in ('2019-01-01', '2019-02-01', '2019-03-01', '2019-04-01', '2019-05-01'):
            targets |= self._target(self.rep_a, day) | self._target(self.rep_a2, day)
        targets = self.Target.browse(targets.ids)

        def queries(records):
            records.invalidate_cache()
            before = self.env.cr.sql_log_count
            records.mapped('achieved_amount')
            return self.env.cr.sql_log_count - before
        # as many queries for ten targets as for two
        self.assertEqual(queries(targets), queries(targets[:2]))
        amounts = targets.mapped('achieved_amount')
        self.assertEqual(sorted(amounts)[-1], 100.0)
        self.assertEqual(sum(amounts), 100.0)

    # forecast
    def test_forecast_weighs_the_pipeline_and_spreads_targets(self):
        opp = self._opportunity('ST open', self.rep_b, self.team_b, planned_revenue=10000.0,
                                probability=30.0, date_deadline='2030-05-17')
        target = self._target(self.rep_b, '2030-04-01', period_type='quarter',
                              target_amount=9000.0)
        target.action_submit()
        target.sudo(self.manager_b).action_approve()
        Report = self.env['crm.sales.forecast.report']
        line = Report.search([('lead_id', '=', opp.id), ('line_type', '=', 'pipeline')])
        self.assertEqual(line.date, '2030-05-17')
        self.assertAlmostEqual(line.weighted_revenue, 3000.0)
        months = Report.read_group([('user_id', '=', self.rep_b.id), ('date', '>=', '2030-01-01')],
                                   ['date', 'target_amount', 'weighted_revenue'],
                                   ['date:month'])
        by_month = {g['date:month']: g for g in months}
        self.assertEqual(len(by_month), 3)
        self.assertAlmostEqual(sum(g['target_amount'] for g in months), 9000.0)
        self.assertAlmostEqual(by_month['May 2030']['weighted_revenue'], 3000.0)
        self.assertAlmostEqual(by_month['April 2030']['target_amount'], 3000.0)

    def test_forecast_dates_undated_deals_from_their_stage(self):
        opp = self._opportunity('ST undated', self.rep_b, self.team_b, planned_revenue=100.0)
        self.env.cr.execute("UPDATE crm_lead SET create_date = '2000-01-01' WHERE id = %s",
                            (opp.id,))
        line = self.env['crm.sales.forecast.report'].search([('lead_id', '=', opp.id)])
        # created long ago, still open: expected from today on
        self.assertEqual(line.date, fields.Date.today())

    @mute_logger('odoo.sql_db')
    def test_negative_target_is_refused(self):
        with self.assertRaises(Exception):
            with self.env.cr.savepoint():
                self._target(self.rep_a, target_amount=-5)
