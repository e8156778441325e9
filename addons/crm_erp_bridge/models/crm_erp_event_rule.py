import datetime
import time

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

ACTIONS = [
    ('activity', 'Schedule an activity'),
    ('ticket', 'Open a service ticket'),
    ('opportunity', 'Create an opportunity'),
    ('message', 'Notify by a note'),
]
ASSIGN_TO = [
    ('event_user', "Record's responsible"),
    ('salesperson', "Customer's salesperson"),
    ('team_manager', 'Team manager'),
    ('user', 'A chosen user'),
    ('team', "Service team's assignment"),
]
REVENUE_RULES = [
    ('none', 'None'),
    ('average', "Customer's average order"),
    ('last', "Customer's last order"),
]


def _ticket_priorities(self):
    return self.env['crm.service.ticket']._fields['priority'].selection


class CrmErpEventRule(models.Model):
    """What the CRM does when an ERP event happens: for the events of one
    type (optionally filtered by a domain on the event's record), schedule an
    activity, open a service ticket, create an opportunity or post a note,
    for the record's responsible, the customer's salesperson, the team
    manager or a chosen user, with a fallback user when nobody is found.

    Rules never raise on the change that emitted the event: what they could
    not do is written in their log (`crm.erp.event.rule.log`) instead.
    The work itself is done by `crm.erp.event._crm_erp_dispatch()`
    (models/crm_erp_event_dispatch.py), set-based over the new events.
    """
    _name = 'crm.erp.event.rule'
    _description = 'ERP Event Rule'
    _order = 'sequence, id'

    # identity
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one('res.company', index=True,
                                 default=lambda self: self.env.user.company_id,
                                 help='Only the events of this company. Empty: every company.')

    # when
    event_type_id = fields.Many2one('crm.erp.event.type', 'Event', required=True, index=True,
                                    ondelete='restrict')
    model = fields.Char(related='event_type_id.model', readonly=True, string='Record Model')
    domain = fields.Char('Filter', default='[]',
                         help='Only the events whose record (the delivery, the invoice, ...) matches '
                              'this domain. Empty: every event of the type.')

    # what
    action = fields.Selection(ACTIONS, required=True, default='activity')
    summary = fields.Char(translate=True,
                          help='Summary of the activity, subject of the ticket or the note, '
                               'name of the opportunity (the customer is appended).')
    note = fields.Text(translate=True, help='Details for the person who does the work.')
    activity_type_id = fields.Many2one('mail.activity.type', 'Activity Type',
                                       default=lambda self: self.env.ref(
                                           'mail.mail_activity_data_todo', raise_if_not_found=False))
    deadline_days = fields.Integer('Due After (days)', default=0,
                                   help='Deadline of the activity, expected closing of the '
                                        'opportunity: this many days after the event.')
    service_team_id = fields.Many2one('crm.service.team', 'Service Team',
                                      help="Empty: the ticket's default team.")
    category_id = fields.Many2one('crm.service.category', 'Ticket Category')
    priority = fields.Selection(_ticket_priorities, 'Ticket Priority', default='1')
    sales_team_id = fields.Many2one('crm.team', 'Sales Team',
                                    help="Team of the opportunities; also the team whose manager is "
                                         "meant by \"Team manager\". Empty: the customer's team.")
    revenue_rule = fields.Selection(REVENUE_RULES, 'Expected Revenue', default='average',
                                    help='Expected revenue of the opportunity, from the confirmed '
                                         'orders of the customer (untaxed).')

    # who
    assign_to = fields.Selection(ASSIGN_TO, required=True, default='event_user',
                                 help="Record's responsible: the salesperson of the order, delivery or "
                                      "invoice (the agent of a ticket). Service team's assignment: "
                                      "tickets only, the team's own assignment picks the agent.")
    user_id = fields.Many2one('res.users', domain=[('share', '=', False)])
    fallback_user_id = fields.Many2one(
        'res.users', 'Fallback User', domain=[('share', '=', False)],
        help='Gets the work when nobody else is found (no salesperson, no manager, an archived '
             'user): no event is dropped silently.')

    # what it did
    work_count = fields.Integer('Work Created', readonly=True, copy=False)
    failure_count = fields.Integer('Failures', readonly=True, copy=False)
    last_run = fields.Datetime(readonly=True, copy=False)
    log_ids = fields.One2many('crm.erp.event.rule.log', 'rule_id', 'Log', readonly=True)
    log_count = fields.Integer(compute='_compute_counts')
    activity_count = fields.Integer('Open Activities', compute='_compute_counts')
    ticket_count = fields.Integer('Tickets', compute='_compute_counts')
    opportunity_count = fields.Integer('Opportunities', compute='_compute_counts')

    # ------------------------------------------------------------ computes
    @api.multi
    def _compute_counts(self):
        """Four read_groups for all the rules on screen."""
        def counts(model, field, domain=None):
            groups = self.env[model].read_group(
                [(field, 'in', self.ids)] + (domain or []), [field], [field])
            return {g[field][0]: g['%s_count' % field] for g in groups}
        logs = counts('crm.erp.event.rule.log', 'rule_id')
        activities = counts('mail.activity', 'crm_erp_rule_id')
        tickets = counts('crm.service.ticket', 'crm_erp_rule_id')
        opportunities = counts('crm.lead', 'crm_erp_rule_id')
        for rule in self:
            rule.log_count = logs.get(rule.id, 0)
            rule.activity_count = activities.get(rule.id, 0)
            rule.ticket_count = tickets.get(rule.id, 0)
            rule.opportunity_count = opportunities.get(rule.id, 0)

    # ------------------------------------------------------------ constraints
    @api.constrains('domain', 'event_type_id')
    def _check_domain(self):
        for rule in self:
            rule._get_domain(raise_error=True)

    @api.constrains('action', 'assign_to', 'user_id', 'fallback_user_id', 'activity_type_id')
    def _check_assignment(self):
        for rule in self:
            if rule.assign_to == 'team' and rule.action != 'ticket':
                raise ValidationError(_('Rule "%s": only tickets can be left to the service team\'s '
                                        'assignment; choose who gets the work.') % rule.name)
            if rule.assign_to == 'user' and not rule.user_id:
                raise ValidationError(_('Rule "%s": choose the user who gets the work.') % rule.name)
            if rule.assign_to in ('event_user', 'salesperson', 'team_manager') \
                    and not rule.fallback_user_id:
                raise ValidationError(_('Rule "%s": set a fallback user, who gets the work when the '
                                        'record has no responsible, salesperson or manager.')
                                      % rule.name)
            if rule.action == 'activity' and not rule.activity_type_id:
                raise ValidationError(_('Rule "%s": choose the type of the activity.') % rule.name)

    @api.onchange('action')
    def _onchange_action(self):
        if self.action != 'ticket' and self.assign_to == 'team':
            self.assign_to = 'event_user'

    # ------------------------------------------------------------ actions
    @api.multi
    def _action_open(self, model, domain, name):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'name': name,
            'res_model': model,
            'view_mode': 'tree,form',
            'domain': domain,
            'context': {'create': False},
        }

    @api.multi
    def action_view_log(self):
        self.ensure_one()
        action = self.env.ref('crm_erp_bridge.crm_erp_event_rule_log_action').read()[0]
        action['domain'] = [('rule_id', '=', self.id)]
        action['context'] = {}
        return action

    @api.multi
    def action_view_activities(self):
        return self._action_open('mail.activity', [('crm_erp_rule_id', '=', self.id)],
                                 _('Open Activities'))

    @api.multi
    def action_view_tickets(self):
        return self._action_open('crm.service.ticket', [('crm_erp_rule_id', '=', self.id)],
                                 _('Tickets'))

    @api.multi
    def action_view_opportunities(self):
        action = self._action_open('crm.lead', [('crm_erp_rule_id', '=', self.id)],
                                   _('Opportunities'))
        action['context'] = {'create': False, 'default_type': 'opportunity'}
        return action

    # ------------------------------------------------------------ business
    @api.multi
    def _get_domain(self, raise_error=False):
        """The rule's filter as a domain on the event's record. A filter that
        is not a valid domain of that model raises a ValidationError (on save)
        or, at dispatch, is reported to the caller as an exception."""
        self.ensure_one()
        text = (self.domain or '').strip() or '[]'
        try:
            domain = safe_eval(text, self._get_domain_context())
            if not isinstance(domain, (list, tuple)):
                raise ValueError(_('a filter is a list of conditions such as '
                                   "[('state', '=', 'done')]"))
            domain = list(domain)
            if domain and self.model:
                # checks every field and operator without reading anything
                self.env[self.model].sudo()._where_calc(domain)
        except Exception as error:
            if not raise_error:
                raise
            raise ValidationError(
                _('The filter of rule "%(rule)s" is not a valid condition on %(records)s: %(error)s')
                % {'rule': self.name, 'records': self.event_type_id.name or self.model, 'error': error})
        return domain

    @api.model
    def _get_domain_context(self):
        return {'uid': self.env.uid, 'user': self.env.user, 'time': time,
                'datetime': datetime, 'relativedelta': relativedelta,
                'context_today': lambda: fields.Date.from_string(fields.Date.context_today(self))}
