from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    """Credit figures on the commercial entity.

    The credit limit is Odoo's own `credit_limit` (a commercial field: the
    contacts of a company carry their company's value). Exposure, available
    credit, days overdue and the hold flag are computed for every partner in
    `self` at once: one query per source (receivables, orders not invoiced,
    overdue invoices), whatever the number of partners. Amounts are in the
    company currency of the current user's company.
    """
    _inherit = 'res.partner'

    # credit figures (commercial entity, company currency)
    crm_erp_credit_exposure = fields.Monetary(
        'Credit Exposure', compute='_compute_crm_erp_credit',
        help='Open receivables (posted, not yet paid) plus confirmed orders not yet invoiced, '
             'taxes included, in the company currency.')
    crm_erp_credit_receivable = fields.Monetary(
        'Open Receivables', compute='_compute_crm_erp_credit',
        help='Residual of the posted receivable journal items not yet reconciled.')
    crm_erp_credit_uninvoiced = fields.Monetary(
        'Ordered, Not Invoiced', compute='_compute_crm_erp_credit',
        help='Confirmed sales orders: quantity still to invoice times the unit price with taxes, '
             'converted to the company currency at today\'s rate.')
    crm_erp_credit_available = fields.Monetary(
        'Available Credit', compute='_compute_crm_erp_credit',
        help='Credit limit minus exposure (zero when no credit limit is set).')
    crm_erp_overdue_days = fields.Integer(
        'Days Overdue', compute='_compute_crm_erp_credit',
        help='Days past the due date of the oldest open customer invoice.')
    crm_erp_credit_hold = fields.Boolean(
        'On Credit Hold', compute='_compute_crm_erp_credit', search='_search_crm_erp_credit_hold',
        help='Exposure above the credit limit, or an open invoice overdue more than the '
             'configured number of days: new orders are refused until paid or an exception is granted.')
    crm_erp_credit_editable = fields.Boolean(compute='_compute_crm_erp_credit_editable')
    crm_erp_credit_exception_count = fields.Integer(
        'Credit Exceptions', compute='_compute_crm_erp_credit_exception_count')

    @api.multi
    def _compute_crm_erp_credit(self):
        commercial = self.mapped('commercial_partner_id')
        figures = commercial._crm_erp_credit_figures()
        for partner in self:
            fig = figures.get(partner.commercial_partner_id.id, {})
            partner.crm_erp_credit_receivable = fig.get('receivable', 0.0)
            partner.crm_erp_credit_uninvoiced = fig.get('uninvoiced', 0.0)
            partner.crm_erp_credit_exposure = fig.get('exposure', 0.0)
            partner.crm_erp_credit_available = fig.get('available', 0.0)
            partner.crm_erp_overdue_days = fig.get('overdue_days', 0)
            partner.crm_erp_credit_hold = fig.get('hold', False)

    @api.multi
    def _compute_crm_erp_credit_editable(self):
        controller = self.env.user.has_group('crm_erp_bridge.group_credit_controller')
        for partner in self:
            partner.crm_erp_credit_editable = controller and partner.commercial_partner_id == partner

    @api.multi
    def _compute_crm_erp_credit_exception_count(self):
        CreditException = self.env['crm.erp.credit.exception']
        if not CreditException.check_access_rights('read', raise_exception=False):
            for rec in self:
                rec.crm_erp_credit_exception_count = 0
            return
        groups = CreditException.read_group(
            [('partner_id', 'in', self.mapped('commercial_partner_id').ids)], ['partner_id'], ['partner_id'])
        counts = {g['partner_id'][0]: g['partner_id_count'] for g in groups}
        for partner in self:
            partner.crm_erp_credit_exception_count = counts.get(partner.commercial_partner_id.id, 0)

    @api.model
    def _search_crm_erp_credit_hold(self, operator, value):
        if operator not in ('=', '!='):
            return []
        want = bool(value) if operator == '=' else not value
        held = self._crm_erp_credit_held_ids()
        if want:
            return [('commercial_partner_id', 'in', held)]
        return [('commercial_partner_id', 'not in', held)]

    # business methods
    @api.model
    def _crm_erp_credit_held_ids(self):
        """Ids of the commercial entities on credit hold (set-based): only
        those with a limit or an overdue invoice can be on hold."""
        params = self.env['res.config.settings']._crm_erp_credit_params()
        company = self.env.user.company_id
        self.env.cr.execute("""
            SELECT id FROM res_partner WHERE credit_limit > 0 AND id = commercial_partner_id
            UNION
            SELECT DISTINCT commercial_partner_id FROM account_invoice
             WHERE type = 'out_invoice' AND state = 'open' AND company_id = %s AND date_due < %s
        """, (company.id, fields.Date.context_today(self)))
        candidates = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not params['active'] or not candidates:
            return []
        figures = candidates._crm_erp_credit_figures()
        return [pid for pid, fig in figures.items() if fig['hold']]

    @api.multi
    def _crm_erp_credit_figures(self, today=None):
        """{commercial partner id: {limit, receivable, uninvoiced, exposure,
        available, overdue_days, overdue_invoices, hold}} for the commercial
        entities in `self`; three queries in all."""
        partners = self.mapped('commercial_partner_id')
        result = {}
        if not partners:
            return result
        company = self.env.user.company_id
        today = today or fields.Date.context_today(self)
        params = self.env['res.config.settings']._crm_erp_credit_params()
        ids = tuple(partners.ids)
        cr = self.env.cr
        # 1. open receivables: posted, unreconciled receivable items
        cr.execute("""
            SELECT p.commercial_partner_id, SUM(l.amount_residual)
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              JOIN account_account a ON a.id = l.account_id
              JOIN res_partner p ON p.id = l.partner_id
             WHERE a.internal_type = 'receivable' AND m.state = 'posted'
               AND l.reconciled IS NOT TRUE AND l.company_id = %s
               AND p.commercial_partner_id IN %s
             GROUP BY p.commercial_partner_id
        """, (company.id, ids))
        receivable = dict(cr.fetchall())
        # 2. confirmed orders not invoiced: remaining quantity x unit price with taxes
        cr.execute("""
            SELECT p.commercial_partner_id, l.currency_id,
                   SUM(GREATEST(l.product_uom_qty - l.qty_invoiced, 0)
                       * l.price_total / l.product_uom_qty)
              FROM sale_order_line l
              JOIN sale_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state IN ('sale', 'done') AND o.company_id = %s
               AND l.product_uom_qty > 0 AND p.commercial_partner_id IN %s
             GROUP BY p.commercial_partner_id, l.currency_id
        """, (company.id, ids))
        uninvoiced = {}
        Currency = self.env['res.currency'].with_context(date=today)
        for pid, currency_id, amount in cr.fetchall():
            currency = Currency.browse(currency_id)
            if currency != company.currency_id:
                amount = currency.compute(amount or 0.0, company.currency_id)
            uninvoiced[pid] = uninvoiced.get(pid, 0.0) + (amount or 0.0)
        # 3. open customer invoices past their due date
        cr.execute("""
            SELECT commercial_partner_id, id, number, %s::date - date_due
              FROM account_invoice
             WHERE type = 'out_invoice' AND state = 'open' AND company_id = %s
               AND date_due < %s AND commercial_partner_id IN %s
             ORDER BY date_due, id
        """, (today, company.id, today, ids))
        overdue = {}
        for pid, inv_id, number, days in cr.fetchall():
            overdue.setdefault(pid, []).append({'id': inv_id, 'number': number, 'days': days})
        rounding = company.currency_id.rounding
        for partner in partners:
            limit = partner.credit_limit or 0.0
            exposure = (receivable.get(partner.id) or 0.0) + uninvoiced.get(partner.id, 0.0)
            late = overdue.get(partner.id, [])
            days = max([inv['days'] for inv in late] or [0])
            over_limit = limit > 0 and exposure - limit > rounding / 2
            too_late = [inv for inv in late if inv['days'] > params['overdue_days']]
            result[partner.id] = {
                'limit': limit,
                'receivable': receivable.get(partner.id) or 0.0,
                'uninvoiced': uninvoiced.get(partner.id, 0.0),
                'exposure': exposure,
                'available': limit - exposure if limit > 0 else 0.0,
                'overdue_days': days,
                'overdue_invoices': too_late,
                'hold': params['active'] and bool(over_limit or too_late),
            }
        return result

    # CRUD overrides: only credit controllers change a limit, and only on
    # the commercial entity (contacts follow through Odoo's commercial sync)
    @api.model
    def create(self, vals):
        if vals.get('credit_limit'):
            parent = self.browse(vals.get('parent_id'))
            if not (parent and not vals.get('is_company')
                    and parent.commercial_partner_id.credit_limit == vals['credit_limit']):
                self._crm_erp_check_credit_limit_right()
        return super(ResPartner, self).create(vals)

    @api.multi
    def write(self, vals):
        if 'credit_limit' in vals:
            changed = self.filtered(
                lambda p: p.commercial_partner_id.credit_limit != (vals['credit_limit'] or 0.0))
            if changed:
                self._crm_erp_check_credit_limit_right()
        return super(ResPartner, self).write(vals)

    @api.model
    def _crm_erp_check_credit_limit_right(self):
        if self.env.uid == SUPERUSER_ID or self.env.user.has_group('crm_erp_bridge.group_credit_controller'):
            return
        raise AccessError(_('Only a credit controller can change a customer\'s credit limit.'))

    @api.multi
    def action_view_crm_erp_credit_exceptions(self):
        self.ensure_one()
        action = self.env.ref('crm_erp_bridge.crm_erp_credit_exception_action').read()[0]
        action['domain'] = [('partner_id', '=', self.commercial_partner_id.id)]
        action['context'] = {}
        return action
