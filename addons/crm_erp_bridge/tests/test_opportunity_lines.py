"""Opportunity product lines, the expected revenue that follows them, the
quotation made from them, and who may see them."""
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import ErpCase


class OrderCase(ErpCase):

    @classmethod
    def setUpClass(cls):
        super(OrderCase, cls).setUpClass()
        env = cls.env
        cls.service = env['product.product'].create({
            'name': 'Scarf Gift Wrapping (test)', 'type': 'service', 'list_price': 50.0,
            'invoice_policy': 'order'})
        cls.team = env['crm.team'].create({'name': 'Silk Road Test Team', 'user_id': cls.sales_manager.id,
                                           'member_ids': [(4, cls.rep.id), (4, cls.rep2.id)]})
        cls.pricelist = env['product.pricelist'].create({
            'name': 'Silk Test Pricelist', 'currency_id': env.user.company_id.currency_id.id,
            'item_ids': [(0, 0, {'applied_on': '3_global', 'compute_price': 'percentage',
                                 'percent_price': 20.0})]})
        cls.customer.property_product_pricelist = cls.pricelist

    @classmethod
    def make_lead(cls, partner=None, user=None, lines=(), **values):
        vals = {'name': 'Scarves for the spring collection', 'type': 'opportunity',
                'partner_id': (partner or cls.customer).id, 'user_id': (user or cls.rep).id,
                'team_id': cls.team.id}
        vals.update(values)
        if lines:
            vals['crm_erp_line_ids'] = [(0, 0, dict(line)) for line in lines]
        return cls.env['crm.lead'].create(vals)


class TestOpportunityLines(OrderCase):

    def test_line_defaults_from_product_and_pricelist(self):
        lead = self.make_lead()
        line = self.env['crm.erp.lead.line'].create({'lead_id': lead.id, 'product_id': self.product.id,
                                                     'product_uom_qty': 3})
        self.assertEqual(line.product_uom_id, self.product.uom_id)
        self.assertIn('Silk Scarf (test)', line.name)
        self.assertEqual(line.customer_lead, 3.0, "the product's customer lead time")
        self.assertAlmostEqual(line.price_unit, 80.0, msg='list price 100 less the pricelist 20%')
        self.assertEqual(lead.crm_erp_pricelist_id, self.pricelist)
        self.assertEqual(line.currency_id, self.pricelist.currency_id)

    def test_onchange_product_and_quantity(self):
        lead = self.make_lead()
        line = self.env['crm.erp.lead.line'].new({'lead_id': lead.id, 'product_id': self.product.id})
        res = line._onchange_product_id()
        self.assertEqual(line.product_uom_id, self.product.uom_id)
        self.assertAlmostEqual(line.price_unit, 80.0)
        self.assertEqual(res['domain']['product_uom_id'],
                         [('category_id', '=', self.product.uom_id.category_id.id)])
        dozen = self.env.ref('product.product_uom_dozen')
        line.product_uom_id = dozen
        line._onchange_price()
        self.assertAlmostEqual(line.price_unit, 960.0, msg='12 units at 80')

    def test_totals_drive_expected_revenue(self):
        lead = self.make_lead(planned_revenue=5000.0)
        self.assertEqual(lead.planned_revenue, 5000.0, 'no lines: the rep types the revenue')
        lead.write({'crm_erp_line_ids': [
            (0, 0, {'product_id': self.product.id, 'product_uom_qty': 3, 'price_unit': 100.0,
                    'discount': 10.0}),
            (0, 0, {'product_id': self.service.id, 'product_uom_qty': 2, 'price_unit': 50.0}),
        ]})
        first, second = lead.crm_erp_line_ids
        self.assertAlmostEqual(first.price_subtotal, 270.0)
        self.assertAlmostEqual(second.price_subtotal, 100.0)
        self.assertAlmostEqual(lead.crm_erp_amount_total, 370.0)
        self.assertAlmostEqual(lead.planned_revenue, 370.0)
        first.product_uom_qty = 5
        self.assertAlmostEqual(lead.planned_revenue, 550.0)
        second.unlink()
        self.assertAlmostEqual(lead.planned_revenue, 450.0)
        self.assertEqual(lead.crm_erp_line_count, 1)

    def test_onchange_lines_shows_revenue(self):
        lead = self.make_lead(planned_revenue=1.0)
        form = self.env['crm.lead'].new({'crm_erp_line_ids': [
            (0, 0, {'product_id': self.product.id, 'product_uom_qty': 2, 'price_unit': 100.0,
                    'product_uom_id': self.product.uom_id.id, 'name': 'x'})],
            'partner_id': lead.partner_id.id, 'planned_revenue': 1.0})
        form._onchange_crm_erp_line_ids()
        self.assertAlmostEqual(form.planned_revenue, 200.0)

    def test_merge_keeps_lines(self):
        first = self.make_lead(lines=[{'product_id': self.product.id, 'product_uom_qty': 2,
                                       'price_unit': 100.0}])
        second = self.make_lead(lines=[{'product_id': self.service.id, 'product_uom_qty': 1,
                                        'price_unit': 50.0}])
        merged = (first | second).merge_opportunity()
        self.assertEqual(len(merged.crm_erp_line_ids), 2)
        self.assertEqual(set(merged.crm_erp_line_ids.mapped('product_id').ids),
                         {self.product.id, self.service.id})
        self.assertAlmostEqual(merged.planned_revenue, 250.0)

    def test_bad_lines_refused(self):
        lead = self.make_lead()
        Line = self.env['crm.erp.lead.line']
        bad = [{'product_uom_qty': 0}, {'product_uom_qty': -2}, {'discount': 120},
               {'product_uom_id': self.env.ref('product.product_uom_kgm').id}]
        for values in bad:
            # a request is one transaction: the savepoint stands for its rollback
            with self.assertRaises(ValidationError), self.cr.savepoint():
                Line.create(dict(values, lead_id=lead.id, product_id=self.product.id))
        lead.invalidate_cache()
        self.assertFalse(lead.crm_erp_line_ids)
        self.assertEqual(lead.planned_revenue, 0.0)


