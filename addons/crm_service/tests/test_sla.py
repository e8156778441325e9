"""SLA policies: working-hours arithmetic, policy matching, deadlines,
pause, reached/breached flags, escalation and the SLA report.

Working hours used throughout: Monday to Friday 08:00-12:00 and 13:00-17:00
in Europe/Brussels (UTC+1 in winter, UTC+2 in summer), with a public
holiday on Wednesday 2025-03-05. Dates are explicit; "now" is passed in.
"""
from datetime import datetime, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import SavepointCase

from odoo.addons.crm_service.models.working_hours import WorkingTime, from_epoch, to_epoch
from tests.common import create_user

TZ = 'Europe/Brussels'
WEEK = [(d, 8.0, 12.0, None, None) for d in range(5)] + [(d, 13.0, 17.0, None, None) for d in range(5)]


def utc(*args):
    """a naive UTC datetime from Brussels winter local time (UTC+1)"""
    return datetime(*args) - timedelta(hours=1)


class TestWorkingTime(SavepointCase):
    """The engine against hand-computed deadlines and resource.calendar."""

    def add(self, start, hours, leaves=()):
        clock = WorkingTime(WEEK, leaves, TZ)
        return from_epoch(clock.add(to_epoch([start]), [hours])[0])

    def test_within_a_day_and_lunch_break(self):
        # Monday 09:00 + 2 h = 11:00; Monday 11:00 + 2 h = 14:00 (lunch skipped)
        self.assertEqual(self.add(utc(2025, 3, 3, 9), 2), utc(2025, 3, 3, 11))
        self.assertEqual(self.add(utc(2025, 3, 3, 11), 2), utc(2025, 3, 3, 14))
        # starting during lunch: the clock runs from 13:00
        self.assertEqual(self.add(utc(2025, 3, 3, 12, 30), 1), utc(2025, 3, 3, 14))

    def test_evening_and_weekend(self):
        # Monday 18:00 + 1 h = Tuesday 09:00
        self.assertEqual(self.add(utc(2025, 3, 3, 18), 1), utc(2025, 3, 4, 9))
        # Friday 16:00 + 2 h = Monday 09:00; Saturday + 1 h = Monday 09:00
        self.assertEqual(self.add(utc(2025, 3, 7, 16), 2), utc(2025, 3, 10, 9))
        self.assertEqual(self.add(utc(2025, 3, 8, 10), 1), utc(2025, 3, 10, 9))
        # a target ending exactly at the end of a day stays on that day
        self.assertEqual(self.add(utc(2025, 3, 7, 16), 1), utc(2025, 3, 7, 17))

    def test_across_a_week_and_summer_time(self):
        # 40 h = one working week: Monday 09:00 -> next Monday 09:00
        self.assertEqual(self.add(utc(2025, 3, 3, 9), 40), utc(2025, 3, 10, 9))
        # over the switch to summer time (30 March 2025): local 09:00 is 07:00 UTC
        self.assertEqual(self.add(utc(2025, 3, 28, 9), 8), datetime(2025, 3, 31, 7))

    def test_public_holiday(self):
        holiday = [(utc(2025, 3, 5, 0), utc(2025, 3, 6, 0))]
        # Tuesday 16:00 + 2 h: Wednesday is off -> Thursday 09:00
        self.assertEqual(self.add(utc(2025, 3, 4, 16), 2, holiday), utc(2025, 3, 6, 9))
        # and the whole week grows by a day
        self.assertEqual(self.add(utc(2025, 3, 3, 9), 40, holiday), utc(2025, 3, 11, 9))

    def test_hours_between_and_round_the_clock(self):
        clock = WorkingTime(WEEK, [], TZ)
        hours = clock.hours_between(to_epoch([utc(2025, 3, 7, 16)]), to_epoch([utc(2025, 3, 10, 10)]))
        self.assertAlmostEqual(hours[0], 3.0)
        always = WorkingTime(None)
        self.assertEqual(from_epoch(always.add(to_epoch([datetime(2025, 3, 8, 10)]), [5])[0]),
                         datetime(2025, 3, 8, 15))

    def test_many_at_once(self):
        clock = WorkingTime(WEEK, [], TZ)
        starts = [utc(2025, 3, 3, 9) + timedelta(hours=7 * i) for i in range(2000)]
        deadlines = clock.add(to_epoch(starts), [4.0] * len(starts))
        single = [from_epoch(WorkingTime(WEEK, [], TZ).add(to_epoch([s]), [4.0])[0]) for s in starts[:50]]
        self.assertEqual([from_epoch(d) for d in deadlines[:50]], single)
        self.assertTrue(all(from_epoch(d) > s for d, s in zip(deadlines, starts)))

    def test_same_as_resource_calendar(self):
        calendar = self.env['resource.calendar'].create({'name': 'Brussels office', 'tz': TZ})
        self.env['resource.calendar.leaves'].create({
            'name': 'Holiday', 'calendar_id': calendar.id, 'tz': TZ,
            'date_from': '2025-03-04 23:00:00', 'date_to': '2025-03-05 22:59:59'})
        data = self.env['crm.service.ticket']._sla_calendars({calendar.id})[calendar.id]
        clock = WorkingTime(data[0], data[1], data[2])
        cal = calendar.with_context(tz=TZ)
        for start, hours in [(utc(2025, 3, 3, 9), 4), (utc(2025, 3, 3, 10, 30), 8), (utc(2025, 3, 7, 15), 3),
                             (utc(2025, 3, 4, 14), 6), (utc(2025, 3, 3, 9), 24)]:
            odoo = cal.plan_hours(hours, start, compute_leaves=True)
            ours = from_epoch(clock.add(to_epoch([start]), [hours])[0])
            self.assertEqual(ours, odoo.replace(microsecond=0), 'plan_hours(%s, %s)' % (hours, start))


class SlaCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(SlaCase, cls).setUpClass()
        env = cls.env
        cls.manager = create_user(env, 'sla.manager',
                                  ['base.group_user', 'crm_service.group_service_manager'],
                                  tz=TZ)
        cls.agent = create_user(env, 'sla.agent', ['base.group_user', 'crm_service.group_service_agent'])
        cls.other_manager = create_user(env, 'sla.manager2', ['base.group_user',
                                                              'crm_service.group_service_manager'])
        cls.calendar = env['resource.calendar'].create({'name': 'Brussels desk', 'tz': TZ})
        env['resource.calendar.leaves'].create({
            'name': 'Public holiday', 'calendar_id': cls.calendar.id, 'tz': TZ,
            'date_from': '2025-03-04 23:00:00', 'date_to': '2025-03-05 23:00:00'})
        Team = env['crm.service.team']
        cls.team = Team.create({'name': 'SLA desk', 'user_id': cls.manager.id,
                                'member_ids': [(6, 0, cls.agent.ids)],
                                'resource_calendar_id': cls.calendar.id})
        cls.team2 = Team.create({'name': 'Second line', 'user_id': cls.other_manager.id,
                                 'resource_calendar_id': cls.calendar.id})
        cls.stage_new = env.ref('crm_service.crm_service_stage_new')
        cls.stage_progress = env.ref('crm_service.crm_service_stage_progress')
        cls.stage_waiting = env.ref('crm_service.crm_service_stage_waiting')
        cls.stage_done = env.ref('crm_service.crm_service_stage_solved')
        cls.complaint = env.ref('crm_service.crm_service_category_complaint')
        cls.inquiry = env.ref('crm_service.crm_service_category_inquiry')
        Partner = env['res.partner']
        cls.gold = Partner.create({'name': 'Gold Ltd', 'is_company': True, 'customer': True,
                                   'service_tier': 'gold'})
        cls.gold_contact = Partner.create({'name': 'Gina Gold', 'parent_id': cls.gold.id})
        cls.plain = Partner.create({'name': 'Plain Ltd', 'is_company': True, 'customer': True})
        # the policies live alone in the test: archive whatever else exists
        env['crm.service.sla'].search([]).write({'active': False})
        Sla = env['crm.service.sla']
        cls.sla_team = Sla.create({'name': 'Desk standard', 'team_id': cls.team.id,
                                   'first_response_hours': 4, 'resolution_hours': 40,
                                   'escalate_to': 'manager'})
        cls.sla_urgent = Sla.create({'name': 'Desk urgent', 'team_id': cls.team.id, 'priority': '3',
                                     'first_response_hours': 1, 'resolution_hours': 8})
        cls.sla_gold = Sla.create({'name': 'Gold customers', 'service_tier': 'gold',
                                   'first_response_hours': 2, 'resolution_hours': 16})
        cls.sla_complaint = Sla.create({'name': 'Desk complaints', 'team_id': cls.team.id,
                                        'category_ids': [(6, 0, cls.complaint.ids)],
                                        'first_response_hours': 2, 'resolution_hours': 24})

    def ticket(self, created=None, **vals):
        values = {'name': 'Printer on fire', 'team_id': self.team.id, 'partner_id': self.plain.id,
                  'category_id': self.inquiry.id, 'priority': '1', 'stage_id': self.stage_new.id}
        values.update(vals)
        ticket = self.env['crm.service.ticket'].create(values)
        if created:
            self.env.cr.execute("UPDATE crm_service_ticket SET create_date = %s WHERE id = %s",
                                (created, ticket.id))
            ticket.invalidate_cache()
            ticket._sla_recompute_ids(ticket.ids, now=created)
        return ticket

    def assertDeadline(self, value, expected):
        self.assertEqual(value, expected.strftime('%Y-%m-%d %H:%M:%S'))


