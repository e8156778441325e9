"""The ERP demo story, so the Customer 360 and the timeline have something
to tell. Called once from demo/crm_erp_demo.xml; dates relative to the day
the database is built; a few dozen records, made in batches.

- Shanghai Bright Textiles (portal.customer1, Zhou Hao's east rep): a paid
  order from three months ago, an order delivered and invoiced whose invoice
  is now overdue, an order whose delivery is late (Chen Jie e-mailed and
  called about it), and a fresh quotation.
- Nordic Home Supplies (portal.customer2, the export rep): an order delivered
  with an open invoice (not yet due) and a small refund, and an order whose
  delivery is scheduled next week.
- Two customers of the sales demo: an order delivered, invoiced and paid.
"""
from datetime import datetime, time, timedelta

from odoo import api, fields, models

# (days ago confirmed, quantity, delivery: 'done' | 'late' | 'open' | None,
#  invoice: 'paid' | 'overdue' | 'open' | None)
STORIES = {
    'crm_service.res_partner_bright_textiles_demo': [
        (90, 40, 'done', 'paid'),
        (45, 25, 'done', 'overdue'),
        (12, 30, 'late', None),
        (2, 10, None, None),           # a quotation, not confirmed
    ],
    'crm_service.res_partner_nordic_home_demo': [
        (30, 12, 'done', 'open'),
        (3, 8, 'open', None),
    ],
}
SALESPEOPLE = {
    'crm_service.res_partner_bright_textiles_demo': 'crm_sales.res_users_sales_east_rep_demo',
    'crm_service.res_partner_nordic_home_demo': 'crm_sales.res_users_sales_export_rep_demo',
}


