"""Delivery tracking of sale orders through the ORM: the status, the dates,
the carrier, computed for many orders at once; the delivery change request
that opens a ticket and never writes the order."""
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError

from tests.common import create_user

from .common import ErpCase

NOW = '2026-06-15 12:00:00'
PAST = '2026-06-01 12:00:00'
FUTURE = '2026-07-01 12:00:00'
TODAY_DATE = date(2026, 6, 15)


class TrackingCase(ErpCase):
    """ErpCase plus helpers that put deliveries at explicit dates."""

    @classmethod
    def setUpClass(cls):
        super(TrackingCase, cls).setUpClass()
        cls.stock_user = create_user(cls.env, 'erp.stock', ['base.group_user', 'stock.group_stock_user'])
        cls.service = cls.env['product.product'].create({'name': 'Installation (test)', 'type': 'service',
                                                         'invoice_policy': 'order'})

    @classmethod
    def outgoing(cls, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == 'outgoing')

    @classmethod
    def schedule(cls, order, date):
        cls.outgoing(order).filtered(lambda p: p.state not in ('done', 'cancel')).write(
            {'scheduled_date': date})

    @classmethod
    def deliver_at(cls, order, date, qty=None):
        """Validate the open delivery (`qty` of it: a backorder keeps the rest) on `date`."""
        picking = cls.outgoing(order).filtered(lambda p: p.state not in ('done', 'cancel'))
        picking.action_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty if qty is None else qty
        picking.action_done()
        picking.write({'date_done': date})
        return picking

    def tracking(self, order, now=NOW):
        order = order.with_context(delivery_status_now=now)
        order.invalidate_cache()
        return (order.delivery_status, order.delivery_expected_date, order.delivery_done_date)


class TestDeliveryStatus(TrackingCase):

    def test_waiting_late_partial_delivered(self):
        order = self.make_order(qty=5)
        self.schedule(order, FUTURE)
        self.assertEqual(self.tracking(order), ('waiting', FUTURE, False))
        self.schedule(order, PAST)
        self.assertEqual(self.tracking(order), ('late', PAST, False))
        # 2 of 5 leave on June 10; the backorder is planned for July
        self.schedule(order, FUTURE)
        first = self.deliver_at(order, '2026-06-10 09:30:00', qty=2)
        backorder = self.outgoing(order) - first
        self.assertEqual(len(backorder), 1)
        backorder.scheduled_date = '2026-07-03 12:00:00'
        self.assertEqual(self.tracking(order), ('partial', '2026-07-03 12:00:00', '2026-06-10 09:30:00'))
        # the backorder is now late: late wins over partly delivered
        self.assertEqual(self.tracking(order, now='2026-07-04 08:00:00')[0], 'late')
        self.deliver_at(order, '2026-07-02 16:00:00')
        self.assertEqual(self.tracking(order, now='2026-07-04 08:00:00'),
                         ('delivered', False, '2026-07-02 16:00:00'))

    def test_nothing_to_deliver_and_commitment_date(self):
        services = self.make_order(order_line=[(0, 0, {'product_id': self.service.id, 'product_uom_qty': 1,
                                                       'price_unit': 50.0})])
        self.assertEqual(self.tracking(services), ('nothing', False, False))
        # a quotation: no delivery yet, the commitment date is the order date plus the lead time
        quote = self.make_order(confirm=False, date_order='2026-05-01 12:00:00', order_line=[
            (0, 0, {'product_id': self.product.id, 'product_uom_qty': 1, 'price_unit': 100.0,
                    'customer_lead': 3}),
            (0, 0, {'product_id': self.product.id, 'product_uom_qty': 1, 'price_unit': 100.0,
                    'customer_lead': 7})])
        self.assertEqual(self.tracking(quote), ('nothing', '2026-05-04 12:00:00', False))
        self.assertEqual(quote.delivery_commitment_date, '2026-05-04 12:00:00')
        quote.picking_policy = 'one'     # ships when everything is there: the longest lead
        self.assertEqual(self.tracking(quote)[1], '2026-05-08 12:00:00')

    def test_cancelled_deliveries_and_returns_do_not_count(self):
        order = self.make_order(qty=2)
        self.schedule(order, FUTURE)
        self.deliver_at(order, '2026-06-10 10:00:00')
        extra = self.outgoing(order).copy({'scheduled_date': PAST})
        extra.action_cancel()
        self.assertEqual(self.tracking(order)[0], 'delivered')
        self.assertEqual(order._portal_deliveries(), self.outgoing(order) - extra)

    def test_carrier_and_tracking_references(self):
        order = self.make_order(qty=5)
        self.schedule(order, FUTURE)
        first = self.deliver_at(order, '2026-06-10 09:30:00', qty=2)
        backorder = self.outgoing(order) - first
        first.sudo(self.stock_user).write({'delivery_carrier_name': 'SF Express',
                                           'delivery_tracking_ref': 'SF1234567890',
                                           'delivery_tracking_url': 'https://track.example.com/SF1234567890'})
        backorder.sudo(self.stock_user).write({'delivery_carrier_name': 'SF Express',
                                               'delivery_tracking_ref': 'SF1234567999'})
        order.invalidate_cache()
        self.assertEqual(order.delivery_carrier_name, 'SF Express')
        self.assertEqual(order.delivery_tracking_ref, 'SF1234567890, SF1234567999')
        for url in ('javascript:alert(1)', 'track.example.com/x', 'ftp://track.example.com/x'):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                backorder.write({'delivery_tracking_url': url})
        backorder.invalidate_cache()
        self.assertFalse(backorder.delivery_tracking_url)
        # a sales rep reads the carrier but cannot change the delivery
        self.assertEqual(order.sudo(self.rep).delivery_tracking_ref, 'SF1234567890, SF1234567999')

    def test_status_of_many_orders_in_the_same_number_of_queries(self):
        orders = self.env['sale.order']
        for i in range(10):
            order = self.make_order(qty=1)
            self.schedule(order, PAST if i % 3 == 0 else FUTURE)
            if i % 3 == 1:
                self.deliver_at(order, '2026-06-10 10:00:00')
            orders |= order
        orders = orders.with_context(delivery_status_now=NOW)

        def queries(records):
            records.invalidate_cache()
            before = self.env.cr.sql_log_count
            records.mapped('delivery_status')
            return self.env.cr.sql_log_count - before
        self.assertEqual(queries(orders), queries(orders[:2]))
        self.assertLessEqual(queries(orders), 3)
        statuses = orders.mapped('delivery_status')
        self.assertEqual([statuses.count(s) for s in ('late', 'delivered', 'waiting')], [4, 3, 3])


