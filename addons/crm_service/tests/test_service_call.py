from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.crm_service.tests.common_channels import ChannelsCase


class TestServiceCall(ChannelsCase):

    def log_call(self, user=None, **values):
        vals = {'name': 'Printer jams', 'partner_id': self.alice.id, 'team_id': self.team.id,
                'date': '2026-11-23 09:30:00', 'duration': 7.5, 'direction': 'in',
                'summary': 'Paper jams on every page.\n<script>alert(1)</script>'}
        vals.update(values)
        return self.env['crm.service.call'].sudo(user or self.agent).create(vals)

    def count_tickets(self):
        return self.env['crm.service.ticket'].search_count([])

    def test_call_without_ticket_opens_phone_ticket(self):
        call = self.log_call()
        ticket = call.ticket_id
        self.assertTrue(ticket)
        self.assertEqual(call.outcome, 'ticket_created')
        self.assertEqual(ticket.channel, 'phone')
        self.assertEqual(ticket.partner_id, self.alice)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.user_id, self.agent, 'the agent who took the call handles it')
        note = ticket.message_ids.filtered(lambda m: 'Phone call' in (m.body or ''))
        self.assertEqual(len(note), 1)
        self.assertIn('Paper jams', note.body)
        self.assertNotIn('<script>', note.body)
        self.assertEqual(ticket.call_count, 1)

    def test_call_on_ticket_updates_it(self):
        ticket = self.make_ticket(user_id=self.agent.id)
        before = self.count_tickets()
        call = self.log_call(ticket_id=ticket.id, outcome='ticket_created', summary='Customer sent photos.')
        self.assertEqual(self.count_tickets(), before)
        self.assertEqual(call.ticket_id, ticket)
        self.assertEqual(call.outcome, 'ticket_updated')
        self.assertTrue(ticket.message_ids.filtered(lambda m: 'sent photos' in (m.body or '')))
        self.assertFalse(ticket.is_closed)

    def test_no_answer_opens_nothing(self):
        before = self.count_tickets()
        call = self.log_call(direction='out', outcome='no_answer', summary=False)
        self.assertEqual(self.count_tickets(), before)
        self.assertFalse(call.ticket_id)

    def test_resolved_on_the_call_closes_ticket(self):
        call = self.log_call(outcome='resolved', summary='Explained the reset button.')
        self.assertEqual(call.outcome, 'resolved')
        self.assertTrue(call.ticket_id.is_closed)

    def test_callback_schedules_call_activity(self):
        call = self.log_call(outcome='callback', callback_date='2026-11-25')
        activity = call.ticket_id.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.agent)
        self.assertEqual(activity.date_deadline, '2026-11-25')
        self.assertEqual(activity.activity_type_id, self.env.ref('mail.mail_activity_data_call'))
        # without a date: the day after the call
        call2 = self.log_call(outcome='callback')
        expected = fields.Date.to_string(fields.Date.from_string('2026-11-23') + timedelta(days=1))
        self.assertEqual(call2.ticket_id.activity_ids.date_deadline, expected)

    def test_negative_duration_refused(self):
        before = self.env['crm.service.call'].search_count([])
        tickets = self.count_tickets()
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.log_call(duration=-3)
        self.assertEqual(self.env['crm.service.call'].search_count([]), before)
        self.assertEqual(self.count_tickets(), tickets)

    def test_agent_cannot_delete_calls_manager_can(self):
        call = self.log_call()
        with self.assertRaises(AccessError):
            call.sudo(self.agent).unlink()
        call.sudo(self.manager).unlink()
        self.assertFalse(call.exists())

    def test_agent_of_other_team_does_not_see_call(self):
        call = self.log_call()
        found = self.env['crm.service.call'].sudo(self.outsider).search([('id', '=', call.id)])
        self.assertFalse(found)
        with self.assertRaises(AccessError):
            call.sudo(self.outsider).read(['summary'])
        self.assertTrue(self.env['crm.service.call'].sudo(self.manager).search([('id', '=', call.id)]))

    def test_view_calls_action(self):
        call = self.log_call()
        action = call.ticket_id.sudo(self.agent).action_view_calls()
        self.assertEqual(self.env['crm.service.call'].search(action['domain']), call)

    def test_ticket_form_offers_log_call_and_letter(self):
        arch = self.env['crm.service.ticket'].sudo(self.agent).fields_view_get(view_type='form')['arch']
        self.assertIn('Log a Call', arch)
        self.assertIn('Log a Letter or Fax', arch)
        self.assertIn('call_count', arch)

    def test_team_form_lists_agents_with_away_flag(self):
        view = self.env['crm.service.team'].sudo(self.manager).fields_view_get(view_type='form')
        members = view['fields']['member_ids']['views']['tree']
        self.assertIn('service_away', members['fields'])
        self.assertIn('action_service_mark_away', members['arch'])
