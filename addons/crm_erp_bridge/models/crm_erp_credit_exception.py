from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .crm_erp_credit_demo import build_credit_demo


class CrmErpCreditException(models.Model):
    """A credit controller lets one order through the credit check: who, when,
    why, and the customer's figures at that moment. The next confirmation of
    the order uses it (state Used, with the date and the user)."""
    _name = 'crm.erp.credit.exception'
    _description = 'Credit Exception'
    _inherit = ['mail.thread']
    _order = 'date_granted desc, id desc'

    # what and for whom
    name = fields.Char(compute='_compute_name', store=True)
    order_id = fields.Many2one('sale.order', 'Order', required=True, readonly=True, index=True,
                               ondelete='cascade')
    partner_id = fields.Many2one('res.partner', 'Customer', required=True, readonly=True, index=True,
                                 help='Commercial entity of the order\'s customer.')
    salesperson_id = fields.Many2one('res.users', 'Salesperson', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True, required=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related='company_id.currency_id', readonly=True)
    # the decision
    reason = fields.Text(required=True, readonly=True)
    user_id = fields.Many2one('res.users', 'Granted By', required=True, readonly=True,
                              default=lambda self: self.env.user)
    date_granted = fields.Datetime('Granted On', required=True, readonly=True, default=fields.Datetime.now)
    amount_cap = fields.Monetary(readonly=True,
                                 help='The exception covers the order only up to this total '
                                      '(company currency); empty: any amount.')
    date_valid = fields.Date('Valid Until', readonly=True,
                             help='Last day the order can be confirmed with this exception.')
    state = fields.Selection([('granted', 'Granted'), ('used', 'Used'), ('cancel', 'Cancelled')],
                             'Status', default='granted', required=True, readonly=True,
                             track_visibility='onchange')
    # the customer's figures when granted (company currency)
    credit_limit = fields.Monetary('Credit Limit at Grant', readonly=True)
    exposure = fields.Monetary('Exposure at Grant', readonly=True)
    order_amount = fields.Monetary(readonly=True)
    overdue_days = fields.Integer('Days Overdue at Grant', readonly=True)
    refusal = fields.Text('Refusal at Grant', readonly=True,
                          help='What the credit check said when the exception was granted.')
    # use
    date_used = fields.Datetime('Used On', readonly=True)
    used_by_id = fields.Many2one('res.users', 'Used By', readonly=True)

    @api.depends('order_id.name', 'partner_id.name')
    def _compute_name(self):
        for exc in self:
            exc.name = '%s - %s' % (exc.order_id.name or '', exc.partner_id.name or '')

    @api.model
    def create(self, vals):
        self._crm_erp_check_controller()
        return super(CrmErpCreditException, self).create(vals)

    @api.multi
    def action_cancel(self):
        self._crm_erp_check_controller()
        self.filtered(lambda e: e.state == 'granted').write({'state': 'cancel'})
        return True

    @api.model
    def _crm_erp_check_controller(self):
        if not self.env.user.has_group('crm_erp_bridge.group_credit_controller'):
            raise AccessError(_('Only a credit controller can grant or cancel a credit exception.'))

    @api.model
    def _crm_erp_grant(self, order, reason, amount_cap=0.0, date_valid=False):
        """Grant an exception for `order` as the current user (a credit
        controller), log it on the order and the customer; the figures of
        the moment are kept on the exception."""
        self._crm_erp_check_controller()
        if not (reason or '').strip():
            raise UserError(_('Give the reason for the credit exception.'))
        if amount_cap < 0:
            raise UserError(_('The amount cap cannot be negative.'))
        if order.state not in ('draft', 'sent'):
            raise UserError(_('Order %s is no longer a quotation: no exception is needed.') % order.name)
        partner = order.partner_id.commercial_partner_id
        fig = partner.sudo()._crm_erp_credit_figures()[partner.id]
        exc = self.create({
            'order_id': order.id, 'partner_id': partner.id, 'salesperson_id': order.user_id.id,
            'company_id': order.company_id.id or self.env.user.company_id.id,
            'reason': reason.strip(), 'amount_cap': amount_cap, 'date_valid': date_valid,
            'credit_limit': fig['limit'], 'exposure': fig['exposure'],
            'order_amount': order._crm_erp_credit_amount()[order.id],
            'overdue_days': fig['overdue_days'],
            'refusal': order._crm_erp_credit_refusals().get(order.id, False),
        })
        body = _('Credit exception granted by %(user)s for %(order)s: %(reason)s') % {
            'user': self.env.user.name, 'order': order.name, 'reason': exc.reason}
        order.sudo().message_post(body=body)
        partner.sudo().message_post(body=body)
        return exc

    @api.multi
    def _crm_erp_mark_used(self, user, message=False):
        """Called by the confirmation of the order by `user`."""
        now = fields.Datetime.now()
        for exc in self.sudo():
            exc.write({'state': 'used', 'date_used': now, 'used_by_id': user.id})
            exc.message_post(body=_('Used to confirm %(order)s by %(user)s.%(msg)s') % {
                'order': exc.order_id.name, 'user': user.name,
                'msg': ('\n' + message) if message else ''})
        return True

    @api.model
    def _crm_erp_credit_demo(self):
        """Demo story: see demo/crm_erp_credit_demo.xml."""
        return build_credit_demo(self.env)
