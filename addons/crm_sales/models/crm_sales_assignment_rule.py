import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

ZIP_PREFIX_RE = re.compile(r'^[0-9A-Z-]+$')


def clean_zip_prefixes(text):
    """'310, 311;  sw1a\n' -> '310, 311, SW1A' (upper case, no blanks,
    no duplicates, order kept)."""
    seen = []
    for part in re.split(r'[,;\s]+', (text or '').upper()):
        if part and part not in seen:
            seen.append(part)
    return ', '.join(seen)


class CrmSalesAssignmentRule(models.Model):
    """Routes new leads to reps: the first active rule (by sequence) whose
    criteria a lead meets picks a rep of the rule, round-robin among the
    reps who are available and under capacity.

    Criteria of different kinds must all hold (territory AND product AND
    industry AND source); within one kind any value matches. Products and
    product categories form one kind: the lead's product is one of the
    products, or its category is one of the categories or below them.
    """
    _name = 'crm.sales.assignment.rule'
    _description = 'Lead Assignment Rule'
    _order = 'sequence, id'

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help='The first matching rule wins.')
    active = fields.Boolean(default=True)
    team_id = fields.Many2one(
        'crm.team', 'Sales Channel', required=True, index=True, ondelete='cascade',
        help='Leads this rule assigns move to this sales channel.')
    company_id = fields.Many2one(related='team_id.company_id', store=True, readonly=True)
    # criteria: territory
    country_ids = fields.Many2many('res.country', string='Countries')
    state_ids = fields.Many2many('res.country.state', string='States / Provinces')
    zip_prefixes = fields.Char(
        'Postal Code Prefixes',
        help='Comma-separated beginnings of postal codes, e.g. "310, 311" for Hangzhou '
             'or "SW1, EC" for parts of London.')
    # criteria: what the prospect wants, who they are, where they come from
    product_ids = fields.Many2many('product.template', string='Products')
    product_categ_ids = fields.Many2many(
        'product.category', string='Product Categories',
        help='Sub-categories are included.')
    industry_ids = fields.Many2many('res.partner.industry', string='Industries')
    source_ids = fields.Many2many('utm.source', string='Sources')
    # who gets the leads
    member_ids = fields.One2many(
        'crm.sales.assignment.rule.member', 'rule_id', 'Salespeople', copy=True)
    last_member_id = fields.Many2one(
        'crm.sales.assignment.rule.member', 'Last Assigned', readonly=True, copy=False,
        ondelete='set null', help='The round-robin pointer: the next lead goes to the rep after this one.')
    last_run = fields.Datetime('Last Assignment', readonly=True, copy=False)
    lead_count = fields.Integer('Assigned Leads', compute='_compute_lead_count')
    description = fields.Text(translate=True)

    def _compute_lead_count(self):
        data = self.env['crm.lead'].with_context(active_test=False).read_group(
            [('assignment_rule_id', 'in', self.ids)], ['assignment_rule_id'], ['assignment_rule_id'])
        counts = {d['assignment_rule_id'][0]: d['assignment_rule_id_count'] for d in data}
        for rule in self:
            rule.lead_count = counts.get(rule.id, 0)

    # ------------------------------------------------------------------
    # constraints
    @api.constrains('name', 'team_id', 'country_ids', 'state_ids', 'zip_prefixes', 'product_ids',
                    'product_categ_ids', 'industry_ids', 'source_ids')
    def _check_criteria(self):
        for rule in self:
            if not rule._has_criteria():
                raise ValidationError(_(
                    'The assignment rule "%s" has no criteria. Give it a territory (countries, '
                    'states or zip prefixes), products or product categories, industries or '
                    'sources: a rule without criteria would take every lead.') % rule.name)
            for prefix in (rule.zip_prefixes or '').split(', '):
                if prefix and not ZIP_PREFIX_RE.match(prefix):
                    raise ValidationError(_(
                        'The zip prefix "%(prefix)s" of the rule "%(rule)s" is not valid: use letters, '
                        'digits and dashes, separated by commas.') % {'prefix': prefix, 'rule': rule.name})

    @api.constrains('member_ids', 'team_id')
    def _check_members(self):
        self.mapped('member_ids')._check_team_member()

    def _has_criteria(self):
        self.ensure_one()
        return bool(self.country_ids or self.state_ids or (self.zip_prefixes or '').strip()
                    or self.product_ids or self.product_categ_ids or self.industry_ids
                    or self.source_ids)

    # ------------------------------------------------------------------
    # CRUD
    @api.model
    def create(self, vals):
        if 'zip_prefixes' in vals:
            vals['zip_prefixes'] = clean_zip_prefixes(vals['zip_prefixes']) or False
        return super(CrmSalesAssignmentRule, self).create(vals)

    @api.multi
    def write(self, vals):
        if 'zip_prefixes' in vals:
            vals['zip_prefixes'] = clean_zip_prefixes(vals['zip_prefixes']) or False
        return super(CrmSalesAssignmentRule, self).write(vals)

    # ------------------------------------------------------------------
    # actions
    @api.multi
    def action_view_leads(self):
        self.ensure_one()
        action = self.env.ref('crm_sales.crm_lead_action_assigned_by_rule').read()[0]
        action['domain'] = [('assignment_rule_id', '=', self.id)]
        return action

    @api.multi
    def action_assign_backlog(self):
        """Button: apply these rules to every open lead without a salesperson."""
        rules = self or self.search([])
        leads = self.env['crm.lead']._crm_sales_assign_backlog(rules=rules)
        return self.env['crm.lead']._crm_sales_assignment_result_action(leads)

    @api.model
    def _cron_assign_backlog(self):
        """Scheduled action: route every open lead without a salesperson."""
        self.env['crm.lead']._crm_sales_assign_backlog()
        return True

    # ------------------------------------------------------------------
    # matching
    @api.multi
    def _prepare_matcher(self):
        """What `_match` needs, computed once per run: sets of ids."""
        self.ensure_one()
        categ_ids = set()
        if self.product_categ_ids:
            categ_ids = set(self.env['product.category'].sudo().search(
                [('id', 'child_of', self.product_categ_ids.ids)]).ids)
        return {
            'rule': self,
            'countries': set(self.country_ids.ids),
            'states': set(self.state_ids.ids),
            'zips': tuple(p for p in (self.zip_prefixes or '').split(', ') if p),
            'products': set(self.product_ids.ids),
            'categs': categ_ids,
            'industries': set(self.industry_ids.ids),
            'sources': set(self.source_ids.ids),
        }

    @staticmethod
    def _match(matcher, lead):
        """Whether a lead (a dict of ids, see crm.lead._crm_sales_assignment_fetch)
        meets the criteria of a rule (a dict from _prepare_matcher)."""
        if matcher['countries'] and lead['country_id'] not in matcher['countries']:
            return False
        if matcher['states'] and lead['state_id'] not in matcher['states']:
            return False
        if matcher['zips'] and not (lead['zip'] and lead['zip'].startswith(matcher['zips'])):
            return False
        if matcher['products'] or matcher['categs']:
            if not (lead['product_id'] in matcher['products'] or lead['categ_id'] in matcher['categs']):
                return False
        if matcher['industries'] and lead['industry_id'] not in matcher['industries']:
            return False
        if matcher['sources'] and lead['source_id'] not in matcher['sources']:
            return False
        return True


