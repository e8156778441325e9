"""Re-order detection: a customer who orders regularly and whose usual
interval has elapsed since the last order gets a `reorder_due` event (the
data rule turns it into a re-order opportunity)."""
import datetime

from odoo import api, fields, models

REORDER_MIN_ORDERS = 3
REORDER_FACTOR = 1.0


class ResPartner(models.Model):
    _name = 'res.partner'
    _inherit = ['res.partner', 'crm.erp.event.source']

    crm_erp_reorder_date = fields.Date(
        'Re-order Reported For', copy=False, readonly=True,
        help='Day of the last order after which a re-order was reported due (once per last order).')

    @api.multi
    def _crm_erp_event_partner(self):
        self.ensure_one()
        return self.commercial_partner_id

    @api.multi
    def _crm_erp_event_user(self):
        self.ensure_one()
        return self.commercial_partner_id.user_id

    @api.model
    def _crm_erp_reorder_settings(self):
        """(minimum orders, factor) from the system parameters
        crm_erp_bridge.reorder_min_orders and crm_erp_bridge.reorder_factor."""
        params = self.env['ir.config_parameter'].sudo()
        try:
            min_orders = max(2, int(params.get_param('crm_erp_bridge.reorder_min_orders',
                                                     REORDER_MIN_ORDERS)))
        except ValueError:
            min_orders = REORDER_MIN_ORDERS
        try:
            factor = float(params.get_param('crm_erp_bridge.reorder_factor', REORDER_FACTOR))
        except ValueError:
            factor = REORDER_FACTOR
        return min_orders, factor if factor > 0 else REORDER_FACTOR

    @api.model
    def _crm_erp_detect_reorder(self, today=None, factor=None, min_orders=None):
        """Customers (commercial entities) whose re-order is due on `today`
        (a date string; default: today) and not reported since their last
        order: emit `reorder_due` for them, once per last order.

        One SQL: the days on which each customer's confirmed orders were
        placed (several orders on one day count once), the gaps between
        consecutive days (window function lag), their median (the usual
        interval: the median rather than the mean, so that one long pause or
        one rush order does not move it much). Due when the customer has at
        least `min_orders` order days and last day + median x factor <= today.
        """
        default_min, default_factor = self._crm_erp_reorder_settings()
        today = today or fields.Date.context_today(self)
        self.env.cr.execute("""
            WITH days AS (
                SELECT DISTINCT p.commercial_partner_id AS partner_id,
                       o.date_order::date AS day
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.state IN ('sale', 'done') AND o.date_order::date <= %(today)s
            ), gaps AS (
                SELECT partner_id, day,
                       day - lag(day) OVER (PARTITION BY partner_id ORDER BY day) AS gap
                  FROM days
            ), stats AS (
                SELECT partner_id, count(*) AS n, max(day) AS last_day,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS usual
                  FROM gaps
                 GROUP BY partner_id
            )
            SELECT s.partner_id, s.last_day
              FROM stats s
              JOIN res_partner c ON c.id = s.partner_id
             WHERE s.n >= %(min_orders)s AND c.active
               AND s.last_day + ceil(s.usual * %(factor)s)::int <= %(today)s::date
               AND (c.crm_erp_reorder_date IS NULL OR c.crm_erp_reorder_date < s.last_day)
             ORDER BY s.partner_id""", {
            'today': today, 'min_orders': min_orders or default_min,
            'factor': factor or default_factor})
        rows = self.env.cr.fetchall()
        if not rows:
            return self.browse()
        self.env.cr.execute(
            'UPDATE res_partner p SET crm_erp_reorder_date = r.day '
            'FROM unnest(%s::int[], %s::date[]) AS r(id, day) WHERE p.id = r.id',
            ([r[0] for r in rows], [r[1] for r in rows]))
        partners = self.browse([r[0] for r in rows])
        partners.invalidate_cache(['crm_erp_reorder_date'])
        self.env['crm.erp.event']._emit('reorder_due', partners)
        return partners

    @api.model
    def _crm_erp_demo_reorder(self, partner_xmlid, product_xmlid):
        """Demo: three confirmed orders 90, 60 and 30 days ago (a monthly
        buyer), so the customer's re-order is due today."""
        partner = self.env.ref(partner_xmlid)
        product = self.env.ref(product_xmlid)
        today = fields.Date.from_string(fields.Date.context_today(self))
        for days, qty in ((90, 10), (60, 12), (30, 10)):
            order = self.env['sale.order'].create({
                'partner_id': partner.id, 'user_id': partner.user_id.id,
                'date_order': fields.Datetime.to_string(
                    datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time(9))),
                'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': qty})]})
            order.action_confirm()
        return self._crm_erp_detect_reorder()