class TestSlaPolicies(SlaCase):

    def test_most_specific_policy_wins(self):
        self.assertEqual(self.ticket().sla_id, self.sla_team)
        # a team policy and a tier policy both name one criterion: the
        # team's has the lower sequence... unless priorities differ
        self.assertEqual(self.ticket(priority='3').sla_id, self.sla_urgent)
        self.assertEqual(self.ticket(category_id=self.complaint.id).sla_id, self.sla_complaint)
        # minimum priority: 'Urgent' is at least 'High'
        high = self.sla_urgent.copy({'name': 'Desk high', 'priority': '2'})
        self.assertEqual(self.ticket(priority='2').sla_id, high)
        self.assertEqual(self.ticket(priority='3').sla_id, self.sla_urgent)
        # two criteria beat one
        gold_desk = self.env['crm.service.sla'].create({
            'name': 'Desk gold', 'team_id': self.team.id, 'service_tier': 'gold',
            'first_response_hours': 1, 'resolution_hours': 10})
        self.assertEqual(self.ticket(partner_id=self.gold_contact.id).sla_id, gold_desk)
        # no matching policy: no SLA
        other = self.ticket(team_id=self.team2.id)
        self.assertFalse(other.sla_id)
        self.assertFalse(other.deadline_first_response)
        self.assertEqual(other.sla_status, 'none')
        # the gold policy names no team: it applies to the second line too
        self.assertEqual(self.ticket(team_id=self.team2.id, partner_id=self.gold_contact.id).sla_id,
                         self.sla_gold)

    def test_tier_on_the_commercial_entity(self):
        self.assertEqual(self.gold_contact.service_tier, 'gold')
        ticket = self.ticket(team_id=self.team2.id, partner_id=self.plain.id)
        self.assertFalse(ticket.sla_id)
        self.plain.service_tier = 'gold'
        self.assertEqual(ticket.sla_id, self.sla_gold)

    def test_policy_change_recomputes_open_tickets(self):
        ticket = self.ticket(created=utc(2025, 3, 3, 9))
        self.assertDeadline(ticket.deadline_first_response, utc(2025, 3, 3, 14))
        self.sla_team.first_response_hours = 2
        self.assertDeadline(ticket.deadline_first_response, utc(2025, 3, 3, 11))
        self.sla_team.active = False
        self.assertFalse(ticket.sla_id)

    def test_bad_policies_refused(self):
        Sla = self.env['crm.service.sla']
        with self.assertRaises(ValidationError):
            Sla.create({'name': 'Negative', 'first_response_hours': -1})
        with self.assertRaises(ValidationError):
            Sla.create({'name': 'No target', 'first_response_hours': 0, 'resolution_hours': 0})
        with self.assertRaises(ValidationError):
            Sla.create({'name': 'Nobody', 'escalate_to': 'user'})
        with self.assertRaises(ValidationError):
            Sla.create({'name': 'Loop', 'team_id': self.team.id, 'escalate_to': 'team',
                        'escalate_team_id': self.team.id})

    def test_access(self):
        Sla = self.env['crm.service.sla']
        self.assertIn(self.sla_team, Sla.sudo(self.agent).search([]))
        with self.assertRaises(AccessError):
            Sla.sudo(self.agent).create({'name': 'Mine'})
        with self.assertRaises(AccessError):
            self.sla_team.sudo(self.agent).write({'first_response_hours': 100})
        with self.assertRaises(AccessError):
            self.sla_team.sudo(self.agent).action_recompute_deadlines()
        policy = Sla.sudo(self.manager).create({'name': 'Managers may', 'team_id': self.team2.id})
        self.assertTrue(policy.action_recompute_deadlines())
        self.assertEqual(policy.first_response_hours, 4)
        with self.assertRaises(AccessError):
            self.env['crm.service.sla.report'].sudo(self.agent).search([])
        self.env['crm.service.sla.report'].sudo(self.manager).search([])