class TestQuotationFromLines(OrderCase):

    def lines(self):
        return [{'product_id': self.product.id, 'product_uom_qty': 4, 'price_unit': 95.0, 'discount': 5.0},
                {'product_id': self.service.id, 'product_uom_qty': 1, 'price_unit': 50.0}]

    def test_quotation_carries_lines(self):
        lead = self.make_lead(lines=self.lines())
        warehouse2 = self.env['stock.warehouse'].create({'name': 'Ningbo Test Warehouse', 'code': 'NBT'})
        lead.crm_erp_warehouse_id = warehouse2
        action = lead.sudo(self.rep).action_crm_erp_quotation()
        order = self.env['sale.order'].browse(action['res_id'])
        self.assertEqual(action['res_model'], 'sale.order')
        self.assertEqual(order.opportunity_id, lead)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.team_id, self.team)
        self.assertEqual(order.user_id, self.rep)
        self.assertEqual(order.pricelist_id, self.pricelist)
        self.assertEqual(order.warehouse_id, warehouse2)
        self.assertEqual(order.state, 'draft')
        got = [(ol.product_id, ol.product_uom_qty, ol.product_uom, ol.price_unit, ol.discount,
                ol.customer_lead, ol.name) for ol in order.order_line]
        want = [(ll.product_id, ll.product_uom_qty, ll.product_uom_id, ll.price_unit, ll.discount,
                 ll.customer_lead, ll.name) for ll in lead.crm_erp_line_ids]
        self.assertEqual(got, want)
        self.assertAlmostEqual(order.amount_untaxed, lead.crm_erp_amount_total)
        self.assertEqual(order.order_line[0].tax_id, self.product.taxes_id.filtered(
            lambda t: t.company_id == order.company_id))
        lead.invalidate_cache()
        self.assertEqual(lead.sale_number, 1, "sale_crm's quotation count shows it")
        self.assertIn(order, lead.order_ids)

    def test_new_quotation_button_carries_lines(self):
        """sale_crm's "New Quotation" opens a quotation with
        default_opportunity_id: it starts with the opportunity's lines."""
        lead = self.make_lead(lines=self.lines())
        SaleOrder = self.env['sale.order'].sudo(self.rep).with_context(
            default_opportunity_id=lead.id, default_partner_id=self.customer.id, crm_erp_with_lines=True)
        defaults = SaleOrder.default_get(['order_line', 'partner_id', 'opportunity_id', 'warehouse_id'])
        self.assertEqual(defaults['opportunity_id'], lead.id)
        lines = [cmd[2] for cmd in defaults['order_line']]
        self.assertEqual([(v['product_id'], v['product_uom_qty'], v['price_unit'], v['discount'])
                          for v in lines],
                         [(self.product.id, 4, 95.0, 5.0), (self.service.id, 1, 50.0, 0.0)])
        order = SaleOrder.create(dict(defaults, partner_id=self.customer.id))
        self.assertEqual(len(order.order_line), 2)
        self.assertEqual(order.opportunity_id, lead)
        # an opportunity without lines keeps Odoo's empty quotation
        empty = self.make_lead()
        defaults = self.env['sale.order'].with_context(
            default_opportunity_id=empty.id, crm_erp_with_lines=True).default_get(['order_line'])
        self.assertFalse(defaults.get('order_line'))
        # other ways of making an order for the opportunity (e.g. its quotation list) start empty
        defaults = self.env['sale.order'].with_context(
            default_opportunity_id=lead.id).default_get(['order_line'])
        self.assertFalse(defaults.get('order_line'))
        form = self.env['crm.lead'].fields_view_get(
            view_id=self.env.ref('crm.crm_case_form_view_oppor').id, view_type='form')['arch']
        self.assertIn("'crm_erp_with_lines': True", form)

    def test_refused_without_customer(self):
        lead = self.make_lead(lines=self.lines())
        lead.partner_id = False
        before = self.env['sale.order'].search_count([])
        with self.assertRaisesRegex(UserError, 'no customer'):
            lead.action_crm_erp_quotation()
        self.assertEqual(self.env['sale.order'].search_count([]), before)
        self.assertFalse(lead.order_ids)

    def test_refused_without_lines(self):
        lead = self.make_lead()
        with self.assertRaisesRegex(UserError, 'no product lines'):
            lead.action_crm_erp_quotation()
        self.assertFalse(lead.order_ids)

    def test_refused_unsaleable_product(self):
        lead = self.make_lead(lines=self.lines())
        self.service.sale_ok = False
        before = self.env['sale.order'].search_count([])
        before_lines = self.env['sale.order.line'].search_count([])
        with self.assertRaisesRegex(UserError, 'Scarf Gift Wrapping'):
            lead.action_crm_erp_quotation()
        with self.assertRaises(UserError):
            self.env['sale.order'].with_context(default_opportunity_id=lead.id,
                                                crm_erp_with_lines=True).default_get(['order_line'])
        self.assertEqual(self.env['sale.order'].search_count([]), before)
        self.assertEqual(self.env['sale.order.line'].search_count([]), before_lines)
        self.assertFalse(lead.order_ids)


