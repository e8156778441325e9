from odoo import api, fields, models


class CrmErpCreditExceptionWizard(models.TransientModel):
    """Grant a credit exception for a quotation (credit controllers)."""
    _name = 'crm.erp.credit.exception.wizard'
    _description = 'Grant Credit Exception'

    order_id = fields.Many2one('sale.order', 'Quotation', required=True, readonly=True)
    partner_id = fields.Many2one(related='order_id.partner_id.commercial_partner_id', readonly=True,
                                 string='Customer')
    credit_warning = fields.Text(related='order_id.crm_erp_credit_warning', readonly=True,
                                 string='Credit Check')
    currency_id = fields.Many2one('res.currency', default=lambda self: self.env.user.company_id.currency_id,
                                  readonly=True)
    reason = fields.Text(required=True, help='Why this order may be confirmed anyway (kept in the log).')
    amount_cap = fields.Monetary(help='Optional: the exception covers the order only '
                                      'while its total stays under this amount.')
    date_valid = fields.Date('Valid Until', help='Optional: last day the order can be confirmed with it.')

    @api.multi
    def action_grant(self):
        self.ensure_one()
        self.env['crm.erp.credit.exception']._crm_erp_grant(
            self.order_id, self.reason, amount_cap=self.amount_cap, date_valid=self.date_valid)
        return {'type': 'ir.actions.act_window_close'}
