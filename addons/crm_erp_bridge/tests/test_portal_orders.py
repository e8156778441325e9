"""Order tracking on the portal over real HTTP: two customer companies with a
portal user each; orders delivered, late, partly delivered and waiting at
explicit dates; the delivery change request with good and bad input,
forged ids, a public visitor and a missing CSRF token. Every refusal
leaves the data as it was."""
import re

from odoo.tests import common as odoo_common

from tests.common import HttpCase, create_user

LATE = '2020-01-10 12:00:00'          # before any clock that runs this test
LATER = '2099-07-03 12:00:00'         # after any clock that runs this test
FAR = '2099-08-01 12:00:00'


class PortalOrderFixture(object):

    def make_fixture(self):
        env = self.env
        Partner = env['res.partner']
        self.rep = create_user(env, 'test.erp.portal.rep', ['base.group_user', 'crm_sales.group_sales_rep'])
        self.company1 = Partner.create({'name': 'Hangzhou Pumps Ltd', 'is_company': True, 'customer': True})
        self.company2 = Partner.create({'name': 'Ningbo Valves Co', 'is_company': True, 'customer': True})
        self.user1 = self._portal_user('test.erp.portal.one', 'Chen Jing', self.company1)
        self.user2 = self._portal_user('test.erp.portal.two', 'Zhou Bo', self.company2)
        warehouse = env['stock.warehouse'].search([('company_id', '=', env.user.company_id.id)], limit=1)
        self.product = env['product.product'].create({'name': 'Pump P-100 (test)', 'type': 'product',
                                                      'list_price': 80.0, 'invoice_policy': 'order'})
        env['stock.quant']._update_available_quantity(self.product, warehouse.lot_stock_id, 100.0)

        self.delivered = self.make_order(self.company1, 1)
        self.schedule(self.delivered, LATER)
        self.deliver(self.delivered, '2026-03-05 12:00:00')
        self.late = self.make_order(self.company1, 1)
        self.schedule(self.late, LATE)
        self.partial = self.make_order(self.company1, 5)
        self.schedule(self.partial, LATER)
        self.first = self.deliver(self.partial, '2026-03-06 12:00:00', qty=2)
        self.first.write({'delivery_carrier_name': 'SF Express', 'delivery_tracking_ref': 'SF1234567890',
                          'delivery_tracking_url': 'https://track.example.com/SF1234567890'})
        self.backorder = self.outgoing(self.partial) - self.first
        self.backorder.write({'delivery_tracking_ref': 'SF-NEXT-77'})
        self.waiting = self.make_order(self.company1, 1)
        self.schedule(self.waiting, FAR)
        self.order2 = self.make_order(self.company2, 1)
        self.schedule(self.order2, FAR)
        # delivery addresses made after the orders, so the orders keep the company address
        self.depot1 = Partner.create({'name': 'Pumps Depot Ningbo', 'parent_id': self.company1.id,
                                      'type': 'delivery', 'street': '8 Harbour Road', 'city': 'Ningbo'})
        self.depot2 = Partner.create({'name': 'Valves Depot Oslo', 'parent_id': self.company2.id,
                                      'type': 'delivery', 'city': 'Oslo'})
        self.category = env.ref('crm_erp_bridge.crm_service_category_delivery_change')

    def _portal_user(self, login, name, company):
        partner = self.env['res.partner'].create({'name': name, 'parent_id': company.id,
                                                  'email': '%s@example.com' % login})
        return create_user(self.env, login, ['base.group_portal'], partner_id=partner.id, name=name)

    def make_order(self, partner, qty):
        order = self.env['sale.order'].create({
            'partner_id': partner.id, 'user_id': self.rep.id,
            'order_line': [(0, 0, {'product_id': self.product.id, 'product_uom_qty': qty,
                                   'price_unit': 80.0})]})
        order.action_confirm()
        return order

    def outgoing(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == 'outgoing')

    def schedule(self, order, date):
        self.outgoing(order).filtered(lambda p: p.state not in ('done', 'cancel')).write(
            {'scheduled_date': date})

    def deliver(self, order, date, qty=None):
        picking = self.outgoing(order).filtered(lambda p: p.state not in ('done', 'cancel'))
        picking.action_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty if qty is None else qty
        picking.action_done()
        picking.write({'date_done': date})
        return picking

    def state_of(self, order):
        """What a change request must never touch, and the tickets and to-dos."""
        order.invalidate_cache()
        pickings = self.outgoing(order)
        return {
            'order': (order.partner_shipping_id.id, order.state, order.write_date),
            'pickings': [(p.id, p.partner_id.id, p.scheduled_date, p.state) for p in pickings],
            'tickets': self.env['crm.service.ticket'].search_count([]),
            'activities': self.env['mail.activity'].search_count([]),
        }


