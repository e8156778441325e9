from odoo.exceptions import AccessError, UserError, ValidationError

from tests.common import create_user

from .credit_common import CreditCase


class TestCreditExposure(CreditCase):

    def test_no_business_no_exposure(self):
        fig = self.figures()
        self.assertEqual((fig['exposure'], fig['overdue_days'], fig['hold']), (0.0, 0, False))

    def test_open_receivable_counts_paid_does_not(self):
        self.make_invoice(amount=1000.0, date_due='2099-12-31')
        draft = self.make_invoice(amount=500.0, date_due='2099-12-31', validate=False)
        self.assertEqual(draft.state, 'draft')
        self.assertAlmostEqual(self.figures()['receivable'], 1000.0)
        self.assertAlmostEqual(self.customer.crm_erp_credit_exposure, 1000.0)
        # the contact shows its company's figures
        self.assertAlmostEqual(self.contact.crm_erp_credit_exposure, 1000.0)

    def test_confirmed_order_not_invoiced_with_taxes(self):
        self.quotation(qty=2, price=100.0)  # a quotation is no exposure
        self.assertEqual(self.figures()['exposure'], 0.0)
        order = self.quotation(qty=2, price=100.0)
        order.action_confirm()
        self.assertAlmostEqual(self.figures()['uninvoiced'], 220.0)
        self.assertAlmostEqual(self.figures()['exposure'], 220.0)

    def test_partial_invoicing(self):
        order = self.quotation(qty=2, price=100.0)
        order.action_confirm()
        invoice = self.env['account.invoice'].browse(order.action_invoice_create())
        invoice.invoice_line_ids.write({'quantity': 1.0})
        invoice.compute_taxes()
        invoice.action_invoice_open()
        self.assertAlmostEqual(invoice.amount_total, 110.0)
        fig = self.figures()
        self.assertAlmostEqual(fig['receivable'], 110.0)
        self.assertAlmostEqual(fig['uninvoiced'], 110.0)
        self.assertAlmostEqual(fig['exposure'], 220.0)

    def test_order_in_other_currency_is_converted(self):
        order = self.quotation(qty=2, price=100.0, pricelist_id=self.xtc_pricelist.id)
        self.assertEqual(order.currency_id, self.xtc)
        order.action_confirm()
        # 220 XTC at 2 XTC per unit of company currency
        self.assertAlmostEqual(self.figures()['uninvoiced'], 110.0)

    def test_overdue_days_and_hold(self):
        self.make_invoice(amount=100.0, date_invoice='2026-01-01', date_due='2026-01-31')
        fig = self.customer._crm_erp_credit_figures(today='2026-03-02')[self.customer.id]
        self.assertEqual(fig['overdue_days'], 30)
        self.assertFalse(fig['hold'], 'exactly 30 days is not more than 30')
        fig = self.customer._crm_erp_credit_figures(today='2026-03-03')[self.customer.id]
        self.assertEqual(fig['overdue_days'], 31)
        self.assertTrue(fig['hold'])

    def test_hold_search(self):
        self.customer.credit_limit = 100.0
        self.make_invoice(amount=150.0, date_due='2099-12-31')
        self.make_invoice(partner=self.customer2, amount=150.0, date_due='2099-12-31')
        held = self.env['res.partner'].search([('crm_erp_credit_hold', '=', True)])
        self.assertIn(self.customer, held)
        self.assertIn(self.contact, held)
        self.assertNotIn(self.customer2, held)
        not_held = self.env['res.partner'].search([('crm_erp_credit_hold', '=', False),
                                                   ('id', 'in', (self.customer | self.customer2).ids)])
        self.assertEqual(not_held, self.customer2)
        self.assertAlmostEqual(self.customer.crm_erp_credit_available, -50.0)

    def test_figures_query_count_independent_of_partners(self):
        partners = self.env['res.partner']
        for i in range(8):
            partner = self.env['res.partner'].create({'name': 'Bulk customer %s' % i, 'is_company': True,
                                                      'customer': True, 'credit_limit': 500.0})
            self.make_order(partner=partner)
            self.make_invoice(partner=partner, amount=100.0 + i)
            partners |= partner
        counts = []
        for subset in (partners[:1], partners):
            subset._crm_erp_credit_figures()  # warm the caches (currency, settings)
            subset.invalidate_cache()
            before = self.env.cr.sql_log_count
            subset._crm_erp_credit_figures()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        counts = []
        for subset in (partners[:1], partners):
            subset.invalidate_cache()
            before = self.env.cr.sql_log_count
            subset.read(['crm_erp_credit_exposure', 'crm_erp_credit_hold', 'crm_erp_overdue_days'])
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])


class TestCreditLimitRights(CreditCase):

    def test_rep_reads_but_cannot_change_limit(self):
        self.customer.sudo(self.controller).write({'credit_limit': 5000.0})
        self.assertEqual(self.contact.credit_limit, 5000.0, 'contacts follow their company')
        customer = self.customer.sudo(self.rep)
        self.assertEqual(customer.credit_limit, 5000.0)
        self.assertFalse(customer.crm_erp_credit_editable)
        with self.assertRaises(AccessError):
            customer.write({'credit_limit': 9000.0})
        with self.assertRaises(AccessError):
            self.env['res.partner'].sudo(self.rep).create({'name': 'Self-granted', 'credit_limit': 1.0})
        # a rep still edits the customer and adds contacts (the limit syncs)
        customer.write({'phone': '+86 571 0000 0000'})
        contact = self.env['res.partner'].sudo(self.rep).create({'name': 'New buyer',
                                                                 'parent_id': self.customer.id})
        self.assertEqual(contact.credit_limit, 5000.0)
        self.assertEqual(self.customer.credit_limit, 5000.0)

    def test_controller_edits_on_commercial_entity(self):
        self.assertTrue(self.customer.sudo(self.controller).crm_erp_credit_editable)
        self.assertFalse(self.contact.sudo(self.controller).crm_erp_credit_editable)


