import math
import time
from collections import defaultdict

from odoo import _, api, fields, models

# features the model learns from: name -> label
FEATURES = [
    ('stage', 'Stage reached'),
    ('source', 'Source'),
    ('country', 'Country'),
    ('team', 'Sales channel'),
    ('industry', 'Industry'),
    ('categ', 'Product category'),
    ('tag', 'Tag'),
    ('email', 'E-mail address'),
    ('age', 'Age'),
]
# yes/no features: a lead may have several tags and has passed several stages
BINARY_FEATURES = ('stage', 'tag')
# feature -> model of the ids it holds (the others hold keys)
FEATURE_MODELS = {
    'stage': 'crm.stage', 'source': 'utm.source', 'country': 'res.country', 'team': 'crm.team',
    'industry': 'res.partner.industry', 'categ': 'product.category', 'tag': 'crm.lead.tag',
}
AGE_BUCKETS = [(7, '0-7'), (30, '8-30'), (90, '31-90'), (180, '91-180'), (None, '180+')]

FREE_MAIL_DOMAINS = (
    'gmail.com', 'googlemail.com', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com',
    'yahoo.com', 'yahoo.co.uk', 'aol.com', 'icloud.com', 'me.com', 'mail.com', 'gmx.com',
    'gmx.de', 'web.de', 'protonmail.com', 'yandex.com', 'yandex.ru', 'mail.ru',
    'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn',
    'sohu.com', 'aliyun.com', '139.com', '189.cn', 'hotmail.co.uk', 'free.fr', 'orange.fr',
)


