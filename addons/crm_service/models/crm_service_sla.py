from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import SERVICE_TIERS


def _priority_selection(self):
    return self.env['crm.service.ticket']._fields['priority'].selection


class CrmServiceSla(models.Model):
    """A service level agreement policy: targets for the first answer and
    the resolution of the tickets it matches, in working hours.

    The most specific matching policy wins: the one naming the most criteria
    (team, categories, minimum priority, customer tier); on a tie, the one
    with the higher minimum priority, then the lower sequence.
    """
    _name = 'crm.service.sla'
    _description = 'SLA Policy'
    _order = 'sequence, id'

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    description = fields.Text()
    company_id = fields.Many2one(
        'res.company', default=lambda self: self.env['res.company']._company_default_get('crm.service.sla'),
        help="Empty: the policy applies in every company.")

    # which tickets
    team_id = fields.Many2one('crm.service.team', ondelete='cascade', index=True,
                              help="Empty: tickets of every team.")
    category_ids = fields.Many2many('crm.service.category', 'crm_service_sla_category_rel',
                                    'sla_id', 'category_id', string='Categories',
                                    help="Empty: tickets of every category.")
    priority = fields.Selection(_priority_selection, string='Minimum Priority',
                                help="Tickets of this priority or higher. Empty: every priority.")
    service_tier = fields.Selection(SERVICE_TIERS, string='Customer Tier',
                                    help="Tickets of customers of this tier. Empty: every customer.")

    # targets
    resource_calendar_id = fields.Many2one(
        'resource.calendar', string='Working Hours',
        help="The hours the targets count in. Empty: the team's working hours (else the company's; "
             "without any calendar, round the clock).")
    first_response_hours = fields.Float(
        'First Response Target', default=4.0,
        help="Working hours from the ticket's creation to the first answer to the customer. 0: no target.")
    resolution_hours = fields.Float(
        'Resolution Target', default=40.0,
        help="Working hours from the ticket's creation to its closing, not counting the time spent "
             "waiting on the customer. 0: no target.")
    warning_hours = fields.Float(
        'Warn Before', default=1.0,
        help="Working hours before a deadline when the ticket is flagged at risk and its team manager "
             "is warned.")

    # escalation when a deadline is missed
    escalate_to = fields.Selection([
        ('none', 'Nobody (notify the manager only)'),
        ('manager', 'The team manager'),
        ('user', 'Another agent'),
        ('team', 'Another team'),
    ], string='Reassign To', default='none', required=True,
        help="When a deadline is missed, the team manager is notified; the ticket can also be "
             "reassigned (once).")
    escalate_user_id = fields.Many2one('res.users', string='Escalation Agent')
    escalate_team_id = fields.Many2one('crm.service.team', string='Escalation Team')

    open_ticket_count = fields.Integer(compute='_compute_open_ticket_count', string='Open Tickets')

    @api.multi
    def _compute_open_ticket_count(self):
        data = self.env['crm.service.ticket'].read_group(
            [('sla_id', 'in', self.ids), ('is_closed', '=', False)], ['sla_id'], ['sla_id'])
        counts = {d['sla_id'][0]: d['sla_id_count'] for d in data}
        for policy in self:
            policy.open_ticket_count = counts.get(policy.id, 0)

    @api.constrains('first_response_hours', 'resolution_hours', 'warning_hours')
    def _check_targets(self):
        for policy in self:
            if policy.first_response_hours < 0 or policy.resolution_hours < 0 or policy.warning_hours < 0:
                raise ValidationError(_('SLA targets and the warning time cannot be negative.'))
            if not policy.first_response_hours and not policy.resolution_hours:
                raise ValidationError(_('The SLA policy "%s" needs a first response or a resolution target.')
                                      % policy.name)

    @api.constrains('escalate_to', 'escalate_user_id', 'escalate_team_id', 'team_id')
    def _check_escalation(self):
        for policy in self:
            if policy.escalate_to == 'user' and not policy.escalate_user_id:
                raise ValidationError(_('Choose the agent the tickets of "%s" are escalated to.')
                                      % policy.name)
            if policy.escalate_to == 'team' and not policy.escalate_team_id:
                raise ValidationError(_('Choose the team the tickets of "%s" are escalated to.')
                                      % policy.name)
            if policy.escalate_to == 'team' and policy.escalate_team_id == policy.team_id:
                raise ValidationError(_('The SLA policy "%s" cannot escalate to its own team.') % policy.name)

    # CRUD: a policy change can change the deadlines of every open ticket
    _SLA_FIELDS = {'active', 'company_id', 'team_id', 'category_ids', 'priority', 'service_tier',
                   'resource_calendar_id', 'first_response_hours', 'resolution_hours', 'warning_hours',
                   'sequence'}

    @api.model
    def create(self, vals):
        policy = super(CrmServiceSla, self).create(vals)
        self.env['crm.service.ticket'].sudo()._sla_recompute_where()
        return policy

    @api.multi
    def write(self, vals):
        res = super(CrmServiceSla, self).write(vals)
        if self._SLA_FIELDS & set(vals):
            self.env['crm.service.ticket'].sudo()._sla_recompute_where()
        return res

    @api.multi
    def unlink(self):
        res = super(CrmServiceSla, self).unlink()
        self.env['crm.service.ticket'].sudo()._sla_recompute_where()
        return res

    # actions
    @api.multi
    def action_recompute_deadlines(self):
        """Recompute the deadlines of every open ticket (after working hours changed)."""
        self.check_access_rights('write')
        self.env['crm.service.ticket'].sudo()._sla_recompute_where()
        return True

    @api.multi
    def action_open_tickets(self):
        self.ensure_one()
        action = self.env.ref('crm_service.crm_service_ticket_action_sla').read()[0]
        action['domain'] = [('sla_id', '=', self.id)]
        action['context'] = {'search_default_open': 1}
        return action

    # matching
    @api.model
    def _specificity(self, policy):
        criteria = sum(1 for v in (policy['team_id'], policy['category_ids'], policy['priority'],
                                   policy['service_tier']) if v)
        return (-criteria, -int(policy['priority'] or 0), policy['sequence'], policy['id'])

    @api.model
    def _match_keys(self, keys):
        """{key: policy values or None} for keys
        (company_id, team_id, category_id, priority, tier): one query for the
        policies, then each distinct key is matched in Python."""
        self.env.cr.execute("""
            SELECT s.id, s.sequence, s.company_id, s.team_id, s.priority, s.service_tier,
                   s.resource_calendar_id, s.first_response_hours, s.resolution_hours, s.warning_hours,
                   COALESCE(array_agg(r.category_id) FILTER (WHERE r.category_id IS NOT NULL), '{}')
                       AS category_ids
              FROM crm_service_sla s
         LEFT JOIN crm_service_sla_category_rel r ON r.sla_id = s.id
             WHERE s.active
          GROUP BY s.id""")
        policies = sorted(self.env.cr.dictfetchall(), key=self._specificity)
        result = {}
        for key in keys:
            company_id, team_id, category_id, priority, tier = key
            result[key] = next((
                p for p in policies
                if (not p['company_id'] or p['company_id'] == company_id)
                and (not p['team_id'] or p['team_id'] == team_id)
                and (not p['category_ids'] or category_id in p['category_ids'])
                and (not p['priority'] or int(priority or 0) >= int(p['priority']))
                and (not p['service_tier'] or p['service_tier'] == (tier or 'standard'))), None)
        return result
