from collections import defaultdict

from odoo import api, fields, models

from .crm_sales_score_model import FREE_MAIL_DOMAINS

BANDS = [('hot', 'Hot (>= 70%)'), ('warm', 'Warm'), ('cold', 'Cold (< 30%)')]


class CrmLead(models.Model):
    """Rule-based points (`score`, from crm.sales.score.criterion) and the
    learned win probability (`predicted_probability`, from
    crm.sales.score.model) on leads and opportunities."""
    _inherit = 'crm.lead'

    email_domain = fields.Char(
        'E-mail Domain', compute='_compute_email_domain', store=True, index=True)
    email_is_free = fields.Boolean(
        'Free-mail Address', compute='_compute_email_domain', store=True,
        help='The e-mail address is at a free-mail provider (gmail.com, qq.com, 163.com...).')
    score = fields.Integer(
        readonly=True, copy=False, default=0, index=True,
        help='Points from the scoring criteria (CRM > Assignment & Scoring > Scoring Criteria).')
    predicted_probability = fields.Float(
        'Predicted Win %', readonly=True, copy=False, index=True, group_operator='avg',
        digits=(16, 1),
        help='The chance of winning learned from the won and lost leads of the past '
             '(naive Bayes), refreshed every night.')
    predicted_band = fields.Selection(
        BANDS, 'Win Chance', compute='_compute_predicted_band', store=True, readonly=True)
    score_date = fields.Datetime('Scores Refreshed', readonly=True, copy=False)

    @api.depends('email_from')
    def _compute_email_domain(self):
        free = set(self._crm_sales_free_mail_domains())
        for lead in self:
            email = (lead.email_from or '').strip().rstrip('>').lower()
            domain = email.rsplit('@', 1)[1] if '@' in email else False
            lead.email_domain = domain
            lead.email_is_free = bool(domain and domain in free)

    @api.depends('predicted_probability', 'score_date')
    def _compute_predicted_band(self):
        for lead in self:
            p = lead.predicted_probability
            if not lead.score_date:
                lead.predicted_band = False
            else:
                lead.predicted_band = 'hot' if p >= 70 else 'cold' if p < 30 else 'warm'

    @api.model
    def _crm_sales_free_mail_domains(self):
        """Extension point: the free-mail providers."""
        return FREE_MAIL_DOMAINS

    @api.multi
    def write(self, vals):
        res = super(CrmLead, self).write(vals)
        if not self.env.context.get('crm_sales_skip_pipeline') and \
                set(vals) & self.env['crm.sales.score.criterion']._get_lead_fields():
            self._crm_sales_compute_rule_scores()
        return res

    @api.multi
    def _crm_sales_pipeline(self):
        res = super(CrmLead, self)._crm_sales_pipeline()
        self._crm_sales_compute_rule_scores()
        model = self.env['crm.sales.score.model'].sudo().search([], limit=1)
        if model.date_trained:
            model._refresh(lead_ids=self.ids)
        return res

    # ------------------------------------------------------------------
    @api.multi
    def _crm_sales_compute_rule_scores(self):
        """The rule points of the leads of `self`: one search per criterion,
        one bulk UPDATE."""
        if self.ids:
            self._crm_sales_score_domain([('id', 'in', self.ids)], self.ids)

    @api.model
    def _crm_sales_refresh_rule_scores(self):
        """The rule points of every open lead (after the criteria changed)."""
        self.env.cr.execute("SELECT id FROM crm_lead WHERE active AND COALESCE(probability, 0) < 100")
        ids = [row[0] for row in self.env.cr.fetchall()]
        self._crm_sales_score_domain([('active', '=', True), ('probability', '<', 100)], ids)

    @api.model
    def _crm_sales_score_domain(self, lead_domain, ids):
        Lead = self.sudo().with_context(active_test=False)
        points = defaultdict(int)
        for criterion in self.env['crm.sales.score.criterion'].sudo().search([]):
            for lead_id in Lead._search(lead_domain + criterion._get_domain()):
                points[lead_id] += criterion.points
        self.env.cr.execute("""
            UPDATE crm_lead l SET score = v.s
              FROM unnest(%s::int[], %s::int[]) AS v(id, s)
             WHERE l.id = v.id AND l.score IS DISTINCT FROM v.s""",
                            [ids, [points.get(i, 0) for i in ids]])
        self.invalidate_cache(['score'], ids)