class TestSlaDeadlines(SlaCase):

    def test_deadlines_on_create(self):
        # the clock starts at the creation instant, whatever the time of day
        # (Odoo's plan_hours is compared with the engine on in-hours starts in
        # test_same_as_resource_calendar; from outside working hours it differs)
        ticket = self.ticket()
        start = datetime.strptime(ticket.create_date, '%Y-%m-%d %H:%M:%S')
        data = self.env['crm.service.ticket']._sla_calendars({self.calendar.id})[self.calendar.id]
        clock = WorkingTime(data[0], data[1], data[2])
        first, resolution = clock.add(to_epoch([start, start]), [4, 40])
        self.assertEqual(ticket.sla_id, self.sla_team)
        self.assertDeadline(ticket.deadline_first_response, from_epoch(first))
        self.assertDeadline(ticket.deadline_resolution, from_epoch(resolution))
        self.assertEqual(ticket.sla_deadline, ticket.deadline_first_response)

    def test_deadlines_with_explicit_dates(self):
        # Monday 09:00: first response by 14:00 (lunch), resolution 40 h later,
        # with Wednesday a holiday: Tuesday next week 09:00
        ticket = self.ticket(created=utc(2025, 3, 3, 9))
        self.assertDeadline(ticket.deadline_first_response, utc(2025, 3, 3, 14))
        self.assertDeadline(ticket.deadline_resolution, utc(2025, 3, 11, 9))
        # created on Friday evening: the clock starts Monday morning
        ticket = self.ticket(created=utc(2025, 3, 7, 19))
        self.assertDeadline(ticket.deadline_first_response, utc(2025, 3, 10, 12))

    def test_priority_category_team_change(self):
        ticket = self.ticket(created=utc(2025, 3, 3, 9))
        ticket.with_context(sla_now=utc(2025, 3, 3, 9, 30)).priority = '3'
        self.assertEqual(ticket.sla_id, self.sla_urgent)
        self.assertDeadline(ticket.deadline_first_response, utc(2025, 3, 3, 10))
        self.assertDeadline(ticket.deadline_resolution, utc(2025, 3, 4, 9))
        ticket.priority = '1'
        ticket.category_id = self.complaint
        self.assertEqual(ticket.sla_id, self.sla_complaint)
        self.assertDeadline(ticket.deadline_first_response, utc(2025, 3, 3, 11))
        ticket.team_id = self.team2
        self.assertFalse(ticket.sla_id)
        self.assertFalse(ticket.deadline_resolution)

    def test_recompute_open_tickets(self):
        tickets = self.ticket(created=utc(2025, 3, 3, 9)) | self.ticket(created=utc(2025, 3, 7, 16))
        self.env.cr.execute("UPDATE crm_service_ticket SET deadline_first_response = NULL WHERE id = ANY(%s)",
                            (tickets.ids,))
        tickets.invalidate_cache()
        count = self.env['crm.service.ticket'].sudo(self.manager).recompute_sla_deadlines(
            [('id', 'in', tickets.ids)], now=utc(2025, 3, 3, 9))
        self.assertEqual(count, 2)
        self.assertDeadline(tickets[0].deadline_first_response, utc(2025, 3, 3, 14))
        self.assertDeadline(tickets[1].deadline_first_response, utc(2025, 3, 10, 11))

    def test_pause_while_waiting_on_customer(self):
        ticket = self.ticket(created=utc(2025, 3, 3, 9))
        self.assertDeadline(ticket.deadline_resolution, utc(2025, 3, 11, 9))
        # waiting from Monday 10:00 to Thursday 10:00: Monday 6 h, Tuesday 8 h,
        # (Wednesday holiday), Thursday 2 h = 16 working hours
        ticket.with_context(sla_now=utc(2025, 3, 3, 10)).stage_id = self.stage_waiting
        self.assertEqual(ticket.sla_status, 'paused')
        self.assertEqual(ticket.sla_pause_start, '2025-03-03 09:00:00')
        # moving to "waiting" means the customer was answered
        self.assertEqual(ticket.date_first_response, '2025-03-03 09:00:00')
        self.assertTrue(ticket.sla_first_response_reached)
        ticket.with_context(sla_now=utc(2025, 3, 6, 10)).stage_id = self.stage_progress
        self.assertAlmostEqual(ticket.sla_paused_hours, 16.0)
        self.assertFalse(ticket.sla_pause_start)
        # Tuesday 11th 09:00 + 16 h = Thursday 13th 09:00
        self.assertDeadline(ticket.deadline_resolution, utc(2025, 3, 13, 9))

    def test_pause_after_the_deadline_does_not_count(self):
        ticket = self.ticket(created=utc(2025, 3, 3, 9), priority='3')
        ticket.with_context(sla_now=utc(2025, 3, 4, 16)).stage_id = self.stage_waiting
        self.assertFalse(ticket.sla_pause_start)
        self.assertTrue(ticket.sla_resolution_breached)
        ticket.with_context(sla_now=utc(2025, 3, 10, 9)).stage_id = self.stage_progress
        self.assertTrue(ticket.sla_resolution_breached)
        self.assertEqual(ticket.sla_paused_hours, 0)


