from odoo import fields, models, tools

# Where an open opportunity without an expected closing date is expected to
# close: this many days after its creation when it is at 0 %, fewer as its
# stage's probability grows (90 * (100 - p) / 100 days), and never before
# today: an undated deal still open is expected from now on.
UNDATED_HORIZON_DAYS = 90


class CrmSalesForecastReport(models.Model):
    """Weighted pipeline, targets and attainment side by side, per rep,
    team, stage and month (an SQL view).

    Three kinds of lines (``line_type``):

    * ``pipeline``: one per open opportunity (active, not won), dated by its
      expected closing (``date_deadline``; when empty, see
      UNDATED_HORIZON_DAYS), with its expected and weighted revenue
      (planned revenue x probability / 100);
    * ``target``: the approved rep targets, one line per month (a quarterly
      target is spread evenly over its three months). Team targets are left
      out so that a team's total is the sum of its reps' targets;
    * ``achieved``: confirmed sale orders (state sale or done), dated by their
      order date, untaxed amount converted from the pricelist currency into
      the company currency at the rate of the order date; and won
      opportunities without any confirmed order, dated by their closing
      date, at their planned revenue (already in the company currency).
      An opportunity that became a confirmed order counts once, as the order.

    `crm.sales.target` reads its attainment from the ``achieved`` lines.
    """
    _name = 'crm.sales.forecast.report'
    _description = 'Sales Forecast and Attainment'
    _auto = False
    _rec_name = 'date'
    _order = 'date desc'

    line_type = fields.Selection([
        ('pipeline', 'Open Pipeline'), ('target', 'Target'), ('achieved', 'Achieved')],
        'Line', readonly=True)
    date = fields.Date('Month', readonly=True,
                       help='Expected closing date (pipeline), month (target), '
                            'order or closing date (achieved).')
    user_id = fields.Many2one('res.users', 'Sales Rep', readonly=True)
    team_id = fields.Many2one('crm.team', 'Sales Team', readonly=True)
    stage_id = fields.Many2one('crm.stage', 'Stage', readonly=True)
    company_id = fields.Many2one('res.company', 'Company', readonly=True)
    lead_id = fields.Many2one('crm.lead', 'Opportunity', readonly=True)
    order_id = fields.Many2one('sale.order', 'Sale Order', readonly=True)
    expected_revenue = fields.Float(readonly=True)
    weighted_revenue = fields.Float(readonly=True)
    opportunity_count = fields.Integer('# Open Opportunities', readonly=True)
    target_amount = fields.Float('Target', readonly=True)
    target_count = fields.Float('Target Deals', readonly=True)
    achieved_amount = fields.Float('Achieved', readonly=True)
    achieved_count = fields.Integer('Deals Won', readonly=True)

    def _rate_join(self, alias, currency_expr, company_expr, date_expr):
        """A LATERAL join giving `alias`.rate: the currency's rate on a date,
        as res.currency._compute_current_rate picks it (the company's own
        rate first, then the shared one; the latest on or before the date)."""
        return """
            LEFT JOIN LATERAL (
                SELECT r.rate FROM res_currency_rate r
                 WHERE r.currency_id = {cur} AND r.name <= {day}
                   AND (r.company_id IS NULL OR r.company_id = {comp})
                 ORDER BY r.company_id, r.name DESC LIMIT 1) {alias} ON TRUE
        """.format(alias=alias, cur=currency_expr, comp=company_expr, day=date_expr)

    def _select_pipeline(self):
        return """
            SELECT l.id * 4 AS id, 'pipeline'::varchar AS line_type,
                   COALESCE(l.date_deadline, GREATEST(CURRENT_DATE,
                       (l.create_date + make_interval(days => ROUND(
                           %(horizon)s * (100 - COALESCE(s.probability, 0)) / 100)::int))::date)
                   ) AS date,
                   l.user_id, l.team_id, l.stage_id, l.company_id,
                   l.id AS lead_id, NULL::integer AS order_id,
                   COALESCE(l.planned_revenue, 0) AS expected_revenue,
                   COALESCE(l.planned_revenue, 0) * COALESCE(l.probability, 0) / 100
                       AS weighted_revenue,
                   1 AS opportunity_count, 0.0 AS target_amount, 0.0 AS target_count,
                   0.0 AS achieved_amount, 0 AS achieved_count
              FROM crm_lead l
              LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.active AND l.type = 'opportunity' AND COALESCE(l.probability, 0) < 100
        """ % {'horizon': UNDATED_HORIZON_DAYS}

    def _select_targets(self):
        return """
            SELECT ((t.id * 3 + (EXTRACT(MONTH FROM m.month)::int - 1) %% 3) * 4 + 1) AS id,
                   'target', m.month::date, t.user_id, t.team_id, NULL, t.company_id,
                   NULL, NULL, 0.0, 0.0, 0,
                   t.target_amount / n.months, t.target_count::float / n.months, 0.0, 0
              FROM crm_sales_target t
              CROSS JOIN LATERAL (SELECT CASE t.period_type WHEN 'quarter' THEN 3 ELSE 1 END
                                         AS months) n
              CROSS JOIN LATERAL generate_series(t.date_from::timestamp, t.date_to::timestamp,
                                                 interval '1 month') m(month)
             WHERE t.state = 'approved' AND t.target_type = 'user'
        """.replace('%%', '%')

    def _select_orders(self):
        return """
            SELECT so.id * 4 + 2, 'achieved', so.date_order::date, so.user_id, so.team_id,
                   NULL, so.company_id, so.opportunity_id, so.id, 0.0, 0.0, 0, 0.0, 0.0,
                   so.amount_untaxed * COALESCE(to_rate.rate, 1.0)
                       / COALESCE(NULLIF(from_rate.rate, 0), 1.0),
                   1
              FROM sale_order so
              JOIN product_pricelist pl ON pl.id = so.pricelist_id
              JOIN res_company c ON c.id = so.company_id
              {from_rate}
              {to_rate}
             WHERE so.state IN ('sale', 'done')
        """.format(
            from_rate=self._rate_join('from_rate', 'pl.currency_id', 'so.company_id',
                                      'so.date_order::date'),
            to_rate=self._rate_join('to_rate', 'c.currency_id', 'so.company_id',
                                    'so.date_order::date'))

    def _select_won(self):
        return """
            SELECT l.id * 4 + 3, 'achieved', l.date_closed::date, l.user_id, l.team_id,
                   l.stage_id, l.company_id, l.id, NULL, 0.0, 0.0, 0, 0.0, 0.0,
                   COALESCE(l.planned_revenue, 0), 1
              FROM crm_lead l
             WHERE l.active AND l.type = 'opportunity' AND l.probability >= 100
               AND l.date_closed IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM sale_order so
                                WHERE so.opportunity_id = l.id AND so.state IN ('sale', 'done'))
        """

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # no user input in this statement: it is built from the methods above
        self.env.cr.execute("CREATE OR REPLACE VIEW %s AS (%s UNION ALL %s UNION ALL %s "
                            "UNION ALL %s)" % (self._table, self._select_pipeline(),
                                               self._select_targets(), self._select_orders(),
                                               self._select_won()))