class CrmSalesAssignmentRuleMember(models.Model):
    """A rep of a rule, with their capacity. Zero means no limit."""
    _name = 'crm.sales.assignment.rule.member'
    _description = 'Salesperson of an Assignment Rule'
    _order = 'rule_id, sequence, id'
    _rec_name = 'user_id'

    rule_id = fields.Many2one('crm.sales.assignment.rule', required=True, index=True, ondelete='cascade')
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one('res.users', 'Salesperson', required=True, index=True, ondelete='cascade')
    max_open_leads = fields.Integer(
        'Open Leads at Most', default=0,
        help='The rep gets no more leads while they have this many open leads and '
             'opportunities (all teams). 0: no limit.')
    max_period_leads = fields.Integer(
        'Max New Leads', default=0,
        help='The most leads the rep gets per period (counted from the date they were assigned). '
             '0: no limit.')
    period = fields.Selection([('week', 'per Week'), ('month', 'per Month')], 'Per', default='week',
                              required=True)
    user_available = fields.Boolean(
        'Available', compute='_compute_user_available', inverse='_inverse_user_available',
        help='Unavailable reps (on leave, say) are skipped by every rule.')

    _sql_constraints = [
        ('user_rule_uniq', 'unique(rule_id, user_id)', 'A salesperson appears once per rule.'),
        ('max_open_positive', 'check(max_open_leads >= 0)', 'A capacity cannot be negative.'),
        ('max_period_positive', 'check(max_period_leads >= 0)', 'A capacity cannot be negative.'),
    ]

    @api.constrains('user_id', 'rule_id')
    def _check_team_member(self):
        for member in self:
            team = member.rule_id.team_id
            if member.user_id not in (team.member_ids | team.user_id):
                raise ValidationError(_(
                    'The rule "%(rule)s" cannot assign leads to %(user)s: they are not a member of the '
                    'sales channel %(team)s. Add them to the channel first.') % {
                        'rule': member.rule_id.name, 'user': member.user_id.name, 'team': team.name})

    @api.depends('user_id.sales_assignment_available')
    def _compute_user_available(self):
        for member in self:
            member.user_available = member.user_id.sales_assignment_available

    def _inverse_user_available(self):
        # rule managers (who may not edit users) mark a rep away: only this flag
        for member in self:
            member.user_id.sudo().sales_assignment_available = member.user_available