class TestLineRights(OrderCase):

    def test_rep_sees_only_own_opportunity_lines(self):
        mine = self.make_lead(user=self.rep, lines=[{'product_id': self.product.id}])
        theirs = self.make_lead(user=self.rep2, lines=[{'product_id': self.product.id}])
        Line = self.env['crm.erp.lead.line']
        self.assertEqual(Line.sudo(self.rep).search([('lead_id', 'in', (mine | theirs).ids)]),
                         mine.crm_erp_line_ids)
        with self.assertRaises(AccessError):
            theirs.crm_erp_line_ids.sudo(self.rep).read(['product_uom_qty'])
        with self.assertRaises(AccessError):
            theirs.crm_erp_line_ids.sudo(self.rep).write({'product_uom_qty': 9})
        with self.assertRaises(AccessError):
            Line.sudo(self.rep).create({'lead_id': theirs.id, 'product_id': self.product.id})
        with self.assertRaises(AccessError):
            theirs.crm_erp_line_ids.sudo(self.rep).unlink()
        # on their own opportunity: everything, including the availability
        own = mine.crm_erp_line_ids.sudo(self.rep)
        own.write({'product_uom_qty': 2})
        self.assertEqual(own.crm_erp_availability, 'available')
        Line.sudo(self.rep).create({'lead_id': mine.id, 'product_id': self.service.id})
        self.assertEqual(len(mine.crm_erp_line_ids), 2)

    def test_lines_follow_opportunity_visibility(self):
        other_team = self.env['crm.team'].create({'name': 'Other Test Team'})
        leads = self.make_lead(user=self.rep, lines=[{'product_id': self.product.id}]) \
            | self.make_lead(user=self.rep2, lines=[{'product_id': self.product.id}]) \
            | self.make_lead(user=self.rep2, team_id=other_team.id, lines=[{'product_id': self.product.id}]) \
            | self.make_lead(user=self.sales_manager, team_id=other_team.id,
                             lines=[{'product_id': self.product.id}])
        leads |= self.make_lead(lines=[{'product_id': self.product.id}])
        leads[-1].user_id = False
        for user in (self.rep, self.rep2, self.sales_manager):
            visible = self.env['crm.lead'].sudo(user).search([('id', 'in', leads.ids)])
            lines = self.env['crm.erp.lead.line'].sudo(user).search([('lead_id', 'in', leads.ids)])
            self.assertEqual(lines.mapped('lead_id'), visible, user.login)
            self.assertTrue(0 < len(visible) < len(leads) or user == self.sales_manager, user.login)

    def test_rep_quotation_as_rep(self):
        lead = self.make_lead(user=self.rep, lines=[{'product_id': self.product.id, 'product_uom_qty': 2}])
        action = lead.sudo(self.rep).action_crm_erp_quotation()
        order = self.env['sale.order'].browse(action['res_id'])
        self.assertEqual(order.create_uid, self.rep)
        self.assertEqual(order.order_line.product_uom_qty, 2)
