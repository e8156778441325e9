from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from tests.common import create_user

from .common import ErpCase


class RuleCase(ErpCase):
    """ErpCase with the shipped rules archived (each test makes the rules it
    needs) and a service team for the ticket rules."""

    @classmethod
    def setUpClass(cls):
        super(RuleCase, cls).setUpClass()
        env = cls.env
        cls.Rule = env['crm.erp.event.rule']
        cls.shipped_active = {r.id: r.active for r in cls.Rule.with_context(active_test=False).search([])}
        cls.Rule.search([]).write({'active': False})
        cls.todo = env.ref('mail.mail_activity_data_todo')
        cls.fallback = create_user(env, 'erp.fallback', ['crm_sales.group_sales_rep'])
        cls.admin = create_user(env, 'erp.sales.admin', ['sales_team.group_sale_manager'])
        cls.service_team = env['crm.service.team'].create({'name': 'Rule Test Care'})
        cls.category = env.ref('crm_service.crm_service_category_inquiry')

    def make_rule(self, code, **values):
        vals = {'name': 'Test rule %s' % code, 'action': 'activity', 'assign_to': 'event_user',
                'event_type_id': self.env.ref('crm_erp_bridge.crm_erp_event_type_%s' % code).id,
                'activity_type_id': self.todo.id, 'summary': 'Follow up',
                'fallback_user_id': self.fallback.id}
        vals.update(values)
        return self.Rule.create(vals)

    def event(self, code, record):
        return self.env['crm.erp.event'].search([('code', '=', code), ('model', '=', record._name),
                                                 ('res_id', '=', record.id)])

    def activities(self, record, rule=None):
        domain = [('res_model', '=', record._name), ('res_id', '=', record.id)]
        if rule:
            domain.append(('crm_erp_rule_id', '=', rule.id))
        return self.env['mail.activity'].search(domain)

    def late_picking(self, partner=None):
        order = self.make_order(partner=partner)
        picking = order.picking_ids
        picking.scheduled_date = '2026-01-05 10:00:00'
        self.env['stock.picking']._crm_erp_detect_late(now='2026-01-06 10:00:00')
        return order, picking


