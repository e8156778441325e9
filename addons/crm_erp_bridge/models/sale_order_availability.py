from odoo import api, fields, models


class SaleOrderLine(models.Model):
    """Live availability per warehouse and expected delivery on quotation
    lines (crm.erp.availability.mixin)."""
    _name = 'sale.order.line'
    _inherit = ['sale.order.line', 'crm.erp.availability.mixin']

    @api.multi
    def _crm_erp_stock_params(self):
        default_company = self.env.user.company_id
        today = fields.Date.from_string(fields.Date.context_today(self))
        dates = {}
        for order in self.mapped('order_id'):
            dates[order.id] = fields.Datetime.context_timestamp(
                self, fields.Datetime.from_string(order.date_order)).date() if order.date_order else today
        return {line.id: {
            'product': line.product_id, 'qty': line.product_uom_qty, 'uom': line.product_uom,
            'warehouse': line.order_id.warehouse_id,
            'company': line.order_id.company_id or default_company,
            'date': dates.get(line.order_id.id, today),
            'customer_lead': line.customer_lead,
        } for line in self}


class SaleOrder(models.Model):
    _inherit = 'sale.order'

    crm_erp_date_expected = fields.Date(
        'Expected Delivery', compute='_compute_crm_erp_date_expected',
        help="When the customer can expect the whole order: the latest expected date of its lines "
             "(quotation date + customer lead time + security lead time, plus the replenishment "
             "lead time for what the warehouse cannot deliver from stock).")
    crm_erp_availability_html = fields.Html(
        'Stock per Warehouse', compute='_compute_crm_erp_date_expected', sanitize=False,
        help="On hand and forecast quantity of each product in every warehouse of the company.")

    @api.depends('order_line.product_id', 'order_line.product_uom_qty', 'order_line.customer_lead',
                 'warehouse_id', 'date_order')
    def _compute_crm_erp_date_expected(self):
        lines = self.mapped('order_line')
        data = lines._crm_erp_availability_data()
        for order in self:
            mine = [(line, data[line.id]) for line in order.order_line if line.id in data]
            dates = [values['date_expected'] for _line, values in mine if values.get('date_expected')]
            order.crm_erp_date_expected = max(dates) if dates else False
            order.crm_erp_availability_html = self.env['crm.lead']._crm_erp_lines_table(mine)

    @api.model
    def default_get(self, fields_list):
        """Odoo's "New Quotation" button on an opportunity (sale_crm) opens
        a quotation with default_opportunity_id; with the context key
        crm_erp_with_lines (which our view adds to that button) it starts
        with the opportunity's product lines."""
        res = super(SaleOrder, self).default_get(fields_list)
        lead_id = self.env.context.get('default_opportunity_id')
        if lead_id and 'order_line' in fields_list and not res.get('order_line') \
                and self.env.context.get('crm_erp_with_lines'):
            lead = self.env['crm.lead'].browse(lead_id)
            if lead.crm_erp_line_ids:
                lead._crm_erp_check_quotation()
                company = lead.company_id or self.env.user.company_id
                fpos = lead.partner_id.property_account_position_id
                res['order_line'] = []
                for line in lead.crm_erp_line_ids:
                    values = line._crm_erp_prepare_order_line_values()
                    taxes = line.product_id.taxes_id.filtered(lambda t: t.company_id == company)
                    if fpos:
                        taxes = fpos.map_tax(taxes, line.product_id, lead.partner_id)
                    values['tax_id'] = [(6, 0, taxes.ids)]
                    res['order_line'].append((0, 0, values))
                if lead.crm_erp_warehouse_id and 'warehouse_id' in fields_list:
                    res['warehouse_id'] = lead.crm_erp_warehouse_id.id
        return res