class CrmSalesScoreModel(models.Model):
    """The learned win probability: a naive Bayes model trained on won and
    lost leads, kept as one log-likelihood ratio per feature value
    (crm.sales.score.feature), so scoring many leads is a dictionary look-up
    per feature and one bulk UPDATE.

    Won: probability 100. Lost: archived with probability 0, or a lost
    reason. The stage counts as "stage reached": a won lead passed every
    open stage, a lost lead the stages up to the one it was lost in.
    Laplace smoothing (add `smoothing` to every count). A value the model has
    never seen, or no value, adds nothing: a lead about which history says
    nothing gets the prior, the share of won among closed leads.
    """
    _name = 'crm.sales.score.model'
    _description = 'Predictive Lead Scoring Model'
    _order = 'id desc'

    name = fields.Char(required=True, default=lambda self: _('Win probability'))
    smoothing = fields.Float(default=1.0, help='Laplace smoothing: added to every count.')
    date_trained = fields.Datetime('Trained On', readonly=True)
    won_count = fields.Integer('Won Leads', readonly=True)
    lost_count = fields.Integer('Lost Leads', readonly=True)
    prior = fields.Float('Prior (%)', readonly=True,
                         help='The win probability of a lead about which history says nothing.')
    refreshed_count = fields.Integer('Leads Scored', readonly=True)
    refresh_seconds = fields.Float('Last Refresh (s)', readonly=True, digits=(16, 2))
    feature_ids = fields.One2many('crm.sales.score.feature', 'model_id', 'Learned Weights', readonly=True)

    _sql_constraints = [
        ('smoothing_positive', 'check(smoothing > 0)', 'The smoothing must be positive.'),
    ]

    @api.model
    def _get_current(self):
        model = self.sudo().search([], limit=1)
        if not model:
            model = self.sudo().create({})
        return model

    # ------------------------------------------------------------------
    # actions
    @api.multi
    def action_train_and_refresh(self):
        for model in self:
            model._train()
            model._refresh()
        return True

    @api.model
    def _cron_train_and_refresh(self):
        self._get_current().action_train_and_refresh()
        self.env['crm.lead']._crm_sales_refresh_rule_scores()
        return True

    # ------------------------------------------------------------------
    # features, read with SQL
    @api.model
    def _feature_query(self, where):
        """SELECT of the feature values of crm_lead rows meeting `where`
        (an SQL condition on l with named parameters)."""
        return """
            SELECT l.id,
                   CASE WHEN COALESCE(l.probability, 0) >= 100 THEN 1
                        WHEN (NOT l.active AND COALESCE(l.probability, 0) = 0)
                             OR l.lost_reason IS NOT NULL THEN 0 END AS won,
                   l.stage_id AS stage, l.source_id AS source, l.country_id AS country,
                   l.team_id AS team, l.industry_id AS industry,
                   COALESCE(l.product_categ_id, pt.categ_id) AS categ,
                   CASE WHEN COALESCE(l.email_from, '') NOT LIKE '%%@%%' THEN NULL
                        WHEN LOWER(SUBSTRING(l.email_from FROM '@([^>\\s]+)')) = ANY(%(free)s)
                        THEN 'free' ELSE 'company' END AS email,
                   EXTRACT(EPOCH FROM (COALESCE(l.date_closed, %(now)s::timestamp) - l.create_date))
                       / 86400 AS age,
                   (SELECT ARRAY_AGG(r.tag_id) FROM crm_lead_tag_rel r WHERE r.lead_id = l.id) AS tags
              FROM crm_lead l
              LEFT JOIN product_template pt ON pt.id = l.product_interest_id
             WHERE """ + where

    @api.model
    def _feature_params(self, **params):
        return dict(params, free=list(self.env['crm.lead']._crm_sales_free_mail_domains()),
                    now=fields.Datetime.now())

    @staticmethod
    def _age_bucket(days):
        if days is None:
            return None
        for limit, key in AGE_BUCKETS:
            if limit is None or days <= limit:
                return key

    @api.model
    def _row_features(self, row):
        """[(feature, key)] of a fetched row, without the stage."""
        pairs = []
        for name in ('source', 'country', 'team', 'industry', 'categ'):
            if row[name]:
                pairs.append((name, str(row[name])))
        if row['email']:
            pairs.append(('email', row['email']))
        age = self._age_bucket(row['age'])
        if age:
            pairs.append(('age', age))
        for tag in row['tags'] or ():
            pairs.append(('tag', str(tag)))
        return pairs

    @api.model
    def _stage_ranks(self):
        """{stage id: rank} of the open stages, and the set of won stages."""
        self.env.cr.execute("SELECT id, COALESCE(probability, 0) FROM crm_stage ORDER BY sequence, id")
        ranks, won = {}, set()
        for rank, (stage_id, probability) in enumerate(self.env.cr.fetchall()):
            if probability >= 100:
                won.add(stage_id)
            else:
                ranks[stage_id] = rank
        return ranks, won

    # ------------------------------------------------------------------
    # training
    @api.multi
    def _train(self, lead_domain_sql=None, params=None):
        """Learn the weights from the closed leads (or those `lead_domain_sql`
        selects among them, used by the tests to hold leads out)."""
        self.ensure_one()
        cr = self.env.cr
        where = "((COALESCE(l.probability, 0) >= 100) OR (NOT l.active AND COALESCE(l.probability, 0) = 0)" \
                " OR l.lost_reason IS NOT NULL)"
        if lead_domain_sql:
            where += " AND (%s)" % lead_domain_sql
        ranks = self._stage_ranks()[0]
        cr.execute(self._feature_query(where), self._feature_params(**(params or {})))
        counts = defaultdict(lambda: [0, 0])  # (feature, key) -> [won, lost]
        totals = [0, 0]
        for row in cr.dictfetchall():
            outcome = 0 if row['won'] else 1
            totals[outcome] += 1
            for pair in self._row_features(row):
                counts[pair][outcome] += 1
            # stage reached: won leads passed every open stage; lost ones up to theirs
            if row['won']:
                reached = ranks
            elif row['stage'] in ranks:
                reached = {s: r for s, r in ranks.items() if r <= ranks[row['stage']]}
            else:
                reached = {}
            for stage in reached:
                counts[('stage', str(stage))][outcome] += 1
        won_total, lost_total = totals
        alpha = self.smoothing
        per_feature = defaultdict(lambda: [0, 0, 0])  # feature -> [won, lost, distinct values]
        for (feature, _key), (won, lost) in counts.items():
            stats = per_feature[feature]
            stats[0] += won
            stats[1] += lost
            stats[2] += 1
        rows = []
        for (feature, key), (won, lost) in counts.items():
            if feature in BINARY_FEATURES:
                # has the tag / reached the stage, among all won and all lost leads
                weight = (math.log((won + alpha) / (won_total + 2 * alpha))
                          - math.log((lost + alpha) / (lost_total + 2 * alpha)))
            else:
                f_won, f_lost, distinct = per_feature[feature]
                weight = (math.log((won + alpha) / (f_won + alpha * distinct))
                          - math.log((lost + alpha) / (f_lost + alpha * distinct)))
            rows.append((feature, key, won, lost, weight))
        cr.execute("DELETE FROM crm_sales_score_feature WHERE model_id = %s", [self.id])
        if rows:
            cr.execute("""
                INSERT INTO crm_sales_score_feature (model_id, feature, value_key, won_count,
                                                     lost_count, weight)
                SELECT %s, v.f, v.k, v.w, v.l, v.x
                  FROM unnest(%s::varchar[], %s::varchar[], %s::int[], %s::int[], %s::float8[])
                       AS v(f, k, w, l, x)""",
                       [self.id] + [list(column) for column in zip(*rows)])
        self.env['crm.sales.score.feature'].invalidate_cache()
        prior = 100.0 * (won_total + alpha) / (won_total + lost_total + 2 * alpha)
        self.write({'date_trained': fields.Datetime.now(), 'won_count': won_total,
                    'lost_count': lost_total, 'prior': prior})
        return True

    # ------------------------------------------------------------------
    # scoring
    @api.multi
    def _weights(self):
        self.ensure_one()
        self.env.cr.execute(
            "SELECT feature, value_key, weight FROM crm_sales_score_feature WHERE model_id = %s", [self.id])
        return {(f, k): w for f, k, w in self.env.cr.fetchall()}

    @api.multi
    def _predict_rows(self, rows):
        """{lead id: win probability in %} for fetched feature rows."""
        self.ensure_one()
        weights = self._weights()
        prior_logit = math.log(self.prior / (100.0 - self.prior)) if 0 < self.prior < 100 else 0.0
        result = {}
        for row in rows:
            logit = prior_logit
            for pair in self._row_features(row):
                logit += weights.get(pair, 0.0)
            if row['stage']:
                logit += weights.get(('stage', str(row['stage'])), 0.0)
            if logit > 30:
                result[row['id']] = 100.0
            else:
                result[row['id']] = 100.0 / (1.0 + math.exp(-logit))
        return result

    @api.multi
    def _refresh(self, lead_ids=None):
        """Score the open leads (all, or `lead_ids`) in one bulk UPDATE."""
        self.ensure_one()
        started = time.time()
        cr = self.env.cr
        where = "l.active AND COALESCE(l.probability, 0) < 100"
        params = {}
        if lead_ids is not None:
            where += " AND l.id = ANY(%(ids)s)"
            params['ids'] = list(lead_ids)
        cr.execute(self._feature_query(where), self._feature_params(**params))
        probabilities = self._predict_rows(cr.dictfetchall())
        if probabilities:
            now = fields.Datetime.now()
            ids = list(probabilities)
            values = [round(probabilities[i], 2) for i in ids]
            cr.execute("""
                UPDATE crm_lead l
                   SET predicted_probability = v.p,
                       predicted_band = CASE WHEN v.p >= 70 THEN 'hot' WHEN v.p < 30 THEN 'cold'
                                             ELSE 'warm' END,
                       score_date = %s
                  FROM unnest(%s::int[], %s::float8[]) AS v(id, p)
                 WHERE l.id = v.id
                   AND (l.predicted_probability IS DISTINCT FROM v.p OR l.score_date IS NULL)""",
                       [now, ids, values])
            self.env['crm.lead'].invalidate_cache(
                ['predicted_probability', 'predicted_band', 'score_date'], ids)
        if lead_ids is None:
            self.write({'refreshed_count': len(probabilities),
                        'refresh_seconds': time.time() - started})
        return probabilities


