"""Fixtures the bridge's tests share: a customer company with a contact, a
rep, a stockable product with stock, and helpers that walk an order through
confirmation, delivery and invoicing with explicit dates."""
from odoo.tests.common import SavepointCase

from tests.common import create_user


class ErpCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(ErpCase, cls).setUpClass()
        env = cls.env
        cls.rep = create_user(env, 'erp.rep', ['crm_sales.group_sales_rep'])
        cls.rep2 = create_user(env, 'erp.rep2', ['crm_sales.group_sales_rep'])
        cls.sales_manager = create_user(env, 'erp.manager', ['crm_sales.group_sales_manager'])
        cls.controller = create_user(env, 'erp.controller', ['base.group_user',
                                                             'crm_erp_bridge.group_credit_controller'])
        Partner = env['res.partner']
        cls.customer = Partner.create({'name': 'Hangzhou Silk Test Co', 'is_company': True,
                                       'customer': True, 'email': 'buy@silk.example.com',
                                       'phone': '+86 571 8888 1234', 'user_id': cls.rep.id})
        cls.contact = Partner.create({'name': 'Liu Yang', 'parent_id': cls.customer.id,
                                      'email': 'liu.yang@silk.example.com', 'phone': '+86 139 1234 5678'})
        cls.customer2 = Partner.create({'name': 'Oslo Interiors Test AS', 'is_company': True,
                                        'customer': True, 'user_id': cls.rep2.id})
        cls.warehouse = env['stock.warehouse'].search([('company_id', '=', env.user.company_id.id)], limit=1)
        cls.product = env['product.product'].create({
            'name': 'Silk Scarf (test)', 'type': 'product', 'list_price': 100.0,
            'invoice_policy': 'order', 'sale_delay': 3})
        env['stock.quant']._update_available_quantity(cls.product, cls.warehouse.lot_stock_id, 50.0)
        cls.revenue = env['account.account'].search(
            [('user_type_id', '=', env.ref('account.data_account_type_revenue').id)], limit=1)

    @classmethod
    def make_order(cls, partner=None, qty=1.0, price=100.0, user=None, confirm=True, **values):
        vals = {'partner_id': (partner or cls.customer).id, 'user_id': (user or cls.rep).id,
                'order_line': [(0, 0, {'product_id': cls.product.id, 'product_uom_qty': qty,
                                       'price_unit': price})]}
        vals.update(values)
        order = cls.env['sale.order'].create(vals)
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def deliver(cls, order):
        """Validate the order's open deliveries in full."""
        pickings = order.picking_ids.filtered(lambda p: p.state not in ('done', 'cancel'))
        for move in pickings.mapped('move_lines'):
            move.quantity_done = move.product_uom_qty
        pickings.action_done()
        return pickings

    @classmethod
    def make_invoice(cls, partner=None, amount=1000.0, date_invoice='2026-01-01', date_due='2026-01-31',
                     validate=True):
        invoice = cls.env['account.invoice'].create({
            'partner_id': (partner or cls.customer).id, 'type': 'out_invoice',
            'date_invoice': date_invoice, 'date_due': date_due,
            'invoice_line_ids': [(0, 0, {'name': 'Silk scarves', 'quantity': 1, 'price_unit': amount,
                                         'account_id': cls.revenue.id})],
        })
        if validate:
            invoice.action_invoice_open()
        return invoice

    @classmethod
    def make_ticket(cls, partner=None, **values):
        vals = {'name': 'Scarf colour faded', 'partner_id': (partner or cls.contact).id,
                'team_id': cls.env['crm.service.team'].search([], limit=1).id}
        vals.update(values)
        return cls.env['crm.service.ticket'].create(vals)
