from odoo import api, fields, models


class CrmLead(models.Model):
    """The sales pipeline every new lead goes through, whatever brought it
    in (the form, an e-mail alias, an import, the API).

    `_crm_sales_pipeline()` is the hook: de-duplication, assignment and
    scoring extend it (in their own files) and work on the whole recordset
    at once, so an import of 50,000 rows calls it once per batch.
    """
    _inherit = 'crm.lead'

    # what the lead is about: used by import, de-duplication, assignment, scoring
    industry_id = fields.Many2one('res.partner.industry', index=True)
    vat = fields.Char('Tax ID', help="The company's VAT or tax number, used to find duplicates.")
    product_interest_id = fields.Many2one(
        'product.template', 'Product Interest', index=True,
        help='The product the prospect asked about; assignment rules can route on it.')
    product_categ_id = fields.Many2one(
        'product.category', 'Product Category', index=True,
        help='The product category the prospect is interested in (set from the product '
             'when left empty).')

    @api.onchange('product_interest_id')
    def _onchange_product_interest_id(self):
        if self.product_interest_id and not self.product_categ_id:
            self.product_categ_id = self.product_interest_id.categ_id

    @api.model
    def create(self, vals):
        lead = super(CrmLead, self).create(vals)
        if not self.env.context.get('crm_sales_skip_pipeline'):
            lead._crm_sales_pipeline()
        return lead

    @api.multi
    def _crm_sales_pipeline(self):
        """Run the sales pipeline on new leads (set-based). Extensions call
        super() and then act on `self`."""
        return True