class TestCreditRefusal(CreditCase):

    def assertUnchanged(self, order):
        self.assertEqual(order.state, 'draft')
        self.assertFalse(order.confirmation_date)
        self.assertFalse(order.picking_ids)
        self.assertFalse(self.env['crm.erp.event'].search([('model', '=', 'sale.order'),
                                                           ('res_id', '=', order.id)]))

    def test_within_limit_confirms(self):
        self.customer.credit_limit = 1000.0
        self.make_invoice(amount=500.0, date_due='2099-12-31')
        order = self.quotation(qty=2, price=100.0)
        self.assertFalse(order.crm_erp_credit_warning)
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, 'sale')

    def test_over_limit_refused_with_figures(self):
        self.customer.credit_limit = 1000.0
        self.make_invoice(amount=900.0, date_due='2099-12-31')
        order = self.quotation(qty=2, price=100.0)
        self.assertIn('Credit limit exceeded', order.crm_erp_credit_warning)
        with self.assertRaises(UserError) as ctx:
            order.sudo(self.rep).action_confirm()
        message = ctx.exception.name
        for text in ('Hangzhou Silk Test Co', order.name, '1,000.00', '900.00', '220.00', '1,120.00',
                     'Ask a credit controller for an exception'):
            self.assertIn(text, message)
        self.assertUnchanged(order)

    def test_overdue_invoice_refused_without_limit(self):
        invoice = self.make_invoice(amount=100.0, date_invoice='2020-01-01', date_due='2020-01-31')
        order = self.quotation()
        with self.assertRaises(UserError) as ctx:
            order.sudo(self.rep).action_confirm()
        message = ctx.exception.name
        self.assertIn(invoice.number, message)
        self.assertIn('days overdue', message)
        self.assertIn('more than 30 days', message)
        self.assertNotIn('Credit limit', message)
        self.assertUnchanged(order)

    def test_threshold_and_switch_from_settings(self):
        self.make_invoice(amount=100.0, date_invoice='2020-01-01', date_due='2020-01-31')
        order = self.quotation()
        self.set_params(active=True, days=100000, controller=self.controller)
        self.assertFalse(order.crm_erp_credit_warning)
        self.set_params(active=False, days=0)
        self.customer.credit_limit = 1.0
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, 'sale')

    def test_managers_and_controllers_are_not_exempt(self):
        self.customer.credit_limit = 100.0
        order = self.quotation()
        director = create_user(self.env, 'erp.director', ['sales_team.group_sale_salesman_all_leads'])
        for user in (director, self.controller, self.env.user):
            with self.assertRaises(UserError):
                order.sudo(user).action_confirm()
        self.assertUnchanged(order)

    def test_orders_confirmed_together_add_up(self):
        self.customer.credit_limit = 300.0
        first, second = self.quotation(), self.quotation()
        # each quotation alone fits: no banner on either, even computed together
        self.assertEqual((first | second).mapped('crm_erp_credit_warning'), [False, False])
        with self.assertRaises(UserError):
            (first | second).action_confirm()
        self.assertUnchanged(first)
        self.assertUnchanged(second)

    def test_warning_query_count_independent_of_orders(self):
        self.customer.credit_limit = 100.0
        self.customer2.credit_limit = 100.0
        orders = self.env['sale.order']
        for partner in (self.customer, self.customer2) * 3:
            orders |= self.quotation(partner=partner)
        counts = []
        for subset in (orders[:1], orders):
            subset.mapped('crm_erp_credit_warning')
            subset.invalidate_cache()
            before = self.env.cr.sql_log_count
            warnings = subset.mapped('crm_erp_credit_warning')
            counts.append(self.env.cr.sql_log_count - before)
            self.assertTrue(all(warnings))
        self.assertEqual(counts[0], counts[1])


class TestCreditSettings(CreditCase):

    def test_negative_threshold_refused(self):
        with self.assertRaises(ValidationError):
            self.env['res.config.settings'].create({'crm_erp_credit_overdue_days': -1})
        self.assertEqual(self.env['res.config.settings']._crm_erp_credit_params()['overdue_days'], 30)

    def test_settings_saved_and_read_back(self):
        self.env['res.config.settings'].create({
            'crm_erp_credit_check': True, 'crm_erp_credit_overdue_days': 45,
            'crm_erp_credit_controller_id': self.controller.id}).execute()
        params = self.env['res.config.settings']._crm_erp_credit_params()
        self.assertEqual((params['active'], params['overdue_days'], params['controller']),
                         (True, 45, self.controller))
        values = self.env['res.config.settings'].get_values()
        self.assertEqual(values['crm_erp_credit_overdue_days'], 45)
        self.env['res.config.settings'].create({
            'crm_erp_credit_check': False, 'crm_erp_credit_overdue_days': 0,
            'crm_erp_credit_controller_id': False}).execute()
        params = self.env['res.config.settings']._crm_erp_credit_params()
        self.assertEqual((params['active'], params['overdue_days'], params['controller']),
                         (False, 0, self.env['res.users']))