@odoo_common.at_install(False)
@odoo_common.post_install(True)
class TestPortalOrders(PortalOrderFixture, HttpCase):

    def setUp(self):
        super(TestPortalOrders, self).setUp()
        self.make_fixture()

    # -- helpers (the same as crm_service's portal tests) -----------------

    def flush_to_server(self):
        """Let the server see what the test wrote. Odoo 11 rolls the request
        cursor back to its last savepoint before running an auth='public'
        route (the order page is one), which would drop the test's writes;
        on the test cursor a commit only moves that savepoint, and the test
        still ends in a full rollback."""
        self.env.cr.commit()  # pylint: disable=invalid-commit (the test cursor: a savepoint)

    def url_open(self, url, data=None, timeout=60, allow_redirects=True):
        self.flush_to_server()
        return super(TestPortalOrders, self).url_open(url, data=data, timeout=timeout,
                                                      allow_redirects=allow_redirects)

    def login_as(self, user):
        self.opener.cookies.clear()
        res = self.web_login(user.login, user.login)
        self.assertEqual(res.status_code, 200)
        self.assertNotIn('Wrong login/password', res.text)

    def page(self, order, query=''):
        return self.url_open('/my/orders/%d%s' % (order.id, query))

    def change(self, order, data, csrf=True, allow_redirects=True):
        values = dict(data)
        if csrf:
            values['csrf_token'] = self.csrf_token(self.page(self.waiting).text)
        self.flush_to_server()
        res = self.opener.post(self.base_url + '/my/orders/%d/change' % order.id, data=values, timeout=60,
                               allow_redirects=allow_redirects)
        self.env['sale.order'].invalidate_cache()   # the server wrote behind our cache (all models)
        return res

    def row_of(self, page, order):
        """The <tr> of `order` in the list."""
        match = re.search(r'<tr>\s*<td>\s*<a href="/my/orders/%d\?[^"]*">.*?</tr>' % order.id, page, re.S)
        self.assertTrue(match, 'no row for %s' % order.name)
        return match.group(0)

    def status_of(self, html):
        return re.findall(r'data-status="(\w+)"', html)

    # -- list and order page ----------------------------------------------

    def test_list_shows_status_and_expected_date(self):
        self.login_as(self.user1)
        page = self.url_open('/my/orders').text
        self.assertIn('Delivery</th>', page)
        expected = [
            (self.delivered, 'delivered', '03/05/2026'),
            (self.late, 'late', '01/10/2020'),
            (self.partial, 'partial', '07/03/2099'),
            (self.waiting, 'waiting', '08/01/2099'),
        ]
        for order, status, date in expected:
            row = self.row_of(page, order)
            self.assertEqual(self.status_of(row), [status], order.name)
            self.assertIn(date, row, order.name)
        self.assertNotIn(self.order2.name, page)
        # the other customer sees their own order only
        self.login_as(self.user2)
        page = self.url_open('/my/orders').text
        self.assertEqual(self.status_of(self.row_of(page, self.order2)), ['waiting'])
        self.assertNotIn(self.partial.name, page)

    def test_order_page_lists_the_deliveries_with_carrier(self):
        self.login_as(self.user1)
        page = self.page(self.partial).text
        section = page[page.index('id="o_portal_order_delivery"'):]
        # the order's status, then one status per delivery
        self.assertEqual(self.status_of(section)[:3], ['partial', 'delivered', 'ready'])
        self.assertIn('Expected on', section)
        self.assertIn('07/03/2099', section)
        self.assertIn(self.first.name, section)
        self.assertIn(self.backorder.name, section)
        self.assertIn('SF Express', section)
        link = re.search(r'<a [^>]*href="https://track.example.com/SF1234567890"[^>]*>SF1234567890</a>',
                         section)
        self.assertTrue(link)
        self.assertIn('rel="noopener noreferrer"', link.group(0))
        self.assertIn('SF-NEXT-77', section)
        # every delivery line has its five cells, even without a carrier
        for line in re.findall(r'<tr class="o_portal_order_delivery_line">(.*?)</tr>', section, re.S):
            self.assertEqual(line.count('<td'), 5, line)
        self.assertIn('03/06/2026', section)
        self.assertIn('o_portal_order_change_form', section)
        # delivered: the date it was delivered, and no change form
        page = self.page(self.delivered).text
        section = page[page.index('id="o_portal_order_delivery"'):]
        self.assertEqual(self.status_of(section)[:2], ['delivered', 'delivered'])
        self.assertIn('Delivered on', section)
        self.assertIn('03/05/2026', section)
        self.assertNotIn('o_portal_order_change_form', section)
        self.assertIn('has been delivered in full', section)
        page = self.page(self.late).text
        section = page[page.index('id="o_portal_order_delivery"'):]
        self.assertEqual(self.status_of(section)[:2], ['late', 'late'])

    # -- change request -----------------------------------------------------

    def test_change_request_opens_one_ticket_and_leaves_the_order(self):
        before = self.state_of(self.partial)
        self.login_as(self.user1)
        page = self.page(self.partial).text
        self.assertIn('value="%d"' % self.depot1.id, page)
        self.assertNotIn('Valves Depot Oslo', page)
        res = self.change(self.partial, {'address_id': str(self.depot1.id), 'date': '2099-09-01',
                                         'message': 'Our shop is closed in July.'})
        self.assertEqual(res.status_code, 200)
        self.assertIn('/my/orders/%d?change=sent' % self.partial.id, res.url)
        self.assertIn('your request has been sent', res.text)
        tickets = self.env['crm.service.ticket'].search([('sale_order_id', '=', self.partial.id)])
        self.assertEqual(len(tickets), 1)
        ticket = tickets
        self.assertEqual((ticket.category_id, ticket.channel, ticket.partner_id,
                          ticket.commercial_partner_id),
                         (self.category, 'portal', self.user1.partner_id, self.company1))
        for text in ('Pumps Depot Ningbo', '8 Harbour Road', '2099-09-01', 'Our shop is closed in July.'):
            self.assertIn(text, ticket.description)
        self.assertIn(self.rep.partner_id, ticket.message_partner_ids)
        self.assertIn('/my/tickets/%d' % ticket.id, res.text)
        after = self.state_of(self.partial)
        self.assertEqual((after['order'], after['pickings']), (before['order'], before['pickings']))
        self.assertEqual((after['tickets'], after['activities']),
                         (before['tickets'] + 1, before['activities'] + 1))
        activity = self.env['mail.activity'].search([('res_model', '=', 'sale.order'),
                                                     ('res_id', '=', self.partial.id)])
        self.assertEqual(activity.user_id, self.rep)
        # the customer finds it among their tickets
        tickets_page = self.url_open('/my/tickets').text
        self.assertIn(ticket.number, tickets_page)
        self.assertEqual(self.url_open('/my/tickets/%d' % ticket.id).status_code, 200)
        # a new address described in words
        res = self.change(self.waiting, {'address_id': 'new', 'new_address': 'Room 5, 1 Lake Street'})
        self.assertEqual(res.status_code, 200)
        ticket = self.env['crm.service.ticket'].search([('sale_order_id', '=', self.waiting.id)])
        self.assertIn('Room 5, 1 Lake Street', ticket.description)

    def test_bad_change_requests_show_the_form_again_and_create_nothing(self):
        cancelled = self.make_order(self.company1, 1)
        cancelled.action_cancel()
        no_change = 'Choose a new delivery address or a new delivery date.'
        cases = [
            (self.partial, {}, no_change),
            (self.partial, {'message': 'Just saying hello'}, no_change),
            (self.partial, {'date': '2020-01-01'}, 'Choose a delivery date after today.'),
            (self.partial, {'date': '31/12/2099'}, 'is not a valid date'),
            (self.partial, {'date': '2099-02-30'}, 'is not a valid date'),
            (self.partial, {'address_id': str(self.depot2.id)}, 'Choose one of your delivery addresses'),
            (self.partial, {'address_id': str(self.user2.partner_id.id)},
             'Choose one of your delivery addresses'),
            (self.partial, {'address_id': 'new', 'new_address': ''}, 'Describe the new delivery address.'),
            (self.delivered, {'date': '2099-09-01'}, 'has been delivered in full'),
            (cancelled, {'date': '2099-09-01'}, 'is cancelled'),
        ]
        orders = (self.partial, self.delivered, cancelled)
        before = {o: self.state_of(o) for o in orders}
        self.login_as(self.user1)
        for order, data, message in cases:
            res = self.change(order, data)
            self.assertEqual(res.status_code, 400, message)
            self.assertIn(message, res.text)
            self.assertIn('o_portal_order_change_error', res.text, message)
        # what the customer typed is kept
        res = self.change(self.partial, {'date': '2020-01-01', 'message': 'kept text'})
        self.assertIn('kept text</textarea>', res.text)
        self.assertIn('value="2020-01-01"', res.text)
        for order in orders:
            self.assertEqual(self.state_of(order), before[order])

    # -- security -----------------------------------------------------------

    def test_other_customer_order_is_the_same_404_as_an_unknown_id(self):
        before = self.state_of(self.partial)
        self.login_as(self.user2)
        other = self.page(self.partial)
        self.assertEqual(other.status_code, 404)
        self.assertNotIn(self.partial.name, other.text)
        self.assertNotIn('SF1234567890', other.text)
        unknown_id = self.env['sale.order'].search([], order='id desc', limit=1).id + 1000
        unknown = self.url_open('/my/orders/%d' % unknown_id)
        self.assertEqual(unknown.status_code, 404)
        self.assertEqual(other.text, unknown.text)
        self.assertIn('Order not found', unknown.text)
        for path in ('/my/orders/pdf/%d' % self.partial.id, '/my/orders/pdf/%d' % unknown_id):
            res = self.url_open(path)
            self.assertEqual(res.status_code, 404, path)
            self.assertNotEqual(res.headers.get('Content-Type'), 'application/pdf')
        # forged change requests: another customer's order, an unknown one
        for order_id in (self.partial.id, unknown_id):
            res = self.opener.post(self.base_url + '/my/orders/%d/change' % order_id, timeout=60, data={
                'csrf_token': self.csrf_token(self.page(self.order2).text),
                'address_id': str(self.depot2.id), 'date': '2099-09-01'})
            self.assertEqual(res.status_code, 404)
            self.assertEqual(res.text, unknown.text)
        self.assertEqual(self.state_of(self.partial), before)
        # and their own order works
        self.assertEqual(self.page(self.order2).status_code, 200)

    def test_public_visitor_logs_in_and_a_token_link_only_shows(self):
        before = self.state_of(self.partial)
        self.opener.cookies.clear()
        for path in ('/my/orders', '/my/orders/%d' % self.partial.id):
            res = self.url_open(path, allow_redirects=False)
            self.assertIn(res.status_code, (302, 303), path)
            self.assertIn('/web/login', res.headers['Location'], path)
        res = self.url_open('/my/orders/%d' % self.partial.id)
        self.assertNotIn('SF1234567890', res.text)
        # the order's token link shows the order and its deliveries, without the change form
        page = self.page(self.partial, '?access_token=%s' % self.partial.access_token)
        self.assertEqual(page.status_code, 200)
        self.assertIn('SF1234567890', page.text)
        self.assertNotIn('o_portal_order_change_form', page.text)
        wrong = self.page(self.partial, '?access_token=%s' % self.order2.access_token)
        self.assertEqual(wrong.status_code, 404)
        self.assertNotIn('SF1234567890', wrong.text)
        # a change request needs a login (and a CSRF token)
        token = self.csrf_token(self.url_open('/web/login').text)
        res = self.opener.post(self.base_url + '/my/orders/%d/change?access_token=%s' % (
            self.partial.id, self.partial.access_token), data={'csrf_token': token, 'date': '2099-09-01'},
            timeout=60, allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))
        self.assertIn('/web/login', res.headers['Location'])
        self.assertEqual(self.state_of(self.partial), before)

    def test_change_request_needs_post_and_csrf(self):
        before = self.state_of(self.partial)
        self.login_as(self.user1)
        res = self.change(self.partial, {'date': '2099-09-01'}, csrf=False)
        self.assertEqual(res.status_code, 400)
        res = self.change(self.partial, {'date': '2099-09-01', 'csrf_token': 'forged'}, csrf=False)
        self.assertEqual(res.status_code, 400)
        res = self.url_open('/my/orders/%d/change?date=2099-09-01' % self.partial.id)
        self.assertNotEqual(res.status_code, 200)
        self.assertEqual(self.state_of(self.partial), before)