class TestDeliveryChangeRequest(TrackingCase):

    @classmethod
    def setUpClass(cls):
        super(TestDeliveryChangeRequest, cls).setUpClass()
        Partner = cls.env['res.partner']
        cls.depot = Partner.create({'name': 'Silk Depot Ningbo', 'parent_id': cls.customer.id,
                                    'type': 'delivery', 'street': '8 Harbour Road', 'city': 'Ningbo'})
        cls.foreign_depot = Partner.create({'name': 'Oslo Depot', 'parent_id': cls.customer2.id,
                                            'type': 'delivery', 'city': 'Oslo'})
        cls.portal = create_user(cls.env, 'erp.portal', ['base.group_portal'], partner_id=cls.contact.id)
        cls.service_team = cls.env['crm.service.team'].create({'name': 'Delivery Desk (test)'})
        cls.category = cls.env.ref('crm_erp_bridge.crm_service_category_delivery_change')

    def setUp(self):
        super(TestDeliveryChangeRequest, self).setUp()
        self.order = self.make_order(qty=3)
        self.schedule(self.order, FUTURE)

    def snapshot(self, order):
        order.invalidate_cache()
        return (order.partner_shipping_id, order.state, order.write_date,
                self.outgoing(order).mapped('scheduled_date'), self.outgoing(order).mapped('partner_id'),
                self.env['crm.service.ticket'].search_count([]))

    def request(self, order=None, **values):
        order = (order or self.order).sudo(self.portal)
        return order._portal_request_delivery_change(self.portal.partner_id, today=TODAY_DATE, **values)

    def test_request_opens_one_ticket_and_leaves_the_order(self):
        self.order.team_id.service_team_id = self.service_team
        before = self.snapshot(self.order)
        ticket = self.request(address_id=str(self.depot.id), date='2026-07-20',
                              message='Our shop is closed <b>in</b> July.')
        self.assertEqual(len(ticket), 1)
        self.assertEqual((ticket.category_id, ticket.channel, ticket.partner_id, ticket.commercial_partner_id,
                          ticket.sale_order_id, ticket.team_id, ticket.company_id),
                         (self.category, 'portal', self.contact, self.customer, self.order,
                          self.service_team, self.order.company_id))
        self.assertIn('Silk Depot Ningbo', ticket.description)
        self.assertIn('8 Harbour Road', ticket.description)
        self.assertIn('2026-07-20', ticket.description)
        self.assertIn('&lt;b&gt;in&lt;/b&gt;', ticket.description)
        self.assertEqual(self.snapshot(self.order)[:5], before[:5])
        self.assertEqual(self.snapshot(self.order)[5], before[5] + 1)
        # the customer follows the ticket and sees it; the salesperson follows it and has a to-do
        self.assertIn(self.contact, ticket.message_partner_ids)
        self.assertIn(self.rep.partner_id, ticket.message_partner_ids)
        self.assertEqual(ticket.sudo(self.portal).name, 'Delivery change for %s' % self.order.name)
        activity = self.env['mail.activity'].search([('res_model', '=', 'sale.order'),
                                                     ('res_id', '=', self.order.id)])
        self.assertEqual((len(activity), activity.user_id), (1, self.rep))
        self.assertIn(ticket.number, activity.summary)

    def test_new_address_and_team_fallback(self):
        self.order.team_id.service_team_id = False
        ticket = self.request(address_id='new', new_address='Room 5, 1 Lake Street\nHangzhou')
        self.assertIn('Room 5, 1 Lake Street<br>Hangzhou', ticket.description)
        company_teams = self.env['crm.service.team'].search([('company_id', '=', self.order.company_id.id)])
        self.assertEqual(ticket.team_id, company_teams[:1])

    def test_bad_requests_create_nothing(self):
        delivered = self.make_order(qty=1)
        self.deliver_at(delivered, '2026-06-10 10:00:00')
        cancelled = self.make_order(qty=1)
        cancelled.action_cancel()
        cases = [
            (self.order, {}, 'Choose a new delivery address or a new delivery date.'),
            (self.order, {'message': 'only a message'}, 'Choose a new delivery address or a new delivery '
                                                        'date.'),
            (self.order, {'date': '2026-06-15'}, 'Choose a delivery date after today.'),
            (self.order, {'date': '2026-06-01'}, 'Choose a delivery date after today.'),
            (self.order, {'date': '2026-02-30'}, 'is not a valid date'),
            (self.order, {'date': '15/07/2026'}, 'is not a valid date'),
            (self.order, {'date': '26-07-15'}, 'is not a valid date'),
            (self.order, {'address_id': str(self.foreign_depot.id)}, 'Choose one of your delivery addresses'),
            (self.order, {'address_id': '99999999'}, 'Choose one of your delivery addresses'),
            (self.order, {'address_id': 'x1'}, 'Choose one of your delivery addresses'),
            (self.order, {'address_id': 'new', 'new_address': '  '}, 'Describe the new delivery address.'),
            (self.order, {'date': '2026-07-20', 'message': 'x' * 2001}, 'too long'),
            (delivered, {'date': '2026-07-20'}, 'has been delivered in full'),
            (cancelled, {'date': '2026-07-20'}, 'is cancelled'),
        ]
        before = {o: self.snapshot(o) for o in (self.order, delivered, cancelled)}
        activities = self.env['mail.activity'].search_count([])
        for order, values, message in cases:
            with self.assertRaises(UserError) as error:
                self.request(order, **values)
            self.assertIn(message, error.exception.name, values)
        for order, state in before.items():
            self.assertEqual(self.snapshot(order), state)
        self.assertEqual(self.env['mail.activity'].search_count([]), activities)

    def test_portal_user_reads_no_delivery_and_writes_no_order(self):
        picking = self.outgoing(self.order)
        with self.assertRaises(AccessError):
            picking.sudo(self.portal).read(['delivery_tracking_ref'])
        with self.assertRaises(AccessError):
            self.order.sudo(self.portal).write({'partner_shipping_id': self.depot.id})
        # the addresses offered are the customer's own
        addresses = self.order.sudo(self.portal)._portal_delivery_addresses(self.portal.partner_id)
        self.assertIn(self.depot, addresses)
        self.assertIn(self.customer, addresses)
        self.assertNotIn(self.foreign_depot, addresses)
