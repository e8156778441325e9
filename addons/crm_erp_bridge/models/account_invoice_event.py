from odoo import api, fields, models


class AccountInvoice(models.Model):
    _name = 'account.invoice'
    _inherit = ['account.invoice', 'crm.erp.event.source']

    crm_erp_overdue_notified = fields.Boolean(
        'Overdue Reported', copy=False, readonly=True,
        help='Set when the invoice was reported overdue (once per invoice).')

    @api.multi
    def _crm_erp_event_partner(self):
        self.ensure_one()
        return self.commercial_partner_id

    @api.model
    def _crm_erp_detect_overdue(self, today=None):
        """Open customer invoices past their due date: report each once."""
        overdue = self.search([('type', '=', 'out_invoice'), ('state', '=', 'open'),
                               ('date_due', '<', today or fields.Date.context_today(self)),
                               ('crm_erp_overdue_notified', '=', False)])
        if overdue:
            overdue.write({'crm_erp_overdue_notified': True})
            self.env['crm.erp.event']._emit('invoice_overdue', overdue)
        return overdue