class CrmErpDemo(models.AbstractModel):
    _name = 'crm.erp.demo'
    _description = 'ERP bridge demo data generator'

    @api.model
    def _generate_demo(self):
        ref = self.env.ref
        today = fields.Date.from_string(fields.Date.context_today(self))
        ctx = dict(tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                   mail_create_nosubscribe=True)
        products = self._demo_products()
        stories = {ref(xmlid): story for xmlid, story in STORIES.items()}
        for xmlid, login in SALESPEOPLE.items():
            user = ref(login, raise_if_not_found=False)
            if user:
                ref(xmlid).write({'user_id': user.id})
        # two customers of the sales demo: delivered, invoiced, paid
        sales_customers = self.env['sale.order'].search(
            [('opportunity_id', '!=', False), ('partner_id.is_company', '=', True)], limit=2,
            order='id').mapped('partner_id')
        for partner in sales_customers:
            stories[partner] = [(60, 5, 'done', 'paid')]

        # orders (procurement makes the deliveries)
        Order = self.env['sale.order'].with_context(**ctx)
        plans = []
        for partner, story in stories.items():
            for i, (days, qty, delivery, invoice) in enumerate(story):
                product = products[i % len(products)]
                order = Order.create({
                    'partner_id': partner.id, 'user_id': partner.user_id.id or self.env.uid,
                    'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': qty,
                                           'price_unit': product.list_price})]})
                plans.append((order, days, delivery, invoice))
        confirmed = Order.browse([o.id for o, _d, delivery, _i in plans if delivery])
        for order in confirmed:
            # one by one: Odoo 11's _action_confirm reads the analytic
            # account of a single order
            order.action_confirm()
        self._demo_dates('sale_order', 'date_order', [(o.id, self._at(today, d)) for o, d, _x, _y in plans])
        self._demo_dates('sale_order', 'confirmation_date',
                         [(o.id, self._at(today, d)) for o, d, delivery, _y in plans if delivery])

        # deliveries: done (two days after the order), late, or due next week
        done = [(o, d) for o, d, delivery, _i in plans if delivery == 'done']
        pickings = self.env['stock.picking'].browse()
        for order, _days in done:
            pickings |= order.picking_ids
        for move in pickings.mapped('move_lines'):
            move.quantity_done = move.product_uom_qty
        pickings.action_done()
        self._demo_dates('stock_picking', 'date_done', [
            (p.id, self._at(today, d - 2)) for o, d in done for p in o.picking_ids])
        for order, days, delivery, _i in plans:
            if delivery in ('late', 'open'):
                when = today - timedelta(days=days - 5) if delivery == 'late' else today + timedelta(days=5)
                order.picking_ids.write({'scheduled_date': fields.Datetime.to_string(
                    datetime.combine(when, time(9)))})

        # invoices: dated a week after the order, due 30 days later
        invoiced = [(o, d, invoice) for o, d, _x, invoice in plans if invoice]
        invoices = self.env['account.invoice'].browse(
            Order.browse([o.id for o, _d, _i in invoiced]).action_invoice_create())
        for invoice in invoices:
            order = invoice.invoice_line_ids.mapped('sale_line_ids.order_id')[:1]
            days = [d for o, d, _i in invoiced if o == order][0]
            date_invoice = today - timedelta(days=days - 7)
            invoice.write({'date_invoice': fields.Date.to_string(date_invoice),
                           'date_due': fields.Date.to_string(date_invoice + timedelta(days=30))})
        invoices.action_invoice_open()
        to_pay = invoices.filtered(lambda inv: [i for o, _d, i in invoiced
                                                if o in inv.invoice_line_ids.mapped('sale_line_ids.order_id')]
                                   == ['paid'])
        self._demo_payments(to_pay)
        self._demo_refund(ref('crm_service.res_partner_nordic_home_demo'), products[0], today)
        self._demo_contacts(ref('crm_service.res_partner_chen_jie_demo'),
                            [o for o, d, delivery, _i in plans if delivery == 'late'], today)
        return True

    @api.model
    def _at(self, today, days_ago, hour=10):
        return fields.Datetime.to_string(datetime.combine(today - timedelta(days=days_ago), time(hour)))

    @api.model
    def _demo_dates(self, table, column, rows):
        """Back-date `column` of `table` for (id, value) rows in one UPDATE
        (table and column are code, never input)."""
        if rows:
            self.env.cr.execute(
                'UPDATE ' + table + ' t SET ' + column + ' = v.value::timestamp FROM unnest(%s::int[], '
                '%s::varchar[]) AS v(id, value) WHERE t.id = v.id',
                ([r[0] for r in rows], [r[1] for r in rows]))
            self.env[{'sale_order': 'sale.order', 'stock_picking': 'stock.picking'}[table]].invalidate_cache()

    @api.model
    def _demo_products(self):
        """Two stockable products with stock in the main warehouse."""
        Product = self.env['product.product']
        warehouse = self.env['stock.warehouse'].search([('company_id', '=', self.env.user.company_id.id)],
                                                       limit=1)
        products = Product.browse()
        for name, price in (('Silk Scarf, Jacquard', 38.0), ('Linen Throw, Natural', 65.0)):
            product = Product.create({'name': name, 'type': 'product', 'list_price': price,
                                      'standard_price': price / 2, 'invoice_policy': 'order',
                                      'sale_delay': 3, 'default_code': 'ERP-DEMO-%s' % (len(products) + 1)})
            self.env['stock.quant']._update_available_quantity(product, warehouse.lot_stock_id, 500.0)
            products |= product
        return products

    @api.model
    def _demo_payments(self, invoices):
        journal = self.env['account.journal'].search([('type', '=', 'bank'),
                                                      ('company_id', '=', self.env.user.company_id.id)],
                                                     limit=1)
        if not journal:
            return
        method = self.env.ref('account.account_payment_method_manual_in')
        for invoice in invoices:
            payment = self.env['account.payment'].create({
                'payment_type': 'inbound', 'partner_type': 'customer',
                'partner_id': invoice.commercial_partner_id.id, 'amount': invoice.residual,
                'journal_id': journal.id, 'payment_method_id': method.id,
                'payment_date': fields.Date.to_string(
                    fields.Date.from_string(invoice.date_due) - timedelta(days=5)),
                'invoice_ids': [(6, 0, invoice.ids)]})
            payment.post()

    @api.model
    def _demo_refund(self, partner, product, today):
        account = product.categ_id.property_account_income_categ_id or \
            product.property_account_income_id
        if not account:
            return
        refund = self.env['account.invoice'].create({
            'partner_id': partner.id, 'type': 'out_refund', 'user_id': partner.user_id.id,
            'date_invoice': fields.Date.to_string(today - timedelta(days=10)),
            'name': 'Two scarves damaged in transit',
            'invoice_line_ids': [(0, 0, {'product_id': product.id, 'name': product.name, 'quantity': 2,
                                         'price_unit': product.list_price, 'account_id': account.id})]})
        refund.action_invoice_open()

    @api.model
    def _demo_contacts(self, contact, late_orders, today):
        """Chen Jie e-mails about the late delivery, then calls."""
        for order in late_orders:
            self.env['mail.message'].create({
                'model': 'sale.order', 'res_id': order.id, 'message_type': 'email',
                'author_id': contact.id, 'email_from': contact.email,
                'subject': 'Where is our shipment? / 我们的货在哪里？',
                'body': '<p>Our order %s was due last week. When will it arrive?</p>' % order.name,
                'date': self._at(today, 2, 8)})
            call = self.env['crm.service.call'].create({
                'name': 'Late delivery of %s' % order.name, 'partner_id': contact.id,
                'partner_phone': contact.phone, 'direction': 'in', 'duration': 6.0,
                'outcome': 'ticket_created', 'date': self._at(today, 1, 9),
                'summary': 'Customer asks for a new delivery date for %s.' % order.name})
            call.ticket_id.write({'sale_order_id': order.id})