class TestSlaFlags(SlaCase):

    def test_first_response_by_message(self):
        ticket = self.ticket()
        ticket.message_post(body='Internal: check the logs', subtype='mail.mt_note', message_type='comment')
        self.assertFalse(ticket.date_first_response)
        ticket.sudo(self.agent).message_post(body='Hello, we are on it', subtype='mail.mt_comment',
                                             message_type='comment')
        self.assertTrue(ticket.date_first_response)
        self.assertTrue(ticket.sla_first_response_reached)
        self.assertFalse(ticket.sla_first_response_breached)
        self.assertEqual(ticket.sla_deadline, ticket.deadline_resolution)
        self.assertGreaterEqual(ticket.sla_first_response_hours, 0)

    def test_first_response_by_phone_call(self):
        ticket = self.ticket(created=utc(2025, 3, 3, 9))
        Call = self.env['crm.service.call'].sudo(self.agent)
        Call.create({'name': 'Called, nobody answered', 'ticket_id': ticket.id, 'outcome': 'no_answer',
                     'date': '2025-03-03 09:00:00', 'partner_id': self.plain.id})
        self.assertFalse(ticket.date_first_response)
        Call.create({'name': 'Explained the workaround', 'ticket_id': ticket.id, 'outcome': 'ticket_updated',
                     'date': '2025-03-03 10:00:00', 'partner_id': self.plain.id})
        self.assertEqual(ticket.date_first_response, '2025-03-03 10:00:00')
        self.assertTrue(ticket.sla_first_response_reached)
        self.assertAlmostEqual(ticket.sla_first_response_hours, 2.0)

    def test_reached_and_breached(self):
        late = self.ticket(created=utc(2025, 3, 3, 9))
        self.env['crm.service.ticket']._sla_escalate(now=utc(2025, 3, 3, 15))
        self.assertTrue(late.sla_first_response_breached)
        self.assertFalse(late.sla_first_response_reached)
        self.assertEqual(late.sla_status, 'breached')
        # answered late: still breached, not reached
        late._sla_first_response(utc(2025, 3, 3, 16))
        self.assertTrue(late.sla_first_response_breached)
        self.assertFalse(late.sla_first_response_reached)
        self.assertAlmostEqual(late.sla_first_response_hours, 6.0)

        on_time = self.ticket(created=utc(2025, 3, 3, 9))
        on_time.with_context(sla_now=utc(2025, 3, 3, 10)).stage_id = self.stage_progress
        self.assertFalse(on_time.date_first_response, 'In Progress is not an answer')
        on_time.with_context(sla_now=utc(2025, 3, 4, 11))._sla_first_response(utc(2025, 3, 3, 11))
        on_time.with_context(sla_now=utc(2025, 3, 6, 10)).write({'stage_id': self.stage_done.id})
        # closed on Thursday 10:00 (the core stamps date_closed with the real time: set it)
        self.env.cr.execute("UPDATE crm_service_ticket SET date_closed = %s WHERE id = %s",
                            (utc(2025, 3, 6, 10), on_time.id))
        on_time._sla_recompute_ids(on_time.ids, now=utc(2025, 3, 6, 10))
        self.assertTrue(on_time.sla_first_response_reached)
        self.assertTrue(on_time.sla_resolution_reached)
        self.assertFalse(on_time.sla_resolution_breached)
        self.assertEqual(on_time.sla_status, 'done')
        self.assertFalse(on_time.sla_deadline)
        # Monday 7 h + Tuesday 8 h + (holiday) + Thursday 2 h
        self.assertAlmostEqual(on_time.sla_resolution_hours, 17.0)


