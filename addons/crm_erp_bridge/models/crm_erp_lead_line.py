from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import ValidationError


class CrmErpLeadLine(models.Model):
    """A product the customer is interested in, on an opportunity: what the
    quotation will hold, priced from the customer's pricelist."""
    _name = 'crm.erp.lead.line'
    _inherit = ['crm.erp.availability.mixin']
    _description = 'Opportunity Product Line'
    _order = 'lead_id, sequence, id'

    # Where
    lead_id = fields.Many2one('crm.lead', 'Opportunity', required=True, ondelete='cascade', index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related='lead_id.company_id', store=True, readonly=True, index=True)
    partner_id = fields.Many2one(related='lead_id.partner_id', readonly=True)
    user_id = fields.Many2one(related='lead_id.user_id', string='Salesperson', store=True, readonly=True)
    team_id = fields.Many2one(related='lead_id.team_id', string='Sales Team', store=True, readonly=True)
    warehouse_id = fields.Many2one(related='lead_id.crm_erp_warehouse_id', readonly=True)
    # What
    product_id = fields.Many2one('product.product', 'Product', required=True, ondelete='restrict',
                                 domain=[('sale_ok', '=', True)])
    name = fields.Text('Description', required=True)
    product_uom_qty = fields.Float('Quantity', required=True, default=1.0,
                                   digits=dp.get_precision('Product Unit of Measure'))
    product_uom_id = fields.Many2one('product.uom', 'Unit of Measure', required=True)
    customer_lead = fields.Float(
        'Delivery Lead Time', default=0.0,
        help="Days between the order confirmation and the shipping of the product to the "
             "customer (the product's customer lead time); copied to the quotation line.")
    # Price
    pricelist_id = fields.Many2one(related='lead_id.crm_erp_pricelist_id', readonly=True)
    currency_id = fields.Many2one(related='lead_id.crm_erp_currency_id', readonly=True)
    price_unit = fields.Float('Unit Price', digits=dp.get_precision('Product Price'),
                              help="From the customer's pricelist when the product, quantity or "
                                   "unit changes; you may change it.")
    discount = fields.Float('Discount (%)', digits=dp.get_precision('Discount'), default=0.0)
    price_subtotal = fields.Monetary('Subtotal', compute='_compute_price_subtotal', store=True,
                                     help='Quantity x unit price, less the discount, without taxes.')

    @api.depends('product_uom_qty', 'price_unit', 'discount')
    def _compute_price_subtotal(self):
        for line in self:
            discount = 1 - (line.discount or 0.0) / 100.0
            line.price_subtotal = line.product_uom_qty * line.price_unit * discount

    # ------------------------------------------------------------------
    # Availability (crm.erp.availability.mixin)
    # ------------------------------------------------------------------
    @api.model
    def _crm_erp_today(self):
        """Start date of the expected delivery: today, or the date given in
        the context key ``crm_erp_today`` (tests, what-if)."""
        today = self.env.context.get('crm_erp_today') or fields.Date.context_today(self)
        return fields.Date.from_string(today)

    @api.multi
    def _crm_erp_stock_params(self):
        today = self._crm_erp_today()
        default_company = self.env.user.company_id
        return {line.id: {
            'product': line.product_id, 'qty': line.product_uom_qty, 'uom': line.product_uom_id,
            'warehouse': line.lead_id.crm_erp_warehouse_id,
            'company': line.company_id or line.lead_id.company_id or default_company,
            'date': today, 'customer_lead': line.customer_lead,
        } for line in self}

    # ------------------------------------------------------------------
    # Constraints and onchanges
    # ------------------------------------------------------------------
    @api.constrains('product_uom_qty')
    def _check_product_uom_qty(self):
        if any(line.product_uom_qty <= 0 for line in self):
            raise ValidationError(_('The quantity of a product line must be greater than zero.'))

    @api.constrains('discount')
    def _check_discount(self):
        if any(line.discount < 0 or line.discount > 100 for line in self):
            raise ValidationError(_('A discount is a percentage between 0 and 100.'))

    @api.constrains('product_id', 'product_uom_id')
    def _check_product_uom_id(self):
        for line in self:
            if line.product_uom_id.category_id != line.product_id.uom_id.category_id:
                raise ValidationError(
                    _('The unit of measure %(uom)s cannot be used for %(product)s: choose a unit of the '
                      'category %(category)s.') % {
                          'uom': line.product_uom_id.name, 'product': line.product_id.display_name,
                          'category': line.product_id.uom_id.category_id.name})

    @api.onchange('product_id')
    def _onchange_product_id(self):
        if not self.product_id:
            return {'domain': {'product_uom_id': []}}
        self.update(self._crm_erp_product_values(self.product_id))
        self._onchange_price()
        return {'domain': {'product_uom_id': [('category_id', '=', self.product_id.uom_id.category_id.id)]}}

    @api.onchange('product_uom_qty', 'product_uom_id')
    def _onchange_price(self):
        if self.product_id and self.product_uom_id:
            self.price_unit = self._crm_erp_price(self.product_id, self.product_uom_qty, self.product_uom_id,
                                                  self.lead_id)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        if vals.get('product_id'):
            product = self.env['product.product'].browse(vals['product_id'])
            for key, value in self._crm_erp_product_values(product).items():
                vals.setdefault(key, value)
            if 'price_unit' not in vals:
                lead = self.env['crm.lead'].browse(vals.get('lead_id'))
                vals['price_unit'] = self._crm_erp_price(
                    product, vals.get('product_uom_qty', 1.0),
                    self.env['product.uom'].browse(vals['product_uom_id']), lead)
        line = super(CrmErpLeadLine, self).create(vals)
        line.lead_id._crm_erp_sync_revenue()
        return line

    @api.multi
    def write(self, vals):
        leads = self.mapped('lead_id')
        res = super(CrmErpLeadLine, self).write(vals)
        (leads | self.mapped('lead_id'))._crm_erp_sync_revenue()
        return res

    @api.multi
    def unlink(self):
        leads = self.mapped('lead_id')
        res = super(CrmErpLeadLine, self).unlink()
        leads.exists()._crm_erp_sync_revenue()
        return res

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _crm_erp_product_values(self, product):
        """Description, unit and lead time a new line takes from its product."""
        name = product.display_name
        if product.description_sale:
            name += '\n' + product.description_sale
        return {'name': name, 'product_uom_id': product.uom_id.id, 'customer_lead': product.sale_delay}

    @api.model
    def _crm_erp_price(self, product, qty, uom, lead):
        """Unit price from the customer's pricelist, in the line's unit."""
        pricelist = lead.crm_erp_pricelist_id
        if pricelist:
            return pricelist.get_product_price(product, qty or 1.0, lead.partner_id,
                                               date=fields.Date.context_today(self), uom_id=uom.id)
        return product.uom_id._compute_price(product.lst_price, uom)

    @api.multi
    def _crm_erp_prepare_order_line_values(self):
        """The values of the quotation line made from this line."""
        self.ensure_one()
        return {
            'sequence': self.sequence, 'product_id': self.product_id.id, 'name': self.name,
            'product_uom_qty': self.product_uom_qty, 'product_uom': self.product_uom_id.id,
            'price_unit': self.price_unit, 'discount': self.discount,
            'customer_lead': self.customer_lead,
        }
