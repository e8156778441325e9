"""Phone calls logged by agents.

Saving a call applies it to a ticket:
- with a ticket: the call's summary is posted as a note on the ticket
  (outcome 'ticket updated' unless the agent chose another);
- without a ticket: a ticket is opened (channel 'phone', the agent who took
  the call as its agent), except when nobody answered;
- outcome 'resolved on the call' closes the ticket (a complaint still
  needs its severity and resolution); 'callback requested' schedules a
  call activity for the agent on the callback date (default: next day).
"""
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html_escape, plaintext2html

OUTCOMES = [
    ('resolved', 'Resolved on the call'),
    ('ticket_created', 'Ticket created'),
    ('ticket_updated', 'Ticket updated'),
    ('no_answer', 'No answer'),
    ('callback', 'Callback requested'),
]


class CrmServiceCall(models.Model):
    _name = 'crm.service.call'
    _description = 'Service Phone Call'
    _inherit = ['mail.thread']
    _order = 'date desc, id desc'

    # call
    name = fields.Char('Subject', required=True, track_visibility='onchange')
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        'res.users', 'Agent', required=True, index=True, default=lambda self: self.env.user,
        track_visibility='onchange')
    partner_id = fields.Many2one('res.partner', 'Customer', index=True, track_visibility='onchange')
    partner_phone = fields.Char('Phone', help='The number the customer called from or was called on.')
    direction = fields.Selection(
        [('in', 'Inbound'), ('out', 'Outbound')], required=True, default='in')
    duration = fields.Float('Duration (min)', help='Length of the call in minutes.')
    outcome = fields.Selection(OUTCOMES, required=True, default='ticket_created',
                               track_visibility='onchange')
    summary = fields.Text(help='What was said: posted on the ticket as a note.')
    callback_date = fields.Date(help='When to call the customer back (callback requested).')
    # ticket
    ticket_id = fields.Many2one(
        'crm.service.ticket', 'Ticket', index=True, ondelete='set null',
        help='Leave empty to open a new ticket from this call.')
    team_id = fields.Many2one('crm.service.team', 'Team', help='Team of the ticket opened by the call.')
    category_id = fields.Many2one('crm.service.category', 'Category')
    company_id = fields.Many2one(
        'res.company', required=True, default=lambda self: self.env.user.company_id)

    @api.constrains('duration')
    def _check_duration(self):
        if any(call.duration < 0 for call in self):
            raise ValidationError(_('The duration of a call cannot be negative.'))

    @api.onchange('ticket_id')
    def _onchange_ticket_id(self):
        if self.ticket_id:
            self.partner_id = self.ticket_id.partner_id
            self.team_id = self.ticket_id.team_id
            if self.outcome == 'ticket_created':
                self.outcome = 'ticket_updated'
            if not self.name:
                self.name = self.ticket_id.name

    @api.onchange('partner_id')
    def _onchange_partner_id(self):
        if self.partner_id and not self.partner_phone:
            self.partner_phone = self.partner_id.phone or self.partner_id.mobile

    @api.model
    def create(self, vals):
        call = super(CrmServiceCall, self).create(vals)
        call._crm_service_apply_to_ticket()
        return call

    @api.multi
    def _prepare_ticket_values(self):
        """Values of the ticket a call opens (a hook)."""
        self.ensure_one()
        values = {
            'name': self.name,
            'description': plaintext2html(self.summary or self.name),
            'channel': 'phone',
            'partner_id': self.partner_id.id,
            'user_id': self.user_id.id,
            'company_id': self.company_id.id,
        }
        if self.partner_phone:
            values['partner_phone'] = self.partner_phone
        if self.team_id:
            values['team_id'] = self.team_id.id
        if self.category_id:
            values['category_id'] = self.category_id.id
        return values

    @api.multi
    def _crm_service_note(self):
        """The chatter note of a call on its ticket (HTML, escaped)."""
        self.ensure_one()
        outcome = dict(self._fields['outcome']._description_selection(self.env))[self.outcome]
        direction = dict(self._fields['direction']._description_selection(self.env))[self.direction]
        header = _('Phone call (%(direction)s, %(minutes)s min, %(outcome)s) with %(who)s: %(subject)s') % {
            'direction': direction, 'minutes': '%g' % (self.duration or 0), 'outcome': outcome,
            'who': self.partner_id.display_name or _('unknown caller'), 'subject': self.name}
        body = '<p><strong>%s</strong></p>' % html_escape(header)
        if self.summary:
            body += plaintext2html(self.summary)
        return body

    @api.multi
    def _crm_service_apply_to_ticket(self):
        Ticket = self.env['crm.service.ticket']
        for call in self:
            ticket = call.ticket_id
            if not ticket:
                if call.outcome == 'no_answer':
                    continue
                ticket = Ticket.create(call._prepare_ticket_values())
                outcome = call.outcome if call.outcome in ('resolved', 'callback') else 'ticket_created'
                call.write({'ticket_id': ticket.id, 'outcome': outcome})
            elif call.outcome == 'ticket_created':
                call.outcome = 'ticket_updated'
            ticket.message_post(body=call._crm_service_note(), subtype='mail.mt_note')
            if call.outcome == 'resolved' and not ticket.is_closed:
                ticket.action_close()
            elif call.outcome == 'callback':
                call._crm_service_schedule_callback(ticket)

    @api.multi
    def _crm_service_schedule_callback(self, ticket):
        self.ensure_one()
        call_type = self.env.ref('mail.mail_activity_data_call', raise_if_not_found=False)
        deadline = self.callback_date or fields.Date.to_string(
            fields.Datetime.from_string(self.date).date() + timedelta(days=1))
        self.env['mail.activity'].create({
            'res_model_id': self.env['ir.model']._get('crm.service.ticket').id,
            'res_id': ticket.id,
            'activity_type_id': call_type.id if call_type else False,
            'summary': _('Call %s back') % (self.partner_id.display_name or _('the customer')),
            'note': plaintext2html(self.summary or ''),
            'user_id': self.user_id.id,
            'date_deadline': deadline,
        })

    @api.multi
    def action_open_ticket(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'crm.service.ticket',
            'res_id': self.ticket_id.id,
            'view_mode': 'form',
            'target': 'current',
        }


class CrmServiceTicket(models.Model):
    _inherit = 'crm.service.ticket'

    call_ids = fields.One2many('crm.service.call', 'ticket_id', 'Phone Calls')
    call_count = fields.Integer('Calls', compute='_compute_call_count')

    @api.multi
    def _compute_call_count(self):
        groups = self.env['crm.service.call'].read_group(
            [('ticket_id', 'in', self.ids)], ['ticket_id'], ['ticket_id'])
        counts = {group['ticket_id'][0]: group['ticket_id_count'] for group in groups}
        for ticket in self:
            ticket.call_count = counts.get(ticket.id, 0)

    @api.multi
    def action_view_calls(self):
        self.ensure_one()
        action = self.env.ref('crm_service.crm_service_call_action').read()[0]
        action['domain'] = [('ticket_id', '=', self.id)]
        action['context'] = {'default_ticket_id': self.id, 'default_partner_id': self.partner_id.id,
                             'default_team_id': self.team_id.id, 'default_outcome': 'ticket_updated'}
        return action
