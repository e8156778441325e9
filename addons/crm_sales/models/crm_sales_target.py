from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

DIRECTOR_GROUP = 'sales_team.group_sale_salesman_all_leads'


class CrmSalesTarget(models.Model):
    """A sales target (quota) of one rep or one team for a month or a quarter.

    Reps propose their targets and submit them; the leader of the team (or a
    sales director) approves or refuses them. Attainment is read from the
    `crm.sales.forecast.report` SQL view (its 'achieved' lines: confirmed
    sale orders converted into the company currency at the rate of their
    date, and won opportunities that did not become a confirmed order), for
    all targets on screen in one query.
    """
    _name = 'crm.sales.target'
    _description = 'Sales Target'
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'date_from desc, team_id, user_id'

    # who and when
    name = fields.Char(compute='_compute_name', store=True)
    target_type = fields.Selection([
        ('user', 'Sales Rep'), ('team', 'Sales Team')], 'Target of', required=True,
        default='user', track_visibility='onchange')
    user_id = fields.Many2one(
        'res.users', 'Sales Rep', index=True, track_visibility='onchange',
        default=lambda self: self.env.user,
        help='The rep whose orders and won opportunities count (rep targets only).')
    team_id = fields.Many2one(
        'crm.team', 'Sales Team', index=True, track_visibility='onchange',
        help="The rep's team, or the team whose orders and won opportunities count.")
    company_id = fields.Many2one(
        'res.company', required=True, index=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related='company_id.currency_id', readonly=True)
    period_type = fields.Selection([
        ('month', 'Monthly'), ('quarter', 'Quarterly')], 'Period', required=True,
        default='month', track_visibility='onchange')
    date_start = fields.Date(
        'In Period', required=True, default=fields.Date.context_today,
        help='Any day of the month or quarter the target is for.')
    date_from = fields.Date('From', compute='_compute_period', store=True, index=True)
    date_to = fields.Date('To', compute='_compute_period', store=True, index=True)

    # what
    target_amount = fields.Monetary(
        currency_field='currency_id', track_visibility='onchange',
        help='Untaxed revenue to reach, in the company currency.')
    target_count = fields.Integer(
        'Target Deals', track_visibility='onchange',
        help='Number of confirmed orders and won opportunities to reach.')

    # approval
    state = fields.Selection([
        ('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved')],
        required=True, default='draft', readonly=True, copy=False, index=True,
        track_visibility='onchange')
    approved_by_id = fields.Many2one('res.users', 'Approved by', readonly=True, copy=False)
    refuse_reason = fields.Text(
        copy=False, help='Why the target was sent back to draft (required to refuse).')

    # attainment (not stored: read from the forecast report, set-based)
    achieved_amount = fields.Monetary(
        'Achieved', compute='_compute_attainment', currency_field='currency_id')
    achieved_count = fields.Integer('Deals Won', compute='_compute_attainment')
    amount_attainment = fields.Float('Attainment (%)', compute='_compute_attainment')
    count_attainment = fields.Float('Deal Attainment (%)', compute='_compute_attainment')

    _sql_constraints = [
        ('target_positive', 'CHECK (target_amount >= 0 AND target_count >= 0)',
         'A target amount or count cannot be negative.'),
    ]

    @api.depends('target_type', 'user_id', 'team_id', 'date_from', 'period_type')
    def _compute_name(self):
        for target in self:
            who = (target.user_id if target.target_type == 'user' else target.team_id).name or ''
            period = ''
            if target.date_from:
                start = fields.Date.from_string(target.date_from)
                if target.period_type == 'quarter':
                    period = 'Q%d %d' % ((start.month - 1) // 3 + 1, start.year)
                else:
                    period = start.strftime('%Y-%m')
            target.name = ' / '.join(x for x in (who, period) if x)

    @api.depends('period_type', 'date_start')
    def _compute_period(self):
        for target in self:
            if not target.date_start:
                continue
            date_from, date_to = self._period_bounds(target.period_type, target.date_start)
            target.date_from = fields.Date.to_string(date_from)
            target.date_to = fields.Date.to_string(date_to)

    @api.model
    def _period_bounds(self, period_type, day):
        """First and last day of the month or quarter holding `day`."""
        day = fields.Date.from_string(day) if isinstance(day, str) else day
        if period_type == 'quarter':
            start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            return start, start + relativedelta(months=3, days=-1)
        start = day.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)

    @api.depends('date_from', 'date_to', 'user_id', 'team_id', 'target_type')
    def _compute_attainment(self):
        achieved = self._read_attainment()
        for target in self:
            amount, count = achieved.get(target.id, (0.0, 0))
            target.achieved_amount = amount
            target.achieved_count = count
            target.amount_attainment = (
                100.0 * amount / target.target_amount if target.target_amount else 0.0)
            target.count_attainment = (
                100.0 * count / target.target_count if target.target_count else 0.0)

    @api.multi
    def _read_attainment(self):
        """{target id: (amount, count)} for all of `self` in one query."""
        ids = [t.id for t in self if isinstance(t.id, int)]
        if not ids:
            return {}
        self.env.cr.execute("""
            SELECT t.id, COALESCE(SUM(r.achieved_amount), 0), COALESCE(SUM(r.achieved_count), 0)
              FROM crm_sales_target t
              JOIN crm_sales_forecast_report r
                ON r.line_type = 'achieved'
               AND r.date BETWEEN t.date_from AND t.date_to
               AND (r.company_id = t.company_id OR r.company_id IS NULL)
               AND ((t.target_type = 'user' AND r.user_id = t.user_id)
                 OR (t.target_type = 'team' AND r.team_id = t.team_id))
             WHERE t.id IN %s
             GROUP BY t.id""", (tuple(ids),))
        return {row[0]: (row[1], int(row[2])) for row in self.env.cr.fetchall()}

    @api.constrains('target_type', 'user_id', 'team_id', 'target_amount', 'target_count')
    def _check_target(self):
        # sudo: a rule check after create tells a user off for a record they
        # may not read; the constraint must not fail first
        for target in self.sudo():
            if target.target_type == 'user' and not target.user_id:
                raise ValidationError(_('A rep target needs a sales rep.'))
            if target.target_type == 'team' and not target.team_id:
                raise ValidationError(_('A team target needs a sales team.'))
            if not target.target_amount and not target.target_count:
                raise ValidationError(_('Give the target an amount, a number of deals, or both.'))

    @api.constrains('state', 'target_type', 'user_id', 'team_id', 'period_type', 'date_from',
                    'company_id')
    def _check_one_approved_per_period(self):
        for target in self.sudo().filtered(lambda t: t.state == 'approved'):
            domain = [('id', '!=', target.id), ('state', '=', 'approved'),
                      ('target_type', '=', target.target_type),
                      ('period_type', '=', target.period_type),
                      ('date_from', '=', target.date_from),
                      ('company_id', '=', target.company_id.id)]
            if target.target_type == 'user':
                domain.append(('user_id', '=', target.user_id.id))
            else:
                domain.append(('team_id', '=', target.team_id.id))
            if self.sudo().search_count(domain):
                raise ValidationError(
                    _('%s already has an approved target for this period.') % target.name)

    @api.onchange('user_id')
    def _onchange_user_id(self):
        if self.user_id and self.target_type == 'user':
            self.team_id = self.user_id.sale_team_id

    @api.model
    def create(self, vals):
        if vals.get('target_type', 'user') == 'user' and not vals.get('team_id'):
            user = self.env['res.users'].browse(vals.get('user_id') or self.env.uid)
            vals['team_id'] = user.sale_team_id.id
        if vals.get('state', 'draft') != 'draft':
            raise UserError(_('A new target starts as a draft: submit it for approval.'))
        return super(CrmSalesTarget, self).create(vals)

    @api.multi
    def write(self, vals):
        if 'state' in vals and not self.env.context.get('crm_sales_target_transition'):
            raise UserError(_('Use the Submit, Approve and Refuse buttons to change the state '
                              'of a target.'))
        locked = set(vals) - {'state', 'approved_by_id', 'refuse_reason',
                              'message_follower_ids', 'activity_ids'}
        if locked and not self.env.context.get('crm_sales_target_transition'):
            approved = self.filtered(lambda t: t.state == 'approved')
            if approved:
                approved._check_can_approve()
        return super(CrmSalesTarget, self).write(vals)

    @api.multi
    def unlink(self):
        if any(t.state != 'draft' for t in self):
            raise UserError(_('Only draft targets can be deleted; refuse a submitted target '
                              'first.'))
        return super(CrmSalesTarget, self).unlink()

    # approval flow
    @api.multi
    def _can_approve(self, user=None):
        """Whether `user` may approve or refuse each target: a sales director
        any target, a team leader the targets of their team but their own."""
        user = user or self.env.user
        if user.has_group(DIRECTOR_GROUP) or user._is_superuser():
            return {t.id: True for t in self}
        # a team target is the leader's own quota: a director approves it
        return {t.id: t.target_type == 'user' and t.team_id.user_id == user
                and t.user_id != user for t in self}

    @api.multi
    def _check_can_approve(self):
        allowed = self._can_approve()
        for target in self:
            if not allowed[target.id]:
                raise AccessError(
                    _('Only the leader of %(team)s or a sales director can approve or refuse '
                      'the target %(target)s; nobody approves their own target.')
                    % {'team': target.team_id.name or _('the team'), 'target': target.name})

    @api.multi
    def _transition(self, vals):
        return self.with_context(crm_sales_target_transition=True).write(vals)

    @api.multi
    def action_submit(self):
        if any(t.state != 'draft' for t in self):
            raise UserError(_('Only draft targets can be submitted.'))
        self._transition({'state': 'submitted', 'refuse_reason': False})
        for target in self:
            leader = target.team_id.user_id
            if leader and leader != self.env.user:
                self.env['mail.activity'].create({
                    'res_model_id': self.env.ref('crm_sales.model_crm_sales_target').id,
                    'res_id': target.id,
                    'user_id': leader.id,
                    'activity_type_id': self.env.ref('mail.mail_activity_data_todo').id,
                    'summary': _('Approve the target %s') % target.name,
                })
        return True

    @api.multi
    def action_approve(self):
        if any(t.state != 'submitted' for t in self):
            raise UserError(_('Only submitted targets can be approved.'))
        self._check_can_approve()
        self._transition({'state': 'approved', 'approved_by_id': self.env.uid})
        self.sudo().mapped('activity_ids').unlink()
        return True

    @api.multi
    def action_refuse(self):
        if any(t.state != 'submitted' for t in self):
            raise UserError(_('Only submitted targets can be refused.'))
        if any(not (t.refuse_reason or '').strip() for t in self):
            raise UserError(_('Write the reason for refusing the target first.'))
        self._check_can_approve()
        for target in self:
            target.message_post(body=_('Target refused: %s') % target.refuse_reason)
        self._transition({'state': 'draft'})
        self.sudo().mapped('activity_ids').unlink()
        return True

    @api.multi
    def action_reset_draft(self):
        """Reopen an approved target (approvers only)."""
        self._check_can_approve()
        return self._transition({'state': 'draft', 'approved_by_id': False})
