"""Live availability per warehouse and expected delivery dates on the
opportunity lines and the quotation lines."""
from .test_opportunity_lines import OrderCase


class TestAvailability(OrderCase):

    @classmethod
    def setUpClass(cls):
        super(TestAvailability, cls).setUpClass()
        env = cls.env
        cls.warehouse2 = env['stock.warehouse'].create({'name': 'Shanghai Test Warehouse', 'code': 'SHT'})
        # ErpCase: 50 on hand in the main warehouse; here 20 more in the second one
        env['stock.quant']._update_available_quantity(cls.product, cls.warehouse2.lot_stock_id, 20.0)
        # 30 incoming to the main warehouse (a confirmed receipt) ...
        receipt = env['stock.move'].create({
            'name': 'Scarves from the mill', 'product_id': cls.product.id, 'product_uom_qty': 30.0,
            'product_uom': cls.product.uom_id.id, 'location_id': env.ref('stock.stock_location_suppliers').id,
            'location_dest_id': cls.warehouse.lot_stock_id.id})
        receipt._action_confirm()
        # ... and 10 reserved for a confirmed order
        cls.reserved_order = cls.make_order(qty=10.0)
        cls.vendor = env['res.partner'].create({'name': 'Suzhou Silk Mill (test)', 'supplier': True})
        cls.rare = env['product.product'].create({
            'name': 'Embroidered Silk Robe (test)', 'type': 'product', 'list_price': 400.0,
            'sale_delay': 5, 'seller_ids': [(0, 0, {'name': cls.vendor.id, 'delay': 12, 'price': 200.0})]})
        cls.env.user.company_id.security_lead = 1.0

    def lead_with(self, *lines, **values):
        return self.make_lead(lines=[dict(product_id=p.id, product_uom_qty=q) for p, q in lines], **values)

    def test_quantities_per_warehouse(self):
        self.assertEqual(self.reserved_order.picking_ids.state, 'assigned')
        lead = self.lead_with((self.product, 40.0), crm_erp_warehouse_id=self.warehouse.id)
        line = lead.crm_erp_line_ids
        self.assertAlmostEqual(line.crm_erp_wh_qty_on_hand, 50.0)
        self.assertAlmostEqual(line.crm_erp_wh_qty_forecast, 70.0, msg='50 + 30 incoming - 10 reserved')
        self.assertAlmostEqual(line.crm_erp_qty_on_hand, 70.0, msg='both warehouses')
        self.assertAlmostEqual(line.crm_erp_qty_forecast, 90.0)
        html = line.crm_erp_availability_html
        self.assertIn(self.warehouse.name, html)
        self.assertIn('Shanghai Test Warehouse', html)
        self.assertIn('70.00', html)
        self.assertIn('Shanghai Test Warehouse', lead.crm_erp_availability_html)
        # the same product seen from the second warehouse
        lead.crm_erp_warehouse_id = self.warehouse2
        line.invalidate_cache()
        self.assertAlmostEqual(line.crm_erp_wh_qty_on_hand, 20.0)
        self.assertAlmostEqual(line.crm_erp_wh_qty_forecast, 20.0)
        self.assertEqual(line.crm_erp_availability, 'partial', '20 of 40')

    def test_quantities_in_line_unit(self):
        dozen = self.env.ref('product.product_uom_dozen')
        lead = self.make_lead(lines=[{'product_id': self.product.id, 'product_uom_qty': 2,
                                      'product_uom_id': dozen.id}], crm_erp_warehouse_id=self.warehouse.id)
        line = lead.crm_erp_line_ids
        self.assertAlmostEqual(line.crm_erp_wh_qty_on_hand, 50.0 / 12, places=3)
        self.assertEqual(line.crm_erp_availability, 'available', '24 units of 50')

    def test_status(self):
        lead = self.lead_with((self.product, 50.0), (self.product, 51.0), (self.rare, 1.0),
                              (self.service, 3.0),
                              crm_erp_warehouse_id=self.warehouse.id)
        states = lead.crm_erp_line_ids.mapped('crm_erp_availability')
        self.assertEqual(states, ['available', 'partial', 'unavailable', 'no_stock'])
        self.assertEqual(lead.crm_erp_availability, 'partial')
        only_ok = self.lead_with((self.product, 5.0), (self.service, 1.0),
                                 crm_erp_warehouse_id=self.warehouse.id)
        self.assertEqual(only_ok.crm_erp_availability, 'available')

    def test_expected_dates(self):
        lead = self.lead_with((self.product, 10.0), (self.rare, 2.0), crm_erp_warehouse_id=self.warehouse.id)
        lines = lead.with_context(crm_erp_today='2026-03-02').crm_erp_line_ids
        available, missing = lines
        self.assertEqual(available.crm_erp_date_expected, '2026-03-06', '2 March + 3 days lead + 1 security')
        self.assertEqual(missing.crm_erp_date_expected, '2026-03-20',
                         '2 March + 5 lead + 1 security + 12 vendor')
        self.assertEqual(lead.with_context(crm_erp_today='2026-03-02').crm_erp_date_expected, '2026-03-20')
        # the quotation counts from its own date
        action = lead.action_crm_erp_quotation()
        order = self.env['sale.order'].browse(action['res_id'])
        order.date_order = '2026-04-10 09:00:00'
        order.invalidate_cache()
        self.assertEqual(order.order_line.mapped('crm_erp_date_expected'), ['2026-04-14', '2026-04-28'])
        self.assertEqual(order.crm_erp_date_expected, '2026-04-28')
        # stock arrives for the robe: no replenishment any more
        self.env['stock.quant']._update_available_quantity(self.rare, self.warehouse.lot_stock_id, 5.0)
        order.invalidate_cache()
        self.assertEqual(order.order_line[1].crm_erp_availability, 'available')
        self.assertEqual(order.crm_erp_date_expected, '2026-04-16')

    def test_quotation_lines_availability(self):
        order = self.make_order(qty=60.0, confirm=False)
        line = order.order_line
        self.assertAlmostEqual(line.crm_erp_wh_qty_on_hand, 50.0)
        self.assertAlmostEqual(line.crm_erp_wh_qty_forecast, 70.0)
        self.assertAlmostEqual(line.crm_erp_qty_forecast, 90.0)
        self.assertEqual(line.crm_erp_availability, 'partial')
        self.assertIn('Shanghai Test Warehouse', order.crm_erp_availability_html)
        order.warehouse_id = self.warehouse2
        order.invalidate_cache()
        self.assertAlmostEqual(line.crm_erp_wh_qty_on_hand, 20.0)

    def test_rep_sees_availability(self):
        lead = self.lead_with((self.product, 10.0), crm_erp_warehouse_id=self.warehouse.id)
        line = lead.crm_erp_line_ids.sudo(self.rep)
        self.assertAlmostEqual(line.crm_erp_qty_forecast, 90.0)
        order = self.make_order(qty=5.0, confirm=False).sudo(self.rep)
        self.assertEqual(order.order_line.crm_erp_availability, 'available')

    def count_queries(self, lines):
        lines.invalidate_cache()
        before = self.cr.sql_log_count
        lines.read(['crm_erp_qty_on_hand', 'crm_erp_qty_forecast', 'crm_erp_wh_qty_on_hand',
                    'crm_erp_availability', 'crm_erp_availability_html', 'crm_erp_date_expected'])
        return self.cr.sql_log_count - before

    def test_set_based(self):
        products = self.env['product.product']
        for i in range(12):
            products |= self.env['product.product'].create({
                'name': 'Silk Pattern %d (test)' % i, 'type': 'product', 'list_price': 10.0 + i})
            self.env['stock.quant']._update_available_quantity(products[-1], self.warehouse.lot_stock_id, i)
        small = self.lead_with(*[(p, 1.0) for p in products[:2]]).crm_erp_line_ids
        large = self.lead_with(*[(p, 1.0) for p in products]).crm_erp_line_ids
        large |= self.lead_with(*[(p, 2.0) for p in products]).crm_erp_line_ids
        self.count_queries(small)  # warm the caches of rules and views
        self.assertEqual(len(large), 24)
        self.assertEqual(self.count_queries(small), self.count_queries(large))

        def order_of(some):
            return self.make_order(confirm=False, order_line=[
                (0, 0, {'product_id': p.id, 'product_uom_qty': 1.0}) for p in some])
        small = order_of(products[:2]).order_line
        large = (order_of(products) | order_of(products) | order_of(products)).mapped('order_line')
        self.count_queries(small)
        self.assertEqual(len(large), 36)
        self.assertEqual(self.count_queries(small), self.count_queries(large))
