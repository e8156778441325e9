from odoo import _, api, fields, models
from odoo.tools.misc import formatLang


class AccountInvoice(models.Model):
    """Overdue follow-up for the credit controller: one activity per overdue
    invoice (on the invoice itself, so marking it done logs on the invoice
    and the controller sees each debt with its amount), never a second one
    while the first is open."""
    _inherit = 'account.invoice'

    @api.model
    def _crm_erp_credit_followup(self, today=None):
        """Scheduled: a follow-up activity for each open customer invoice past
        its due date that has none open yet. Set-based: one search of the
        invoices, one of the existing activities. Returns the new activities."""
        today = today or fields.Date.context_today(self)
        Activity = self.env['mail.activity'].sudo()
        users = self.env['sale.order']._crm_erp_credit_controllers()
        if not users:
            return Activity
        user = users[0]
        overdue = self.sudo().search([('type', '=', 'out_invoice'), ('state', '=', 'open'),
                                      ('date_due', '<', today),
                                      ('company_id', 'in', user.company_ids.ids)])
        if not overdue:
            return Activity
        activity_type = self.env.ref('crm_erp_bridge.mail_activity_type_credit_followup')
        existing = Activity.search([('res_model', '=', 'account.invoice'), ('res_id', 'in', overdue.ids),
                                    ('activity_type_id', '=', activity_type.id)])
        done = set(existing.mapped('res_id'))
        model = self.env['ir.model']._get('account.invoice')
        today_date = fields.Date.from_string(today)
        created = Activity
        for invoice in overdue.filtered(lambda i: i.id not in done):
            days = (today_date - fields.Date.from_string(invoice.date_due)).days
            created |= Activity.create({
                'res_model_id': model.id, 'res_id': invoice.id, 'user_id': user.id,
                'activity_type_id': activity_type.id, 'date_deadline': today,
                'summary': _('%(number)s overdue %(days)s days: %(amount)s due by %(customer)s') % {
                    'number': invoice.number, 'days': days,
                    'amount': formatLang(self.env, invoice.residual, currency_obj=invoice.currency_id),
                    'customer': invoice.commercial_partner_id.name},
            })
        return created
