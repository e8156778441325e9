from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang


class SaleOrder(models.Model):
    """Credit check at confirmation: refused before anything is written when
    the customer would go past their credit limit, or has an invoice overdue
    more than the configured days, unless a credit controller granted an
    exception for the order. Nobody is exempt by role."""
    _inherit = 'sale.order'

    crm_erp_credit_warning = fields.Text(
        'Credit Warning', compute='_compute_crm_erp_credit_warning',
        help='Why confirming this quotation would be refused by the credit check.')
    crm_erp_credit_exception_ids = fields.One2many(
        'crm.erp.credit.exception', 'order_id', 'Credit Exceptions', readonly=True)
    crm_erp_credit_exception_count = fields.Integer(
        'Credit Exceptions', compute='_compute_crm_erp_credit_exception_count')

    @api.multi
    def _compute_crm_erp_credit_warning(self):
        quotations = self.filtered(lambda o: o.state in ('draft', 'sent') and o.id)
        refusals = quotations._crm_erp_credit_refusals(cumulate=False) if quotations else {}
        for order in self:
            order.crm_erp_credit_warning = refusals.get(order.id, False)

    @api.multi
    def _compute_crm_erp_credit_exception_count(self):
        CreditException = self.env['crm.erp.credit.exception']
        if not CreditException.check_access_rights('read', raise_exception=False):
            for rec in self:
                rec.crm_erp_credit_exception_count = 0
            return
        groups = CreditException.read_group(
            [('order_id', 'in', self.ids)], ['order_id'], ['order_id'])
        counts = {g['order_id'][0]: g['order_id_count'] for g in groups}
        for order in self:
            order.crm_erp_credit_exception_count = counts.get(order.id, 0)

    @api.multi
    def action_confirm(self):
        todo = self.filtered(lambda o: o.state in ('draft', 'sent'))
        if todo:
            failures = todo._crm_erp_credit_check()
            refused = [msg for msg, exc in failures.values() if not exc]
            if refused:
                raise UserError('\n\n'.join(refused))
            for message, exc in failures.values():
                exc._crm_erp_mark_used(self.env.user, message)
        return super(SaleOrder, self).action_confirm()

    @api.multi
    def action_request_credit_exception(self):
        """A rep asks the credit controllers for an exception: an activity on
        the order with the refusal reason."""
        self.ensure_one()
        reason = self._crm_erp_credit_refusals().get(self.id)
        if not reason:
            raise UserError(_('Order %s passes the credit check: no exception is needed.') % self.name)
        users = self._crm_erp_credit_controllers()
        if not users:
            raise UserError(_('No credit controller is set up: ask your administrator to name one in '
                              'Invoicing > Configuration > Settings > Credit Control.'))
        activity_type = self.env.ref('crm_erp_bridge.mail_activity_type_credit_exception')
        model = self.env['ir.model']._get('sale.order')
        Activity = self.env['mail.activity'].sudo()
        for user in users:
            Activity.create({
                'res_model_id': model.id, 'res_id': self.id, 'user_id': user.id,
                'activity_type_id': activity_type.id,
                'summary': _('Credit exception requested by %s') % self.env.user.name,
                'note': '<p>%s</p>' % reason.replace('\n', '<br/>'),
            })
        self.message_post(body=_('Credit exception requested from %s.') % ', '.join(users.mapped('name')))
        return True

    @api.multi
    def action_grant_credit_exception(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'name': _('Grant Credit Exception'),
            'res_model': 'crm.erp.credit.exception.wizard',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_order_id': self.id},
        }

    @api.multi
    def action_view_crm_erp_credit_exceptions(self):
        self.ensure_one()
        action = self.env.ref('crm_erp_bridge.crm_erp_credit_exception_action').read()[0]
        action['domain'] = [('order_id', '=', self.id)]
        action['context'] = {}
        return action

    # business methods
    @api.model
    def _crm_erp_credit_controllers(self):
        """Who handles credit work: the default controller of the settings,
        else every active internal credit controller but the superuser."""
        controller = self.env['res.config.settings']._crm_erp_credit_params()['controller']
        if controller:
            return controller
        group = self.env.ref('crm_erp_bridge.group_credit_controller').sudo()
        return group.users.filtered(lambda u: u.active and not u.share and u.id != 1)

    @api.multi
    def _crm_erp_credit_amount(self):
        """{order id: total with taxes in the company currency, today's rate}."""
        company = self.env.user.company_id
        today = fields.Date.context_today(self)
        result = {}
        for order in self:
            amount = order.amount_total
            if order.currency_id and order.currency_id != company.currency_id:
                amount = order.currency_id.with_context(date=today).compute(amount, company.currency_id)
            result[order.id] = amount
        return result

    @api.multi
    def _crm_erp_credit_valid_exception(self, amounts=None):
        """{order id: exception} for the granted, still valid exceptions of
        the orders in `self` (one search)."""
        amounts = amounts or self._crm_erp_credit_amount()
        today = fields.Date.context_today(self)
        exceptions = self.env['crm.erp.credit.exception'].sudo().search(
            [('order_id', 'in', self.ids), ('state', '=', 'granted'),
             '|', ('date_valid', '=', False), ('date_valid', '>=', today)], order='id desc')
        result = {}
        for exc in exceptions:
            amount = amounts.get(exc.order_id.id, 0.0)
            if exc.amount_cap and amount - exc.amount_cap > exc.currency_id.rounding / 2:
                continue
            result.setdefault(exc.order_id.id, exc)
        return result

    @api.multi
    def _crm_erp_credit_refusals(self, cumulate=True):
        """{order id: message} for the orders in `self` the credit check
        refuses (no valid exception)."""
        return {oid: msg for oid, (msg, exc) in self._crm_erp_credit_check(cumulate).items() if not exc}

    @api.multi
    def _crm_erp_credit_check(self, cumulate=True):
        """{order id: (message, valid exception or None)} for the orders in
        `self` that fail the credit check (set-based: the partners' figures in
        one go). With `cumulate`, orders of the same customer confirmed
        together add up; without, each is judged alone (the banner)."""
        params = self.env['res.config.settings']._crm_erp_credit_params()
        if not params['active'] or not self:
            return {}
        figures = self.mapped('partner_id.commercial_partner_id').sudo()._crm_erp_credit_figures()
        amounts = self._crm_erp_credit_amount()
        exceptions = self._crm_erp_credit_valid_exception(amounts)
        pending = {}
        refusals = {}
        currency = self.env.user.company_id.currency_id
        for order in self:
            partner = order.partner_id.commercial_partner_id
            fig = figures[partner.id]
            amount = amounts[order.id]
            exposure = fig['exposure'] + pending.get(partner.id, 0.0)
            if cumulate:
                pending[partner.id] = pending.get(partner.id, 0.0) + amount
            reasons = []
            if fig['limit'] > 0 and exposure + amount - fig['limit'] > currency.rounding / 2:
                reasons.append(_(
                    'Credit limit exceeded: limit %(limit)s, current exposure %(exposure)s '
                    '(open invoices and orders not yet invoiced), this order %(amount)s, '
                    'total %(total)s.') % {
                        'limit': formatLang(self.env, fig['limit'], currency_obj=currency),
                        'exposure': formatLang(self.env, exposure, currency_obj=currency),
                        'amount': formatLang(self.env, amount, currency_obj=currency),
                        'total': formatLang(self.env, exposure + amount, currency_obj=currency)})
            if fig['overdue_invoices']:
                reasons.append(_('Overdue invoices (more than %(days)s days): %(invoices)s.') % {
                    'days': params['overdue_days'],
                    'invoices': ', '.join(_('%(number)s (%(days)s days overdue)') % inv
                                          for inv in fig['overdue_invoices'])})
            if reasons:
                refusals[order.id] = (_(
                    'Order %(order)s for %(customer)s cannot be confirmed.\n%(reasons)s\n'
                    'Ask a credit controller for an exception (button "Request Credit Exception" '
                    'on the quotation), or have the customer pay the open invoices first.') % {
                        'order': order.name, 'customer': partner.name, 'reasons': '\n'.join(reasons)},
                    exceptions.get(order.id))
        return refusals
