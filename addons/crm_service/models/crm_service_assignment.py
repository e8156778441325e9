"""Automatic assignment of new tickets to the agents of their team.

The team's assignment_method decides:
- 'balanced': the agent with the fewest open tickets; on a tie, the agent
  who got a ticket least recently (never first), then the lowest id. The
  load of all agents comes from one SQL query.
- 'round_robin': the next agent after the one who got the previous
  ticket; the pointer is stored on the team and its row is locked
  (SELECT ... FOR UPDATE) so two mails arriving together do not both go to
  the same agent.
- 'manual': nothing is assigned.
Agents marked away (res.users.service_away) are skipped. When no agent is
available the tickets stay unassigned and the team manager gets an
activity on each. Every assignment is logged in the ticket's chatter.
"""
import heapq

from odoo import _, api, fields, models
from odoo.tools import html_escape


class CrmServiceTeam(models.Model):
    _inherit = 'crm.service.team'

    assignment_last_user_id = fields.Many2one(
        'res.users', 'Last Agent Assigned', readonly=True, copy=False,
        help='Round robin: the next new ticket goes to the agent after this one.')

    @api.multi
    def _crm_service_available_agents(self):
        """The team's active agents who are not away, by id."""
        self.ensure_one()
        members = self.sudo().member_ids.filtered('active')
        away = members._crm_service_is_away()
        return members.filtered(lambda user: not away[user.id]).sorted('id')

    @api.model
    def _crm_service_agent_load(self, agents):
        """{user id: (open tickets, last assignment or '')} for `agents`, in
        one query over every team (an agent's load is all their open work).
        SQL rather than read_group: the load counts tickets the current user
        may not read (another team's)."""
        self.env.cr.execute("""
            SELECT user_id,
                   count(*) FILTER (WHERE NOT coalesce(is_closed, false) AND active),
                   max(date_assigned)
              FROM crm_service_ticket
             WHERE user_id IN %s
          GROUP BY user_id
        """, (tuple(agents.ids),))
        load = {user_id: (0, '') for user_id in agents.ids}
        for user_id, count, last in self.env.cr.fetchall():
            load[user_id] = (count, str(last or ''))
        return load

    @api.multi
    def _crm_service_plan_balanced(self, tickets, agents):
        """[(ticket, agent)] giving each ticket to the least loaded agent."""
        load = self._crm_service_agent_load(agents)
        heap = [(load[user.id][0], 0, load[user.id][1], user.id) for user in agents]
        heapq.heapify(heap)
        plan, turn = [], 0
        for ticket in tickets.sorted('id'):
            count, _turn, last, user_id = heapq.heappop(heap)
            plan.append((ticket, agents.browse(user_id)))
            turn += 1
            # a ticket given now makes the agent the most recent one
            heapq.heappush(heap, (count + 1, turn, last, user_id))
        return plan

    @api.multi
    def _crm_service_plan_round_robin(self, tickets, agents):
        """[(ticket, agent)] in turn after the team's pointer (row locked)."""
        self.ensure_one()
        self.env.cr.execute(
            'SELECT assignment_last_user_id FROM crm_service_team WHERE id = %s FOR UPDATE',
            (self.id,))
        row = self.env.cr.fetchone()
        last_id = row[0] if row else None
        ids = agents.ids
        start = 0
        if last_id:
            start = next((index for index, user_id in enumerate(ids) if user_id > last_id), 0)
        plan = []
        for offset, ticket in enumerate(tickets.sorted('id')):
            plan.append((ticket, agents.browse(ids[(start + offset) % len(ids)])))
        if plan:
            self.sudo().write({'assignment_last_user_id': plan[-1][1].id})
        return plan

    @api.multi
    def _crm_service_assign_tickets(self, tickets):
        """Assign `tickets` (new, without agent, of this team) by the team's method."""
        self.ensure_one()
        if self.assignment_method == 'manual' or not tickets:
            return
        agents = self._crm_service_available_agents()
        if not agents:
            tickets._crm_service_notify_unassigned(self)
            return
        if self.assignment_method == 'round_robin':
            plan = self._crm_service_plan_round_robin(tickets, agents)
            reason = _('round robin')
        else:
            plan = self._crm_service_plan_balanced(tickets, agents)
            reason = _('least loaded agent')
        by_agent = {}
        for ticket, agent in plan:
            by_agent.setdefault(agent, tickets.browse())
            by_agent[agent] |= ticket
        now = fields.Datetime.now()
        for agent, agent_tickets in by_agent.items():
            agent_tickets.write({'user_id': agent.id, 'date_assigned': now})
            for ticket in agent_tickets:
                ticket.message_post(
                    body=_('Assigned automatically to %(agent)s (%(rule)s of team %(team)s).') % {
                        'agent': html_escape(agent.name), 'rule': reason, 'team': html_escape(self.name)},
                    subtype='mail.mt_note')


class CrmServiceTicket(models.Model):
    _inherit = 'crm.service.ticket'

    @api.multi
    def _crm_service_ticket_created(self):
        result = super(CrmServiceTicket, self)._crm_service_ticket_created()
        self._crm_service_assign()
        return result

    @api.multi
    def _crm_service_assign(self):
        """Give the open tickets without agent to their team's agents."""
        todo = self.sudo().filtered(lambda t: not t.user_id and t.team_id and not t.is_closed)
        for team in todo.mapped('team_id'):
            team._crm_service_assign_tickets(todo.filtered(lambda t: t.team_id == team))
        return True

    @api.multi
    def _crm_service_notify_unassigned(self, team):
        """No agent available: a note, and an activity for the team manager."""
        model_id = self.env['ir.model']._get(self._name).id
        activity_type = self.env.ref('mail.mail_activity_data_todo', raise_if_not_found=False)
        today = fields.Date.context_today(self)
        for ticket in self:
            ticket.message_post(
                body=_('No agent of team %s is available (all away or no member): '
                       'the ticket stays unassigned.') % html_escape(team.name),
                subtype='mail.mt_note')
            if team.user_id:
                self.env['mail.activity'].sudo().create({
                    'res_model_id': model_id,
                    'res_id': ticket.id,
                    'activity_type_id': activity_type.id if activity_type else False,
                    'summary': _('Assign this ticket: no agent of the team is available'),
                    'user_id': team.user_id.id,
                    'date_deadline': today,
                })
