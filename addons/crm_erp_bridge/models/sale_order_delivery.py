"""Where an order's goods are: a delivery status, the expected and the
delivered date, the carrier and its tracking reference, for the back office
and the customer portal.

Computed for all the orders on screen at once: one query over their
outgoing deliveries and one over their lines (for the commitment date),
never a query per order. Not stored: "late" depends on the clock.
"""
from datetime import timedelta

from odoo import api, fields, models

DELIVERY_STATUSES = [
    ('nothing', 'Nothing to deliver'),
    ('waiting', 'Waiting'),
    ('partial', 'Partly delivered'),
    ('delivered', 'Delivered'),
    ('late', 'Late'),
]


class SaleOrder(models.Model):
    _inherit = 'sale.order'

    delivery_status = fields.Selection(
        DELIVERY_STATUSES, compute='_compute_delivery_tracking',
        help='Nothing to deliver: no delivery (e.g. services only, or not confirmed). '
             'Waiting: no delivery done yet. Partly delivered: some deliveries done, others open. '
             'Delivered: every delivery done. Late: an open delivery is past its scheduled date.')
    delivery_expected_date = fields.Datetime(
        'Expected Delivery', compute='_compute_delivery_tracking',
        help='The scheduled date of the earliest open delivery; without an open delivery, '
             'the commitment date.')
    delivery_commitment_date = fields.Datetime(
        'Commitment Date', compute='_compute_delivery_tracking',
        help='Order date plus the customer lead time of its products (the longest one when '
             'the order ships at once, the shortest one otherwise).')
    delivery_done_date = fields.Datetime(
        'Delivered on', compute='_compute_delivery_tracking',
        help='When the last delivery done left the warehouse.')
    delivery_carrier_name = fields.Char(
        'Carrier', compute='_compute_delivery_tracking',
        help='The carriers of the deliveries.')
    delivery_tracking_ref = fields.Char(
        'Tracking Reference', compute='_compute_delivery_tracking',
        help='The tracking references of the deliveries.')

    @api.multi
    def _compute_delivery_tracking(self):
        now = self.env.context.get('delivery_status_now') or fields.Datetime.now()
        rows = self._delivery_tracking_rows()
        commitments = self._delivery_commitment_dates()
        for order in self:
            values = self._delivery_tracking_values(rows.get(order.id, []), now)
            values['delivery_commitment_date'] = commitments.get(order.id, False)
            if not values['delivery_expected_date'] and values['delivery_status'] != 'delivered':
                values['delivery_expected_date'] = values['delivery_commitment_date']
            order.update(values)

    @api.multi
    def _delivery_tracking_rows(self):
        """{order id: [row, ...]}: the outgoing, not cancelled deliveries of
        the orders, in one query (a row is a dict of the picking's columns)."""
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids:
            return {}
        self.env.cr.execute("""
            SELECT p.id, p.sale_id, p.state, p.scheduled_date, p.date_done,
                   p.delivery_carrier_name, p.delivery_tracking_ref
              FROM stock_picking p
              JOIN stock_picking_type t ON t.id = p.picking_type_id
             WHERE p.sale_id IN %s AND t.code = 'outgoing' AND p.state != 'cancel'
          ORDER BY p.scheduled_date, p.id
        """, (tuple(ids),))
        res = {}
        for row in self.env.cr.dictfetchall():
            res.setdefault(row['sale_id'], []).append(row)
        return res

    @api.multi
    def _delivery_commitment_dates(self):
        """{order id: datetime string}: order date (confirmation date once
        confirmed) plus the customer lead time of its goods, in one query."""
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids:
            return {}
        self.env.cr.execute("""
            SELECT o.id, COALESCE(o.confirmation_date, o.date_order),
                   CASE WHEN o.picking_policy = 'one' THEN MAX(l.customer_lead)
                        ELSE MIN(l.customer_lead) END
              FROM sale_order o
              JOIN sale_order_line l ON l.order_id = o.id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE o.id IN %s AND pt.type IN ('product', 'consu')
          GROUP BY o.id
        """, (tuple(ids),))
        # Odoo's cursor returns timestamps as strings
        return {order_id: fields.Datetime.to_string(
                    fields.Datetime.from_string(start) + timedelta(days=lead or 0.0))
                for order_id, start, lead in self.env.cr.fetchall() if start}

    @api.model
    def _delivery_tracking_values(self, rows, now):
        """The tracking fields of one order from its delivery rows (no query)."""
        def text(value):
            # Odoo's cursor gives strings; a datetime if a caller passes one
            if value and not isinstance(value, str):
                return fields.Datetime.to_string(value)
            return value or False

        done = [r for r in rows if r['state'] == 'done']
        open_ = [r for r in rows if r['state'] != 'done']
        if not rows:
            status = 'nothing'
        elif not open_:
            status = 'delivered'
        elif any(r['scheduled_date'] and text(r['scheduled_date']) < now for r in open_):
            status = 'late'
        elif done:
            status = 'partial'
        else:
            status = 'waiting'
        scheduled = [r['scheduled_date'] for r in open_ if r['scheduled_date']]
        done_dates = [r['date_done'] for r in done if r['date_done']]

        def distinct(column):
            seen = []
            for row in rows:
                value = (row[column] or '').strip()
                if value and value not in seen:
                    seen.append(value)
            return ', '.join(seen) or False
        return {
            'delivery_status': status,
            'delivery_expected_date': text(min(scheduled)) if scheduled else False,
            'delivery_done_date': text(max(done_dates)) if done_dates else False,
            'delivery_carrier_name': distinct('delivery_carrier_name'),
            'delivery_tracking_ref': distinct('delivery_tracking_ref'),
        }

    @api.multi
    def _portal_deliveries(self):
        """The deliveries a customer sees on the order page: outgoing, not
        cancelled, earliest first. Call it on an order whose access was checked."""
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda p: p.picking_type_code == 'outgoing' and p.state != 'cancel'
        ).sorted(key=lambda p: (p.scheduled_date or '', p.id))