class CrmSalesScoreFeature(models.Model):
    """One learned weight: how much a feature value moves the odds of winning."""
    _name = 'crm.sales.score.feature'
    _description = 'Learned Weight of a Lead Feature'
    _order = 'weight desc'
    _log_access = False

    model_id = fields.Many2one('crm.sales.score.model', required=True, index=True, ondelete='cascade')
    feature = fields.Selection(FEATURES, required=True)
    value_key = fields.Char('Key', required=True)
    value_name = fields.Char('Value', compute='_compute_value_name')
    won_count = fields.Integer('Won')
    lost_count = fields.Integer('Lost')
    weight = fields.Float(digits=(16, 3), help='Log-likelihood ratio: above 0 favours winning.')

    def _compute_value_name(self):
        ids_by_model = defaultdict(set)
        for line in self:
            if line.feature in FEATURE_MODELS and line.value_key.isdigit():
                ids_by_model[FEATURE_MODELS[line.feature]].add(int(line.value_key))
        names = {}
        for model, ids in ids_by_model.items():
            records = self.env[model].sudo().with_context(active_test=False).browse(ids).exists()
            names.update({(model, r.id): r.display_name for r in records})
        email_names = {'free': _('free-mail address'), 'company': _('company address')}
        age_names = {'0-7': _('up to a week'), '8-30': _('8 to 30 days'), '31-90': _('1 to 3 months'),
                     '91-180': _('3 to 6 months'), '180+': _('over 6 months')}
        for line in self:
            if line.feature in FEATURE_MODELS:
                line.value_name = names.get((FEATURE_MODELS[line.feature], int(line.value_key)),
                                            line.value_key) if line.value_key.isdigit() else line.value_key
            elif line.feature == 'email':
                line.value_name = email_names.get(line.value_key, line.value_key)
            elif line.feature == 'age':
                line.value_name = age_names.get(line.value_key, line.value_key)
            else:
                line.value_name = line.value_key
