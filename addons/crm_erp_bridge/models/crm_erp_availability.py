"""Live stock availability and expected delivery date of a sales line.

Shared by the opportunity's product lines (crm.erp.lead.line) and the
quotation lines (sale.order.line). Everything is computed set-based: one
call to Odoo's own product quantities (``_compute_quantities_dict`` with the
``warehouse`` context key) per warehouse, for all the products of all the
lines being computed, never one per line.
"""
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.tools import float_compare, float_is_zero, html_escape

AVAILABILITY = [
    ('available', 'Available'),
    ('partial', 'Partly available'),
    ('unavailable', 'Not available'),
    ('no_stock', 'No stock needed'),
]


class CrmErpAvailabilityMixin(models.AbstractModel):
    _name = 'crm.erp.availability.mixin'
    _description = 'Stock availability and expected delivery of a sales line'

    # Quantities, in the line's unit of measure
    crm_erp_qty_on_hand = fields.Float(
        'On Hand (all)', compute='_compute_crm_erp_availability',
        digits=dp.get_precision('Product Unit of Measure'),
        help="Quantity on hand in all the warehouses of the company, in the line's unit of measure.")
    crm_erp_qty_forecast = fields.Float(
        'Forecast (all)', compute='_compute_crm_erp_availability',
        digits=dp.get_precision('Product Unit of Measure'),
        help="Forecast quantity (on hand - reserved and planned deliveries + planned receipts) "
             "in all the warehouses of the company, in the line's unit of measure.")
    crm_erp_wh_qty_on_hand = fields.Float(
        'On Hand', compute='_compute_crm_erp_availability',
        digits=dp.get_precision('Product Unit of Measure'),
        help="Quantity on hand in the warehouse that will deliver, in the line's unit of measure.")
    crm_erp_wh_qty_forecast = fields.Float(
        'Forecast', compute='_compute_crm_erp_availability',
        digits=dp.get_precision('Product Unit of Measure'),
        help="Forecast quantity in the warehouse that will deliver, in the line's unit of measure.")
    crm_erp_availability = fields.Selection(
        AVAILABILITY, 'Availability', compute='_compute_crm_erp_availability',
        help="From the warehouse that will deliver: Available when the quantity can be taken "
             "from stock (the smaller of on hand and forecast covers it), Partly available when "
             "only some of it can, Not available when none. Services and consumables need no stock.")
    crm_erp_availability_html = fields.Html(
        'Stock per Warehouse', compute='_compute_crm_erp_availability', sanitize=False,
        help="On hand and forecast quantity in every warehouse of the company.")
    crm_erp_date_expected = fields.Date(
        'Expected Delivery', compute='_compute_crm_erp_availability',
        help="Start date + customer lead time + the company's security lead time; when the "
             "warehouse cannot deliver the full quantity from stock, plus the product's "
             "replenishment lead time (vendor delay, or manufacturing lead time).")

    # ------------------------------------------------------------------
    # What each line model tells (to be implemented by the concrete model)
    # ------------------------------------------------------------------
    @api.multi
    def _crm_erp_stock_params(self):
        """{line.id: {'product', 'qty', 'uom', 'warehouse', 'company',
        'date' (a date), 'customer_lead' (days)}} for the lines in self."""
        raise NotImplementedError()

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------
    @api.multi
    def _compute_crm_erp_availability(self):
        data = self._crm_erp_availability_data()
        for line in self:
            values = data.get(line.id) or {}
            line.crm_erp_qty_on_hand = values.get('qty_on_hand', 0.0)
            line.crm_erp_qty_forecast = values.get('qty_forecast', 0.0)
            line.crm_erp_wh_qty_on_hand = values.get('wh_qty_on_hand', 0.0)
            line.crm_erp_wh_qty_forecast = values.get('wh_qty_forecast', 0.0)
            line.crm_erp_availability = values.get('availability', False)
            line.crm_erp_availability_html = values.get('html', False)
            line.crm_erp_date_expected = values.get('date_expected', False)

    @api.model
    def _crm_erp_warehouses(self, companies):
        """The warehouses shown for these companies, in a stable order."""
        return self.env['stock.warehouse'].search([('company_id', 'in', companies.ids)], order='id')

    @api.model
    def _crm_erp_stock_quantities(self, warehouses, products):
        """{(warehouse.id, product.id): (on hand, forecast)} in the product's
        unit: one call to Odoo's product quantities per warehouse."""
        result = {}
        if not products:
            return result
        for warehouse in warehouses:
            quantities = products.with_context(warehouse=warehouse.id, location=False) \
                ._compute_quantities_dict(None, None, None)
            for product_id, qty in quantities.items():
                result[(warehouse.id, product_id)] = (qty['qty_available'], qty['virtual_available'])
        return result

    @api.model
    def _crm_erp_replenishment_delay(self, product, company):
        """Days to get more of the product: the first vendor's delay for the
        company, else the manufacturing lead time when mrp is installed."""
        sellers = product.seller_ids.filtered(
            lambda s: (not s.company_id or s.company_id == company)
            and (not s.product_id or s.product_id == product))
        if sellers:
            return sellers[0].delay
        if 'produce_delay' in product._fields:
            return product.produce_delay
        return 0.0

    @api.multi
    def _crm_erp_availability_data(self):
        """{line.id: values} for all the lines in self, set-based."""
        params = {line_id: p for line_id, p in self._crm_erp_stock_params().items() if p['product']}
        if not params:
            return {}
        companies = self.env['res.company'].browse({p['company'].id for p in params.values()})
        warehouses = self._crm_erp_warehouses(companies)
        stocked = self.env['product.product'].browse(
            {p['product'].id for p in params.values() if p['product'].type == 'product'})
        quantities = self._crm_erp_stock_quantities(warehouses, stocked)
        data = {}
        for line_id, p in params.items():
            product, uom, company = p['product'], p['uom'] or p['product'].uom_id, p['company']
            rows, on_hand, forecast = [], 0.0, 0.0
            wh_on_hand = wh_forecast = 0.0
            stock_needed = product.type == 'product'
            for warehouse in warehouses.filtered(lambda w: w.company_id == company):
                qty_on_hand, qty_forecast = quantities.get((warehouse.id, product.id), (0.0, 0.0))
                qty_on_hand = product.uom_id._compute_quantity(qty_on_hand, uom, round=False)
                qty_forecast = product.uom_id._compute_quantity(qty_forecast, uom, round=False)
                rows.append((warehouse, qty_on_hand, qty_forecast))
                on_hand += qty_on_hand
                forecast += qty_forecast
                if warehouse == p['warehouse']:
                    wh_on_hand, wh_forecast = qty_on_hand, qty_forecast
            if not stock_needed:
                availability = 'no_stock'
            else:
                free = max(min(wh_on_hand, wh_forecast), 0.0)
                rounding = uom.rounding
                if float_compare(free, p['qty'], precision_rounding=rounding) >= 0:
                    availability = 'available'
                elif float_is_zero(free, precision_rounding=rounding):
                    availability = 'unavailable'
                else:
                    availability = 'partial'
            days = (p['customer_lead'] or 0.0) + (company.security_lead or 0.0)
            if availability in ('partial', 'unavailable'):
                days += self._crm_erp_replenishment_delay(product, company) or 0.0
            date_expected = p['date'] + timedelta(days=days) if p['date'] else False
            data[line_id] = {
                'qty_on_hand': on_hand, 'qty_forecast': forecast,
                'wh_qty_on_hand': wh_on_hand, 'wh_qty_forecast': wh_forecast,
                'availability': availability,
                'html': stock_needed and self._crm_erp_availability_table(rows, p['warehouse'], uom),
                'date_expected': date_expected and fields.Date.to_string(date_expected),
            }
        return data

    @api.model
    def _crm_erp_availability_table(self, rows, chosen, uom):
        """A small HTML table: one row per warehouse (the delivering one in
        bold) and the total."""
        digits = self.env['decimal.precision'].precision_get('Product Unit of Measure')
        fmt = '%%.%df' % digits
        body = []
        for warehouse, on_hand, forecast in rows:
            style = ' style="font-weight: bold;"' if warehouse == chosen else ''
            body.append('<tr%s><td>%s</td><td class="text-right">%s</td>'
                        '<td class="text-right">%s</td></tr>' % (
                            style, html_escape(warehouse.name), fmt % on_hand, fmt % forecast))
        body.append('<tr style="border-top: 1px solid #ccc;"><td>%s</td><td class="text-right">%s</td>'
                    '<td class="text-right">%s</td></tr>' % (
                        html_escape(_('Total')), fmt % sum(r[1] for r in rows),
                        fmt % sum(r[2] for r in rows)))
        return ('<table class="table table-condensed o_crm_erp_availability"><thead><tr><th>%s</th>'
                '<th class="text-right">%s</th><th class="text-right">%s</th></tr></thead><tbody>%s</tbody>'
                '</table>') % (html_escape(_('Warehouse')),
                               html_escape(_('On Hand (%s)') % uom.name),
                               html_escape(_('Forecast (%s)') % uom.name), ''.join(body))
