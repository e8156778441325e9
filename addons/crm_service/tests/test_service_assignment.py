from odoo.exceptions import AccessError

from odoo.addons.crm_service.tests.common_channels import ChannelsCase
from tests.common import create_user


class TestServiceAssignment(ChannelsCase):

    @classmethod
    def setUpClass(cls):
        super(TestServiceAssignment, cls).setUpClass()
        cls.agent3 = create_user(cls.env, 'chan.agent3', ['crm_service.group_service_agent'])
        cls.agents = (cls.agent | cls.agent2 | cls.agent3).sorted('id')
        cls.team.write({'member_ids': [(6, 0, cls.agents.ids)], 'assignment_method': 'balanced'})

    def load(self, user, count, date_assigned=None, closed=0):
        """Give `user` `count` open (and `closed` closed) tickets."""
        tickets = self.env['crm.service.ticket']
        for index in range(count + closed):
            ticket = self.make_ticket(name='Load %s %s' % (user.login, index), user_id=user.id)
            if index >= count:
                ticket.write({'resolution': 'Done'})
                ticket.action_close()
            tickets |= ticket
        if date_assigned:
            tickets.write({'date_assigned': date_assigned})
        return tickets

    # --- balanced ------------------------------------------------------
    def test_balanced_goes_to_least_loaded_agent(self):
        self.load(self.agent, 2)
        self.load(self.agent2, 1, closed=3)   # closed tickets do not count
        self.load(self.agent3, 3)
        ticket = self.make_ticket()
        self.assertEqual(ticket.user_id, self.agent2)
        self.assertTrue(ticket.date_assigned)
        note = ticket.message_ids.filtered(lambda m: 'Assigned automatically' in (m.body or ''))
        self.assertEqual(len(note), 1)
        self.assertIn(self.agent2.name, note.body)

    def test_balanced_tie_goes_to_least_recently_assigned(self):
        self.load(self.agent, 1, date_assigned='2026-11-20 09:00:00')
        self.load(self.agent2, 1, date_assigned='2026-11-01 09:00:00')
        self.load(self.agent3, 1, date_assigned='2026-11-10 09:00:00')
        self.assertEqual(self.make_ticket().user_id, self.agent2)
        # now agent2 has 2 open tickets: agent3 is next (older than agent)
        self.assertEqual(self.make_ticket().user_id, self.agent3)

    def test_balanced_batch_spreads_tickets(self):
        self.team.assignment_method = 'manual'
        tickets = self.env['crm.service.ticket']
        for index in range(6):
            tickets |= self.make_ticket(name='Batch %s' % index)
        self.assertFalse(tickets.mapped('user_id'))
        self.load(self.agent, 2)
        self.team.assignment_method = 'balanced'
        tickets._crm_service_assign()
        counts = {user: len(tickets.filtered(lambda t, u=user: t.user_id == u)) for user in self.agents}
        # agent starts with 2 open tickets: the 6 new ones even the loads out
        # (3/3/2), ties going to whoever got a ticket least recently
        self.assertEqual(counts, {self.agent: 1, self.agent2: 3, self.agent3: 2})

    def test_load_is_one_query_for_all_agents(self):
        for agents in (self.agents[:1], self.agents):
            before = self.env.cr.sql_log_count
            load = self.team._crm_service_agent_load(agents)
            self.assertEqual(self.env.cr.sql_log_count - before, 1)
            self.assertEqual(set(load), set(agents.ids))

    def test_away_agent_is_skipped(self):
        self.load(self.agent, 1)
        self.load(self.agent3, 1)
        self.agent2.sudo(self.agent2).write({'service_away': True})
        self.assertEqual(self.make_ticket().user_id, self.agent)
        # an absence that ended yesterday no longer counts
        self.agent2.sudo(self.agent2).write({'service_away_until': '2020-01-01'})
        self.assertEqual(self.make_ticket().user_id, self.agent2)

    def test_nobody_available_leaves_ticket_to_manager(self):
        (self.agents).write({'service_away': True})
        ticket = self.make_ticket()
        self.assertFalse(ticket.user_id)
        activity = ticket.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn('no agent', activity.summary)
        self.assertTrue(ticket.message_ids.filtered(lambda m: 'No agent of team' in (m.body or '')))

    def test_manual_team_assigns_nobody(self):
        self.team.assignment_method = 'manual'
        self.assertFalse(self.make_ticket().user_id)

    def test_ticket_created_with_agent_keeps_agent(self):
        self.assertEqual(self.make_ticket(user_id=self.agent3.id).user_id, self.agent3)

    # --- round robin ---------------------------------------------------
    def test_round_robin_turns_and_remembers(self):
        self.team.assignment_method = 'round_robin'
        self.load(self.agent, 5)   # load does not matter in round robin
        users = [self.make_ticket(name='RR %s' % i).user_id for i in range(4)]
        self.assertEqual(users, [self.agents[0], self.agents[1], self.agents[2], self.agents[0]])
        self.assertEqual(self.team.assignment_last_user_id, self.agents[0])
        self.agents[1].write({'service_away': True})
        self.assertEqual(self.make_ticket().user_id, self.agents[2])
        self.assertEqual(self.make_ticket().user_id, self.agents[0])

    # --- away flag: who may set it ---------------------------------------
    def test_agent_marks_self_away_not_others(self):
        self.agent.sudo(self.agent).write({'service_away': True, 'service_away_until': '2026-12-24'})
        self.assertTrue(self.agent.service_away)
        with self.assertRaises(AccessError):
            self.agent2.sudo(self.agent).write({'service_away': True})
        with self.assertRaises(AccessError):
            self.agent2.sudo(self.agent)._crm_service_set_away(True)
        self.assertFalse(self.agent2.service_away)

    def test_manager_marks_agent_away_and_back(self):
        self.agent2.sudo(self.manager).action_service_mark_away()
        self.assertTrue(self.agent2.service_away)
        self.agent2.sudo(self.manager).action_service_mark_back()
        self.assertFalse(self.agent2.service_away)
