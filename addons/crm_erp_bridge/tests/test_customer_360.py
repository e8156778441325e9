import json
from datetime import date

from lxml import etree

from odoo.exceptions import UserError

from odoo.addons.crm_erp_bridge.models.res_config_settings_credit import PARAM_ACTIVE
from odoo.addons.crm_erp_bridge.models.res_partner_360 import SUMMARY_KEYS

from .common import ErpCase

TODAY = date(2026, 3, 2)


class Customer360Case(ErpCase):

    @classmethod
    def pay(cls, invoice, amount=None, payment_date='2026-02-01'):
        journal = cls.env['account.journal'].search([('type', '=', 'bank'),
                                                     ('company_id', '=', invoice.company_id.id)], limit=1)
        payment = cls.env['account.payment'].create({
            'payment_type': 'inbound', 'partner_type': 'customer',
            'partner_id': invoice.commercial_partner_id.id, 'amount': amount or invoice.residual,
            'journal_id': journal.id, 'payment_date': payment_date,
            'payment_method_id': cls.env.ref('account.account_payment_method_manual_in').id,
            'invoice_ids': [(6, 0, invoice.ids)]})
        payment.post()
        return payment

    @classmethod
    def make_refund(cls, partner=None, amount=200.0, date_invoice='2026-02-10'):
        refund = cls.env['account.invoice'].create({
            'partner_id': (partner or cls.customer).id, 'type': 'out_refund',
            'date_invoice': date_invoice, 'date_due': date_invoice,
            'invoice_line_ids': [(0, 0, {'name': 'Returned scarves', 'quantity': 1, 'price_unit': amount,
                                         'account_id': cls.revenue.id})]})
        refund.action_invoice_open()
        return refund

    @classmethod
    def make_story(cls):
        """The customer's history: 1 quotation (200), 3 orders (one delivered,
        one late, one due later), 3 invoices (1000 overdue, 500 open, 300
        paid), a 200 refund, a draft invoice, tickets open/closed/breached, a
        call, a visit, an e-mail."""
        cls.quotation = cls.make_order(qty=2, confirm=False)
        cls.delivered = cls.make_order()
        cls.deliver(cls.delivered)
        cls.late = cls.make_order(partner=cls.contact)
        cls.late.picking_ids.write({'scheduled_date': '2020-01-05 10:00:00'})
        cls.later = cls.make_order()
        cls.later.picking_ids.write({'scheduled_date': '2099-01-05 10:00:00'})
        cls.overdue = cls.make_invoice(amount=1000.0, date_invoice='2026-01-01', date_due='2026-01-31')
        cls.open_invoice = cls.make_invoice(partner=cls.contact, amount=500.0, date_invoice='2026-02-01',
                                            date_due='2026-03-31')
        cls.paid = cls.make_invoice(amount=300.0, date_invoice='2025-12-01', date_due='2025-12-31')
        cls.payment = cls.pay(cls.paid)
        cls.refund = cls.make_refund()
        cls.draft = cls.make_invoice(amount=9999.0, validate=False)
        closed_stage = cls.env['crm.service.stage'].search([('is_closed', '=', True)], limit=1)
        cls.ticket_open = cls.make_ticket()
        cls.ticket_closed = cls.make_ticket(name='Wrong size')
        cls.ticket_closed.write({'stage_id': closed_stage.id})
        cls.ticket_closed.write({'sla_resolution_breached': True})
        cls.call = cls.env['crm.service.call'].create({
            'name': 'Asked about delivery', 'partner_id': cls.contact.id, 'outcome': 'no_answer',
            'date': '2026-02-10 09:00:00', 'user_id': cls.rep.id})
        cls.env['crm.sales.visit.log'].create({
            'activity_type_id': cls.env.ref('crm_sales.mail_activity_type_visit').id,
            'summary': 'Showroom visit', 'partner_id': cls.customer.id, 'user_id': cls.rep.id,
            'date_done': '2026-02-15', 'res_model': 'res.partner', 'res_id': cls.customer.id})
        cls.email = cls.env['mail.message'].create({
            'model': 'res.partner', 'res_id': cls.customer.id, 'message_type': 'email',
            'date': '2026-02-20 08:00:00', 'body': '<p>Where is my order?</p>',
            'subject': 'Order status', 'author_id': cls.contact.id})


