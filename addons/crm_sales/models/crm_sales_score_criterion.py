import datetime

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval


class CrmSalesScoreCriterion(models.Model):
    """One line of the rule-based lead score: leads that meet the condition
    (a domain on crm.lead, built with Odoo's domain editor) get the points,
    which may be negative. A lead's score is the sum over the criteria."""
    _name = 'crm.sales.score.criterion'
    _description = 'Lead Scoring Criterion'
    _order = 'sequence, id'

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    domain = fields.Char(
        'Condition', required=True, default='[]',
        help='Which leads get the points, e.g. country is China, e-mail is a free-mail '
             'address, phone is set, expected revenue above an amount.')
    points = fields.Integer(required=True, default=5, help='Negative points lower the score.')
    description = fields.Text(translate=True)

    @api.constrains('domain', 'points')
    def _check_domain(self):
        Lead = self.env['crm.lead'].sudo()
        for criterion in self:
            try:
                domain = criterion._get_domain()
                Lead.search_count(domain + [('id', '=', 0)])
            except Exception as error:  # any mistake in the condition: say which criterion
                raise ValidationError(_('The condition of the scoring criterion "%(name)s" is not '
                                        'valid: %(error)s') % {'name': criterion.name, 'error': error})
            if not domain:
                raise ValidationError(_('The scoring criterion "%s" has no condition: it would give '
                                        'its points to every lead.') % criterion.name)
            if not criterion.points:
                raise ValidationError(_('The scoring criterion "%s" gives no points.') % criterion.name)

    @api.multi
    def _get_domain(self):
        self.ensure_one()
        domain = safe_eval(self.domain or '[]', {
            'uid': self.env.uid, 'datetime': datetime,
            'context_today': lambda: fields.Date.from_string(fields.Date.context_today(self))})
        if not isinstance(domain, (list, tuple)):
            raise ValueError(_('a condition is a list of conditions'))
        return list(domain)

    @api.model
    def _get_lead_fields(self):
        """The crm.lead fields the active criteria read: writing one of them
        recomputes the score of the lead."""
        names = set()
        for criterion in self.sudo().search([]):
            for leaf in criterion._get_domain():
                if isinstance(leaf, (list, tuple)) and leaf and isinstance(leaf[0], str):
                    names.add(leaf[0].split('.')[0])
        # a computed field changes with the fields it depends on (email_is_free, email_from)
        lead_fields = self.env['crm.lead']._fields
        for name in list(names):
            field = lead_fields.get(name)
            if field is not None and field.compute:
                names.update(dep.split('.')[0] for dep in field.depends)
        return names

    # the scores of open leads follow the criteria
    @api.model
    def create(self, vals):
        criterion = super(CrmSalesScoreCriterion, self).create(vals)
        self.env['crm.lead']._crm_sales_refresh_rule_scores()
        return criterion

    @api.multi
    def write(self, vals):
        res = super(CrmSalesScoreCriterion, self).write(vals)
        self.env['crm.lead']._crm_sales_refresh_rule_scores()
        return res

    @api.multi
    def unlink(self):
        res = super(CrmSalesScoreCriterion, self).unlink()
        self.env['crm.lead']._crm_sales_refresh_rule_scores()
        return res
