from odoo import api, models


class CrmLead(models.Model):
    """The sales pipeline every new lead goes through, whatever brought it
    in (the form, an e-mail alias, an import, the API).

    `_crm_sales_pipeline()` is the hook: de-duplication, assignment and
    scoring extend it (in their own files) and work on the whole recordset
    at once, so an import of 50,000 rows calls it once per batch.
    """
    _inherit = 'crm.lead'

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