class TestCustomer360(Customer360Case):

    @classmethod
    def setUpClass(cls):
        super(TestCustomer360, cls).setUpClass()
        # the story confirms orders of a customer with long-overdue invoices:
        # credit control (tested on its own) would refuse them
        cls.env['ir.config_parameter'].sudo().set_param(PARAM_ACTIVE, 'False')
        cls.make_story()

    def test_figures(self):
        stats = self.env['res.partner']._erp_360_stats([self.customer.id], today=TODAY)[self.customer.id]
        self.assertEqual(stats['erp_quotation_count'], 1)
        self.assertAlmostEqual(stats['erp_quotation_amount'], 200.0)
        self.assertEqual(stats['erp_order_count'], 3)
        self.assertEqual(stats['orders_by_state'], {'draft': 1, 'sale': 3})
        self.assertEqual(stats['erp_delivery_open_count'], 2)
        self.assertEqual(stats['erp_delivery_late_count'], 1)
        self.assertAlmostEqual(stats['erp_revenue'], 1000.0 + 500.0 + 300.0 - 200.0)
        self.assertEqual(stats['erp_invoice_open_count'], 2)
        self.assertAlmostEqual(stats['erp_invoice_open_residual'], 1000.0 + 500.0 - 200.0)
        self.assertEqual(stats['erp_invoice_overdue_count'], 1)
        self.assertAlmostEqual(stats['erp_invoice_overdue_residual'], 1000.0)
        self.assertEqual(stats['erp_invoice_overdue_days'], 30)
        self.assertEqual(stats['erp_ticket_open_count'], 1)
        self.assertEqual(stats['erp_ticket_closed_count'], 1)
        self.assertEqual(stats['erp_ticket_breach_count'], 1)
        self.assertEqual(stats['erp_last_call_date'], '2026-02-10 09:00:00')
        self.assertEqual(stats['erp_last_visit_date'], '2026-02-15')
        self.assertEqual(stats['erp_last_email_date'], '2026-02-20 08:00:00')
        self.assertFalse(stats.get('erp_last_portal_date'))

    def test_later_call_by_rep_wins(self):
        self.env['crm.sales.visit.log'].create({
            'activity_type_id': self.env.ref('mail.mail_activity_data_call').id,
            'summary': 'Follow-up call', 'partner_id': self.contact.id, 'user_id': self.rep.id,
            'date_done': '2026-02-25'})
        stats = self.env['res.partner']._erp_360_stats([self.customer.id], today=TODAY)[self.customer.id]
        self.assertEqual(stats['erp_last_call_date'], '2026-02-25 00:00:00')

    def test_contact_shows_commercial_entity(self):
        (self.customer | self.contact).invalidate_cache()
        for partner in (self.customer, self.contact):
            self.assertEqual(partner.erp_order_count, 3, partner.name)
            self.assertEqual(partner.erp_delivery_late_count, 1, partner.name)
            self.assertEqual(partner.erp_invoice_open_count, 2, partner.name)
            self.assertAlmostEqual(partner.erp_revenue, 1600.0)
            self.assertEqual(partner.erp_currency_id, self.env.user.company_id.currency_id)
        self.assertEqual(self.customer2.erp_order_count, 0)
        self.assertEqual(self.customer2.erp_revenue, 0.0)

    def test_record_rules_apply(self):
        """A rep counts only the orders they may read; the other rep none."""
        self.make_order(partner=self.customer, user=self.rep2)
        own = self.customer.sudo(self.rep)
        other = self.customer.sudo(self.rep2)
        self.assertEqual(own.erp_order_count, 3)
        self.assertEqual(other.erp_order_count, 1)
        self.assertEqual(other.erp_quotation_count, 0)

    def test_other_company_not_counted(self):
        company = self.env['res.company'].create({'name': 'Bridge Test Branch'})
        self.env['sale.order'].create({
            'partner_id': self.customer.id, 'user_id': self.rep.id, 'company_id': company.id,
            'order_line': [(0, 0, {'product_id': self.product.id, 'product_uom_qty': 1, 'price_unit': 5})]})
        stats = self.env['res.partner']._erp_360_stats([self.customer.id], today=TODAY)[self.customer.id]
        self.assertEqual(stats['erp_quotation_count'], 1)

    def test_query_count_does_not_grow(self):
        Partner = self.env['res.partner']
        customers = Partner.browse()
        for i in range(6):
            customer = Partner.create({'name': 'Count Test %s' % i, 'is_company': True, 'customer': True})
            self.make_order(partner=customer)
            self.make_invoice(partner=customer, amount=10.0 * (i + 1))
            customers |= customer

        def queries(partners):
            partners.invalidate_cache()
            before = self.cr.sql_log_count
            partners.read(['erp_order_count', 'erp_revenue', 'erp_delivery_late_count',
                           'erp_ticket_open_count', 'erp_last_email_date'])
            return self.cr.sql_log_count - before

        queries(customers[:1])  # warm the caches (rules, access rights, xml ids)
        few = queries(customers[:2])
        many = queries(customers | self.customer | self.contact)
        self.assertEqual(few, many)
        self.assertLess(many, 20)
        self.assertAlmostEqual(customers[5].erp_revenue, 60.0)

    def test_summary(self):
        summary = self.contact._crm_erp_360_summary(today=TODAY)
        self.assertEqual(list(summary), [self.customer.id])
        data = summary[self.customer.id]
        self.assertEqual(tuple(data), SUMMARY_KEYS)
        json.dumps(data)
        self.assertEqual(data['id'], self.customer.id)
        self.assertEqual(data['name'], 'Hangzhou Silk Test Co')
        self.assertEqual(data['phone'], '+86 571 8888 1234')
        self.assertEqual(data['salesperson'], self.rep.name)
        self.assertEqual(data['currency'], self.env.user.company_id.currency_id.name)
        self.assertAlmostEqual(data['revenue'], 1600.0)
        self.assertEqual(data['open_orders'], 3)
        self.assertEqual(data['open_deliveries'], 2)
        self.assertEqual(data['late_deliveries'], 1)
        self.assertEqual(data['overdue_invoices'], 1)
        self.assertGreater(data['max_days_overdue'], 0)
        self.assertEqual(data['open_tickets'], 1)
        self.assertEqual(data['sla_breaches'], 1)
        self.assertEqual(data['last_contacts']['email'], '2026-02-20 08:00:00')
        self.assertEqual(data['last_contacts']['visit'], '2026-02-15')
        self.assertEqual(len(data['timeline']), 5)
        dates = [row['date'] for row in data['timeline']]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertEqual(set(data['timeline'][0]), {'date', 'kind', 'kind_label', 'name', 'amount',
                                                    'currency', 'state', 'res_model', 'res_id', 'user'})

    def test_new_partner_has_no_figures(self):
        partner = self.env['res.partner'].new({'name': 'Not saved yet', 'is_company': True})
        self.assertEqual(partner.erp_order_count, 0)
        self.assertEqual(partner.erp_revenue, 0.0)

    def test_summary_needs_a_customer(self):
        with self.assertRaises(UserError):
            self.env['res.partner'].browse()._crm_erp_360_summary()

    def test_buttons_open_filtered_records(self):
        action = self.contact.action_erp_deliveries()
        self.assertEqual(action['res_model'], 'stock.picking')
        self.assertEqual(self.env['stock.picking'].search(action['domain']),
                         (self.delivered | self.late | self.later).mapped('picking_ids'))
        action = self.contact.action_erp_open_invoices()
        self.assertEqual(self.env['account.invoice'].search(action['domain']),
                         self.overdue | self.open_invoice | self.refund)
        overdue = self.env['account.invoice'].search(self.customer.action_erp_overdue_invoices()['domain'])
        self.assertIn(self.overdue, overdue)
        self.assertNotIn(self.paid, overdue)
        self.assertNotIn(self.refund, overdue)
        action = self.contact.action_erp_tickets()
        self.assertEqual(self.env['crm.service.ticket'].search(action['domain']),
                         self.ticket_open | self.ticket_closed)
        action = self.contact.action_erp_timeline()
        self.assertEqual(action['res_model'], 'crm.erp.timeline')
        self.assertEqual(action['domain'], [('partner_id', '=', self.customer.id)])

    def test_form_for_a_rep(self):
        """The rep's partner form has the buttons and the 360 page, and reads."""
        arch = self.env['res.partner'].sudo(self.rep).fields_view_get(view_type='form')['arch']
        for name in ('action_erp_deliveries', 'action_erp_open_invoices', 'action_erp_timeline',
                     'customer_360', 'erp_invoice_overdue_days', 'erp_last_visit_date'):
            self.assertIn(name, arch)
        tickets = etree.fromstring(arch).xpath("//button[@name='action_erp_tickets']")
        self.assertEqual(tickets[0].get('invisible'), '1', 'tickets are for service agents')
        values = self.contact.sudo(self.rep).read(['erp_revenue', 'erp_delivery_late_count'])[0]
        self.assertEqual(values['erp_delivery_late_count'], 1)
        kanban = self.env['res.partner'].sudo(self.rep).fields_view_get(view_type='kanban')['arch']
        self.assertIn('erp_invoice_overdue_count', kanban)
