from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, html_escape


class CrmLead(models.Model):
    """Opportunity to order: product lines, their live availability and
    expected delivery, and a quotation made from them."""
    _inherit = 'crm.lead'

    @api.model
    def _default_crm_erp_warehouse_id(self):
        return self.env['sale.order']._default_warehouse_id()

    # Product lines
    crm_erp_line_ids = fields.One2many(
        'crm.erp.lead.line', 'lead_id', 'Products', copy=True,
        help="The products the customer is interested in. When there are lines, the expected "
             "revenue is their total; \"Quotation from Products\" turns them into a quotation.")
    crm_erp_line_count = fields.Integer('Product Lines', compute='_compute_crm_erp_line_count')
    crm_erp_pricelist_id = fields.Many2one(
        'product.pricelist', 'Pricelist', compute='_compute_crm_erp_pricelist_id',
        help="The customer's pricelist, which prices the product lines and the quotation.")
    crm_erp_currency_id = fields.Many2one('res.currency', 'Lines Currency',
                                          compute='_compute_crm_erp_pricelist_id')
    crm_erp_amount_total = fields.Monetary(
        'Products Total', compute='_compute_crm_erp_amount_total', currency_field='crm_erp_currency_id',
        help='Total of the product lines, without taxes, in the pricelist currency.')
    # Delivery
    crm_erp_warehouse_id = fields.Many2one(
        'stock.warehouse', 'Warehouse', default=_default_crm_erp_warehouse_id,
        help="The warehouse expected to deliver: product availability and expected dates are "
             "given from it, and the quotation takes it.")
    crm_erp_date_expected = fields.Date(
        'Expected Delivery', compute='_compute_crm_erp_availability',
        help="The latest expected delivery date of the product lines.")
    crm_erp_availability = fields.Selection(
        [('available', 'Available'), ('partial', 'Partly available'), ('unavailable', 'Not available')],
        'Products Availability', compute='_compute_crm_erp_availability',
        help="Available when every line can be delivered from stock, Not available when none can.")
    crm_erp_availability_html = fields.Html(
        'Stock per Warehouse', compute='_compute_crm_erp_availability', sanitize=False,
        help="On hand and forecast quantity of each product in every warehouse of the company.")

    @api.depends('crm_erp_line_ids')
    def _compute_crm_erp_line_count(self):
        for lead in self:
            lead.crm_erp_line_count = len(lead.crm_erp_line_ids)

    @api.depends('partner_id', 'company_id')
    def _compute_crm_erp_pricelist_id(self):
        for lead in self:
            pricelist = lead.partner_id.property_product_pricelist
            lead.crm_erp_pricelist_id = pricelist
            lead.crm_erp_currency_id = pricelist.currency_id or lead.company_currency \
                or self.env.user.company_id.currency_id

    @api.depends('crm_erp_line_ids.price_subtotal')
    def _compute_crm_erp_amount_total(self):
        for lead in self:
            lead.crm_erp_amount_total = sum(lead.crm_erp_line_ids.mapped('price_subtotal'))

    @api.depends('crm_erp_line_ids', 'crm_erp_warehouse_id')
    def _compute_crm_erp_availability(self):
        lines = self.mapped('crm_erp_line_ids')
        data = lines._crm_erp_availability_data()
        for lead in self:
            mine = [(line, data.get(line.id, {})) for line in lead.crm_erp_line_ids]
            dates = [values['date_expected'] for _line, values in mine if values.get('date_expected')]
            lead.crm_erp_date_expected = max(dates) if dates else False
            states = {values.get('availability') for _line, values in mine} - {'no_stock', None}
            if not states:
                lead.crm_erp_availability = 'available' if mine else False
            elif states == {'available'}:
                lead.crm_erp_availability = 'available'
            elif states == {'unavailable'}:
                lead.crm_erp_availability = 'unavailable'
            else:
                lead.crm_erp_availability = 'partial'
            lead.crm_erp_availability_html = self._crm_erp_lines_table(mine)

    @api.model
    def _crm_erp_lines_table(self, lines_values):
        parts = []
        for line, values in lines_values:
            if values.get('html'):
                labels = dict(line._fields['crm_erp_availability']._description_selection(self.env))
                title = '<strong>%s</strong> (%s)' % (html_escape(line.product_id.display_name),
                                                      html_escape(labels.get(values['availability'], '')))
                parts.append('<div class="o_crm_erp_availability_product">%s%s</div>'
                             % (title, values['html']))
        return ''.join(parts) or False

    @api.onchange('crm_erp_line_ids')
    def _onchange_crm_erp_line_ids(self):
        """Show the new expected revenue while editing the lines."""
        if self.crm_erp_line_ids:
            self.planned_revenue = self._crm_erp_lines_revenue()

    # ------------------------------------------------------------------
    # Merge: the product lines of the merged opportunities are kept
    # ------------------------------------------------------------------
    @api.multi
    def merge_dependences(self, opportunities):
        res = super(CrmLead, self).merge_dependences(opportunities)
        lines = opportunities.mapped('crm_erp_line_ids')
        if lines:
            # the tail is unlinked as superuser by Odoo's merge; move its lines first
            lines.sudo().write({'lead_id': self.id})
        return res

    @api.multi
    def merge_opportunity(self, user_id=False, team_id=False):
        head = super(CrmLead, self).merge_opportunity(user_id=user_id, team_id=team_id)
        head._crm_erp_sync_revenue()
        return head

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.multi
    def _crm_erp_lines_revenue(self):
        """The lines' total in the company currency."""
        self.ensure_one()
        total = sum(self.crm_erp_line_ids.mapped('price_subtotal'))
        currency = self.crm_erp_currency_id
        company_currency = self.company_currency or self.env.user.company_id.currency_id
        if currency and company_currency and currency != company_currency:
            total = currency.compute(total, company_currency)
        return total

    @api.multi
    def _crm_erp_sync_revenue(self):
        """The expected revenue follows the product lines when there are some."""
        for lead in self.filtered('crm_erp_line_ids'):
            revenue = lead._crm_erp_lines_revenue()
            if float_compare(revenue, lead.planned_revenue or 0.0, precision_digits=2):
                lead.planned_revenue = revenue

    @api.multi
    def _crm_erp_check_quotation(self):
        """Refuse, in words the rep understands, what would make a wrong quotation."""
        for lead in self:
            if not lead.partner_id:
                raise UserError(_('Opportunity "%s" has no customer: set the customer before making a '
                                  'quotation.') % lead.name)
            if not lead.crm_erp_line_ids:
                raise UserError(_('Opportunity "%s" has no product lines: add the products on the '
                                  'Products tab first.') % lead.name)
            unsaleable = lead.crm_erp_line_ids.mapped('product_id').filtered(lambda p: not p.sale_ok)
            if unsaleable:
                raise UserError(_('These products can no longer be sold: %(products)s. Remove them from '
                                  'opportunity "%(lead)s" or replace them.') % {
                                      'products': ', '.join(unsaleable.mapped('display_name')),
                                      'lead': lead.name})

    @api.multi
    def _crm_erp_prepare_order_values(self):
        """The values of the quotation made from the opportunity."""
        self.ensure_one()
        SaleOrder = self.env['sale.order']
        order = SaleOrder.new({'partner_id': self.partner_id.id})
        order.onchange_partner_id()
        order.onchange_partner_shipping_id()
        values = {name: order._fields[name].convert_to_write(order[name], order)
                  for name in ('partner_invoice_id', 'partner_shipping_id', 'payment_term_id',
                               'fiscal_position_id', 'note')}
        values.update({
            'partner_id': self.partner_id.id,
            'opportunity_id': self.id,
            'team_id': self.team_id.id or order.team_id.id,
            'user_id': self.user_id.id or self.env.uid,
            'pricelist_id': self.crm_erp_pricelist_id.id or order.pricelist_id.id,
            'origin': self.name,
            'campaign_id': self.campaign_id.id,
            'medium_id': self.medium_id.id,
            'source_id': self.source_id.id,
            'tag_ids': [(6, 0, self.tag_ids.ids)],
            'order_line': [(0, 0, line._crm_erp_prepare_order_line_values())
                           for line in self.crm_erp_line_ids],
        })
        if self.company_id:
            values['company_id'] = self.company_id.id
        if self.crm_erp_warehouse_id:
            values['warehouse_id'] = self.crm_erp_warehouse_id.id
        return values

    @api.multi
    def action_crm_erp_quotation(self):
        """Make a quotation holding the product lines and open it."""
        self.ensure_one()
        self._crm_erp_check_quotation()
        with self.env.cr.savepoint():
            order = self.env['sale.order'].create(self._crm_erp_prepare_order_values())
        return {
            'type': 'ir.actions.act_window', 'res_model': 'sale.order', 'res_id': order.id,
            'views': [(False, 'form')], 'target': 'current', 'name': _('Quotation'),
        }