class TestEventRuleActions(RuleCase):

    def test_activity_after_delivery(self):
        rule = self.make_rule('delivery_done', deadline_days=3, note='Ask about the scarves.')
        order = self.make_order(partner=self.contact)
        picking = self.deliver(order)
        activity = self.activities(picking, rule)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.rep)
        self.assertEqual(activity.activity_type_id, self.todo)
        self.assertEqual(activity.summary, 'Follow up')
        event = self.event('delivery_done', picking)
        day = fields.Date.from_string(event.date[:10])
        self.assertEqual(activity.date_deadline, fields.Date.to_string(day + timedelta(days=3)))
        self.assertIn(rule.name, activity.note, 'the activity names the rule')
        self.assertIn('Ask about the scarves.', activity.note)
        self.assertEqual(rule.work_count, 1)
        self.assertTrue(rule.last_run)
        self.assertEqual(rule.activity_count, 1)
        self.assertEqual(self.env['mail.activity'].search(rule.action_view_activities()['domain']), activity)
        log = rule.log_ids
        self.assertEqual((log.state, log.event_id, log.res_model, log.res_id, log.user_id),
                         ('done', event, 'mail.activity', activity.id, self.rep))
        self.assertEqual(event.rule_log_count, 1)

    def test_ticket_for_late_delivery_once(self):
        rule = self.make_rule('delivery_late', action='ticket', assign_to='team', priority='2',
                              service_team_id=self.service_team.id, category_id=self.category.id,
                              summary='Late delivery')
        order, picking = self.late_picking()
        ticket = self.env['crm.service.ticket'].search([('crm_erp_rule_id', '=', rule.id)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual((ticket.team_id, ticket.category_id, ticket.priority, ticket.sale_order_id),
                         (self.service_team, self.category, '2', order))
        self.assertEqual(ticket.commercial_partner_id, self.customer)
        self.assertIn(self.customer.name, ticket.name)
        self.assertTrue(any(rule.name in m.body for m in ticket.message_ids),
                        'a chatter line names the rule')
        # the delivery is reported late again (e.g. rescheduled): no second ticket
        picking.write({'crm_erp_late_notified': False, 'scheduled_date': '2026-01-10 10:00:00'})
        self.env['stock.picking']._crm_erp_detect_late(now='2026-01-11 10:00:00')
        self.assertEqual(len(self.event('delivery_late', picking)), 2)
        self.assertEqual(self.env['crm.service.ticket'].search_count([('crm_erp_rule_id', '=', rule.id)]), 1)
        self.assertEqual(rule.ticket_count, 1)
        self.assertEqual(self.env['crm.service.ticket'].search(rule.action_view_tickets()['domain']), ticket)
        self.assertEqual(sorted(rule.log_ids.mapped('state')), ['done', 'skipped'])

    def test_opportunity_with_average_order(self):
        rule = self.make_rule('order_confirmed', action='opportunity', assign_to='salesperson',
                              summary='Upsell', revenue_rule='average', deadline_days=14)
        self.make_order(partner=self.customer2, user=self.rep, price=100.0, confirm=True)
        lead = self.env['crm.lead'].search([('crm_erp_rule_id', '=', rule.id)])
        self.assertEqual(len(lead), 1)
        self.assertEqual((lead.type, lead.partner_id, lead.user_id),
                         ('opportunity', self.customer2, self.rep2), "the customer's salesperson")
        self.assertEqual(lead.planned_revenue, 100.0)
        self.assertEqual(self.env['crm.lead'].search(rule.action_view_opportunities()['domain']), lead)
        self.assertIn('Upsell', lead.name)
        self.assertTrue(any(rule.name in m.body for m in lead.message_ids))
        # still open: a second order does not open a second opportunity
        self.make_order(partner=self.customer2, price=300.0)
        self.assertEqual(self.env['crm.lead'].search_count([('crm_erp_rule_id', '=', rule.id)]), 1)
        # once it is won, the next order opens a new one, at the average of the three orders
        lead.action_set_won()
        self.make_order(partner=self.customer2, price=200.0)
        new = self.env['crm.lead'].search([('crm_erp_rule_id', '=', rule.id), ('id', '!=', lead.id)])
        self.assertEqual(len(new), 1)
        self.assertAlmostEqual(new.planned_revenue, 200.0)

    def test_message_to_salesperson(self):
        rule = self.make_rule('delivery_late', action='message', summary='Late delivery',
                              note='Call the customer.')
        _order, picking = self.late_picking()
        message = picking.message_ids.filtered(lambda m: rule.name in (m.body or ''))
        self.assertEqual(len(message), 1)
        self.assertIn(self.rep.partner_id, message.needaction_partner_ids, "in the rep's inbox")
        self.assertEqual(rule.log_ids.res_model, 'mail.message')


class TestEventRuleBehaviour(RuleCase):

    def test_domain_filter(self):
        rule = self.make_rule('delivery_done',
                              domain="[('partner_id', 'child_of', %d)]" % self.customer2.id)
        mine = self.deliver(self.make_order(partner=self.customer))
        theirs = self.deliver(self.make_order(partner=self.customer2, user=self.rep2))
        self.assertFalse(self.activities(mine, rule))
        self.assertEqual(self.activities(theirs, rule).user_id, self.rep2)
        self.assertEqual(rule.work_count, 1)

    def test_inactive_rule_does_nothing(self):
        rule = self.make_rule('delivery_done', active=False)
        picking = self.deliver(self.make_order())
        self.assertFalse(self.activities(picking, rule))
        self.assertFalse(rule.log_ids)
        self.assertFalse(rule.last_run)

    def test_rules_do_not_loop(self):
        # a ticket opened by a rule is a ticket_opened event: the rule does not run on its own work
        rule = self.make_rule('ticket_opened', action='ticket', assign_to='team',
                              service_team_id=self.service_team.id)
        notify = self.make_rule('ticket_opened', action='message', assign_to='user', user_id=self.rep.id)
        first = self.make_ticket()
        tickets = self.env['crm.service.ticket'].search([('crm_erp_rule_id', '=', rule.id)])
        self.assertEqual(len(tickets), 1)
        self.assertTrue(self.event('ticket_opened', tickets), 'the work is still logged as an event')
        # the other rule runs on both tickets: the one opened by hand and the rule's
        self.assertEqual(len(notify.log_ids), 2)
        self.assertEqual(set(notify.log_ids.mapped('event_id.res_id')), {first.id, tickets.id})

    def test_other_company_rule_does_nothing(self):
        company = self.env['res.company'].create({'name': 'Other Test Company'})
        rule = self.make_rule('delivery_done', company_id=company.id)
        picking = self.deliver(self.make_order())
        self.assertFalse(self.activities(picking, rule))

    def test_no_duplicates(self):
        rule = self.make_rule('delivery_done')
        note = self.make_rule('delivery_done', action='message')
        picking = self.deliver(self.make_order())
        event = self.event('delivery_done', picking)
        logs = self.env['crm.erp.event.rule.log'].search_count([])
        event._crm_erp_dispatch()
        self.assertEqual(len(self.activities(picking, rule)), 1)
        self.assertEqual(self.env['crm.erp.event.rule.log'].search_count([]), logs,
                         'the same events dispatched again: nothing new')
        # a new event on the same record while the activity is open: skipped, and logged
        self.env['crm.erp.event']._emit('delivery_done', picking)
        self.assertEqual(len(self.activities(picking, rule)), 1)
        self.assertEqual(sorted(rule.log_ids.mapped('state')), ['done', 'skipped'])
        self.assertEqual(note.log_ids.mapped('state'), ['done', 'done'], 'one note per event')
        # done activity: the next event schedules a new one
        self.activities(picking, rule).action_done()
        self.env['crm.erp.event']._emit('delivery_done', picking)
        self.assertEqual(len(self.activities(picking, rule)), 1)
        self.assertEqual(rule.work_count, 2)

    def test_fallback_user(self):
        rule = self.make_rule('delivery_done', assign_to='salesperson')
        nobody = self.env['res.partner'].create({'name': 'Walk-in Test Buyer', 'customer': True})
        picking = self.deliver(self.make_order(partner=nobody))
        activity = self.activities(picking, rule)
        self.assertEqual(activity.user_id, self.fallback)
        self.assertTrue(rule.log_ids.is_fallback)
        # an archived salesperson counts as nobody too
        self.rep2.active = False
        picking2 = self.deliver(self.make_order(partner=self.customer2))
        self.assertEqual(self.activities(picking2, rule).user_id, self.fallback)

    def test_nobody_is_logged_not_dropped(self):
        chosen = create_user(self.env, 'erp.chosen', ['crm_sales.group_sales_rep'])
        rule = self.make_rule('delivery_done', assign_to='user', user_id=chosen.id,
                              fallback_user_id=False)
        chosen.active = False
        picking = self.deliver(self.make_order())
        self.assertTrue(self.event('delivery_done', picking), 'the event stays logged')
        self.assertFalse(self.activities(picking, rule))
        self.assertEqual(rule.log_ids.state, 'failed')
        self.assertIn('fallback', rule.log_ids.message)
        self.assertEqual(rule.failure_count, 1)

    def test_failing_rule_does_not_block(self):
        broken = self.make_rule('delivery_done', sequence=1)
        good = self.make_rule('delivery_done', sequence=2)
        # a field the filter used was removed since the rule was saved
        self.env.cr.execute("UPDATE crm_erp_event_rule SET domain = %s WHERE id = %s",
                            ("[('no_such_field', '=', 1)]", broken.id))
        broken.invalidate_cache()
        picking = self.deliver(self.make_order())
        self.assertEqual(picking.state, 'done', 'the delivery itself is not refused')
        self.assertTrue(self.event('delivery_done', picking))
        self.assertEqual(broken.log_ids.state, 'failed')
        self.assertIn('no_such_field', broken.log_ids.message)
        self.assertEqual(len(self.activities(picking, good)), 1)

    def test_bad_domain_refused(self):
        for domain in ("[('no_such_field', '=', 1)]", "[('state', '=='", "'done'"):
            with self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self.make_rule('delivery_done', domain=domain)
        rule = self.make_rule('delivery_done', domain="[('state', '=', 'done')]")
        with self.assertRaises(ValidationError):
            rule.domain = "[('partner_id.nope', '=', 1)]"

    def test_assignment_checks(self):
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                self.make_rule('delivery_done', fallback_user_id=False)
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                self.make_rule('delivery_done', assign_to='user')
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                self.make_rule('delivery_done', assign_to='team')

    def test_rights(self):
        rule = self.make_rule('delivery_done')
        self.deliver(self.make_order())
        # reps see the rules (the activities they get name them) but cannot change them
        self.assertEqual(rule.sudo(self.rep).read(['name'])[0]['name'], rule.name)
        with self.assertRaises(AccessError):
            rule.sudo(self.rep).write({'name': 'Mine'})
        with self.assertRaises(AccessError):
            self.make_rule_as(self.rep)
        with self.assertRaises(AccessError):
            self.env['crm.erp.event.rule.log'].sudo(self.rep).search([])
        # sales admins manage them and read the log
        self.assertTrue(self.make_rule_as(self.admin))
        self.assertTrue(self.env['crm.erp.event.rule.log'].sudo(self.admin).search(
            [('rule_id', '=', rule.id)]))
        self.assertEqual(rule.sudo(self.admin).action_view_log()['domain'], [('rule_id', '=', rule.id)])
        # the menu is the sales admins'
        menu = self.env.ref('crm_erp_bridge.crm_erp_event_rule_menu')
        self.assertIn(menu.id, self.env['ir.ui.menu'].sudo(self.admin)._visible_menu_ids())
        self.assertEqual(menu.parent_id, self.env.ref('crm_erp_bridge.integration_menu'))
        self.assertNotIn(menu.parent_id.id, self.env['ir.ui.menu'].sudo(self.rep)._visible_menu_ids())

    def make_rule_as(self, user):
        return self.Rule.sudo(user).create({
            'name': 'By hand',
            'event_type_id': self.env.ref('crm_erp_bridge.crm_erp_event_type_delivery_done').id,
            'action': 'message', 'assign_to': 'user', 'user_id': user.id})

    def test_set_based_query_count(self):
        """The rules' work over N events costs the same number of queries
        whatever N: one filter search, one look-up of the open work, one log
        INSERT and one counter UPDATE per dispatch."""
        self.make_rule('order_confirmed', domain="[('id', '=', 0)]")       # matches nothing
        open_rule = self.make_rule('order_confirmed')                      # work already open
        small = self.env['sale.order'].union(*[self.make_order(confirm=False) for _i in range(2)])
        big = self.env['sale.order'].union(*[self.make_order(confirm=False) for _i in range(10)])
        Event = self.env['crm.erp.event']
        Event._emit('order_confirmed', small | big)
        self.assertEqual(open_rule.work_count, 12)

        def count(orders):
            Event.invalidate_cache()
            before = self.cr.sql_log_count
            Event._emit('order_confirmed', orders)
            return self.cr.sql_log_count - before
        queries_small, queries_big = count(small), count(big)
        self.assertEqual(queries_small, queries_big)
        self.assertEqual(len(open_rule.log_ids.filtered(lambda l: l.state == 'skipped')), 12)


class TestShippedRules(RuleCase):

    def activate(self, *names):
        for name in names:
            self.env.ref('crm_erp_bridge.crm_erp_event_rule_%s' % name).active = True

    def test_shipped_state(self):
        Rule = self.Rule.with_context(active_test=False)
        ref = self.env.ref
        for name in ('delivery_followup', 'delivery_satisfaction', 'delivery_late_message',
                     'delivery_late_activity', 'delivery_late_ticket', 'invoice_overdue', 'reorder'):
            self.assertTrue(Rule.browse(ref('crm_erp_bridge.crm_erp_event_rule_%s' % name).id).exists())

    def test_optional_rules_ship_inactive(self):
        ref = self.env.ref
        for name in ('delivery_satisfaction', 'delivery_late_ticket'):
            self.assertFalse(self.shipped_active[ref('crm_erp_bridge.crm_erp_event_rule_%s' % name).id])
        for name in ('delivery_followup', 'delivery_late_message', 'delivery_late_activity',
                     'invoice_overdue', 'reorder'):
            self.assertTrue(self.shipped_active[ref('crm_erp_bridge.crm_erp_event_rule_%s' % name).id])

    def test_delivery_followup_after_three_days(self):
        self.activate('delivery_followup')
        picking = self.deliver(self.make_order())
        activity = self.activities(picking)
        self.assertEqual(activity.summary, 'Check the customer received the goods and is satisfied')
        self.assertEqual(activity.user_id, self.rep)
        day = fields.Date.from_string(self.event('delivery_done', picking).date[:10])
        self.assertEqual(activity.date_deadline, fields.Date.to_string(day + timedelta(days=3)))

    def test_satisfaction_ticket_when_enabled(self):
        self.activate('delivery_satisfaction')
        picking = self.deliver(self.make_order())
        rule = self.env.ref('crm_erp_bridge.crm_erp_event_rule_delivery_satisfaction')
        ticket = self.env['crm.service.ticket'].search([('crm_erp_rule_id', '=', rule.id)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.sale_order_id, picking.sale_id)

    def test_late_delivery_alert(self):
        self.activate('delivery_late_message', 'delivery_late_activity', 'delivery_late_ticket')
        order, picking = self.late_picking()
        self.assertEqual(self.activities(picking).user_id, self.rep)
        self.assertTrue(picking.message_ids.filtered(
            lambda m: self.rep.partner_id in m.needaction_partner_ids))
        self.assertEqual(self.env['crm.service.ticket'].search_count([('sale_order_id', '=', order.id)]), 1)

    def test_invoice_overdue_activity(self):
        self.activate('invoice_overdue')
        invoice = self.make_invoice(date_due='2026-01-31')
        invoice.user_id = self.rep
        self.env['account.invoice']._crm_erp_detect_overdue(today='2026-02-10')
        self.assertEqual(self.activities(invoice).user_id, self.rep)