class TestSlaEscalation(SlaCase):

    def manager_notices(self, ticket):
        return ticket.message_ids.filtered(lambda m: self.manager.partner_id in m.partner_ids)

    def test_warn_then_escalate_once(self):
        ticket = self.ticket(created=utc(2025, 3, 3, 9), user_id=self.agent.id)
        Ticket = self.env['crm.service.ticket']
        Activity = self.env['mail.activity']
        # first response due 14:00, warning 1 working hour before: 12:00 (lunch)
        self.assertFalse(Ticket._sla_escalate(now=utc(2025, 3, 3, 11, 30)) & ticket)
        self.assertEqual(ticket.sla_status, 'ok')
        self.assertEqual(Ticket._sla_escalate(now=utc(2025, 3, 3, 13, 30)), ticket)
        self.assertEqual(ticket.sla_status, 'warning')
        self.assertEqual(len(self.manager_notices(ticket)), 1)
        activities = Activity.search([('res_model', '=', ticket._name), ('res_id', '=', ticket.id)])
        self.assertEqual(activities.mapped('user_id'), self.manager)
        self.assertEqual(ticket.user_id, self.agent)
        # the next run, same deadline: nothing new
        self.assertFalse(Ticket._sla_escalate(now=utc(2025, 3, 3, 13, 45)))
        self.assertEqual(len(self.manager_notices(ticket)), 1)
        # missed: notice, activity, reassigned to the manager (policy), once
        self.assertEqual(Ticket._sla_escalate(now=utc(2025, 3, 3, 14, 30)), ticket)
        self.assertEqual(len(self.manager_notices(ticket)), 2)
        self.assertEqual(Activity.search_count([('res_model', '=', ticket._name),
                                                ('res_id', '=', ticket.id)]), 2)
        self.assertEqual(ticket.user_id, self.manager)
        self.assertTrue(ticket.sla_escalated)
        self.assertTrue(ticket.sla_first_response_breached)
        self.assertFalse(Ticket._sla_escalate(now=utc(2025, 3, 3, 16)))
        self.assertEqual(len(self.manager_notices(ticket)), 2)
        # the notes are internal: they are not an answer to the customer
        self.assertFalse(ticket.date_first_response)

    def test_escalate_to_another_team(self):
        self.sla_complaint.write({'escalate_to': 'team', 'escalate_team_id': self.team2.id})
        ticket = self.ticket(created=utc(2025, 3, 3, 9), category_id=self.complaint.id, user_id=self.agent.id)
        self.env['crm.service.ticket']._sla_escalate(now=utc(2025, 3, 3, 12))
        self.assertEqual(ticket.team_id, self.team2)
        self.assertFalse(ticket.user_id)
        self.assertTrue(ticket.sla_escalated)
        self.assertIn(self.manager.partner_id, ticket.message_ids.mapped('partner_ids'))

    def test_paused_and_closed_tickets_are_left_alone(self):
        waiting = self.ticket(created=utc(2025, 3, 3, 9))
        waiting.with_context(sla_now=utc(2025, 3, 3, 10)).stage_id = self.stage_waiting
        closed = self.ticket(created=utc(2025, 3, 3, 9))
        closed.with_context(sla_now=utc(2025, 3, 3, 10)).stage_id = self.stage_done
        notified = self.env['crm.service.ticket']._sla_escalate(now=utc(2025, 3, 20, 9))
        self.assertFalse(notified & (waiting | closed))


class TestSlaReport(SlaCase):

    def test_share_on_time(self):
        tickets = [self.ticket(created=utc(2025, 3, 3, 9)) for _i in range(4)]
        for ticket in tickets[:3]:
            ticket._sla_first_response(utc(2025, 3, 3, 10))
        self.env['crm.service.ticket']._sla_escalate(now=utc(2025, 3, 3, 15))
        ids = [t.id for t in tickets]
        Report = self.env['crm.service.sla.report'].sudo(self.manager)
        data = Report.read_group([('ticket_id', 'in', ids)],
                                 ['first_response_on_time', 'first_response_breached', 'nbr', 'team_id'],
                                 ['team_id'])
        self.assertEqual(len(data), 1)
        self.assertEqual(data[0]['nbr'], 4)
        self.assertAlmostEqual(data[0]['first_response_on_time'], 75.0)
        self.assertEqual(data[0]['first_response_breached'], 1)
        rows = Report.search([('ticket_id', 'in', ids), ('first_response_hours', '>', 0)])
        self.assertEqual(sorted(rows.mapped('first_response_hours')), [1.0, 1.0, 1.0])
