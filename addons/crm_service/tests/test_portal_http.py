"""The customer portal over real HTTP: two customers of two companies, and a
colleague of the first. Every route is tried with the other customer's ids,
without CSRF token, with bad input; each refusal leaves the data unchanged."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import common as odoo_common

from tests.common import HttpCase, create_user

PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64
SCRIPT = '<script>alert("x")</script>'


class PortalFixture(object):
    """Two customer companies with portal users, a ticket each, an agent."""

    def make_fixture(self):
        env = self.env
        self.team = env['crm.service.team'].create({'name': 'Portal Test Desk'})
        self.agent = create_user(env, 'test.portal.agent',
                                 ['base.group_user', 'crm_service.group_service_agent'])
        self.team.member_ids = [(4, self.agent.id)]
        self.inquiry = env.ref('crm_service.crm_service_category_inquiry')
        self.repair = env.ref('crm_service.crm_service_category_repair')
        self.company1 = env['res.partner'].create({'name': 'Hangzhou Pumps Ltd', 'is_company': True})
        self.company2 = env['res.partner'].create({'name': 'Ningbo Valves Co', 'is_company': True})
        self.user1 = self._portal_user('test.portal.one', 'Chen Jing', self.company1)
        self.user1b = self._portal_user('test.portal.colleague', 'Li Na', self.company1)
        self.user2 = self._portal_user('test.portal.two', 'Zhou Bo', self.company2)
        self.ticket1 = self.make_ticket(self.user1.partner_id, 'Pump P-100 leaks at the seal')
        self.ticket2 = self.make_ticket(self.user2.partner_id, 'Valve V-7 delivered without manual')
        self.ticket2._portal_attach([('manual_request.pdf', PDF)])
        self.att2 = self.env['ir.attachment'].search([
            ('res_model', '=', 'crm.service.ticket'), ('res_id', '=', self.ticket2.id)])

    def _portal_user(self, login, name, company):
        partner = self.env['res.partner'].create({
            'name': name, 'parent_id': company.id, 'email': '%s@example.com' % login})
        return create_user(self.env, login, ['base.group_portal'], partner_id=partner.id, name=name)

    def make_ticket(self, partner, subject, **values):
        vals = {'name': subject, 'description': '<p>%s</p>' % subject, 'team_id': self.team.id,
                'partner_id': partner.id, 'channel': 'phone', 'category_id': self.inquiry.id}
        vals.update(values)
        ticket = self.env['crm.service.ticket'].create(vals)
        ticket._portal_ensure_token()
        return ticket

    def state_of(self, ticket):
        """What a refused request must leave as it was."""
        ticket.invalidate_cache()
        return {
            'stage': ticket.stage_id.id,
            'messages': self.env['mail.message'].search_count([
                ('model', '=', ticket._name), ('res_id', '=', ticket.id)]),
            'attachments': self.env['ir.attachment'].search_count([
                ('res_model', '=', ticket._name), ('res_id', '=', ticket.id)]),
            'ratings': self.env['rating.rating'].search_count([
                ('res_model', '=', ticket._name), ('res_id', '=', ticket.id)]),
            'rating': ticket.portal_rating_id.id,
            'tickets': self.env['crm.service.ticket'].search_count([]),
        }


@odoo_common.at_install(False)
@odoo_common.post_install(True)
class TestServicePortal(PortalFixture, HttpCase):

    def setUp(self):
        super(TestServicePortal, self).setUp()
        self.make_fixture()

    # -- helpers ---------------------------------------------------------

    def url_open(self, url, data=None, timeout=60, allow_redirects=True):
        self.flush_to_server()
        return super(TestServicePortal, self).url_open(url, data=data, timeout=timeout,
                                                       allow_redirects=allow_redirects)

    def flush_to_server(self):
        """Let the server see what the test wrote. Odoo 11 rolls the request
        cursor back to its last savepoint before running an auth='public'
        route (http.py, checked_call), which would drop the test's writes;
        on the test cursor a commit only moves that savepoint, and the test
        still ends in a full rollback."""
        self.env.cr.commit()  # pylint: disable=invalid-commit (the test cursor: a savepoint)

    def login_as(self, user):
        self.opener.cookies.clear()
        res = self.web_login(user.login, user.login)
        self.assertEqual(res.status_code, 200)
        self.assertNotIn('Wrong login/password', res.text)

    def logout(self):
        self.opener.cookies.clear()

    def token(self):
        """A CSRF token of the current session."""
        return self.csrf_token(self.url_open('/my/tickets/new').text)

    def post(self, path, data, files=None, allow_redirects=True):
        self.flush_to_server()
        res = self.opener.post(self.base_url + path, data=data, files=files, timeout=60,
                               allow_redirects=allow_redirects)
        self.env['crm.service.ticket'].invalidate_cache()   # the server changed records behind our cache
        return res

    def new_ticket(self, data, files=None):
        values = {'csrf_token': self.token(), 'name': 'Noise from the motor',
                  'description': 'It rattles since Monday.'}
        values.update(data)
        return self.post('/my/tickets/new', values, files=files)

    # -- list and counter ------------------------------------------------

    def test_list_and_counter_show_the_entity_tickets_only(self):
        self.login_as(self.user1)
        home = self.url_open('/my/home').text
        self.assertRegex(home, r'<span class="badge">1</span>\s*<a href="/my/tickets">Tickets</a>')
        page = self.url_open('/my/tickets').text
        self.assertIn(self.ticket1.number, page)
        self.assertIn('Pump P-100 leaks at the seal', page)
        self.assertNotIn(self.ticket2.number, page)
        self.assertNotIn('Valve V-7', page)
        # the colleague of the same company sees the company's ticket
        self.login_as(self.user1b)
        page = self.url_open('/my/tickets').text
        self.assertIn('Pump P-100 leaks at the seal', page)
        self.assertEqual(self.url_open('/my/tickets/%d' % self.ticket1.id).status_code, 200)
        # the other customer only theirs
        self.login_as(self.user2)
        page = self.url_open('/my/tickets').text
        self.assertIn('Valve V-7', page)
        self.assertNotIn('Pump P-100', page)

    def test_users_without_ticket_access_keep_their_portal(self):
        rep = create_user(self.env, 'test.portal.salesrep',
                          ['base.group_user', 'sales_team.group_sale_salesman'])
        self.login_as(rep)
        home = self.url_open('/my/home')
        self.assertEqual(home.status_code, 200)
        self.assertNotIn('href="/my/tickets"', home.text)
        for path in ('/my/tickets', '/my/tickets/new'):
            res = self.url_open(path, allow_redirects=False)
            self.assertIn(res.status_code, (302, 303), path)
        res = self.url_open('/my/tickets/%d' % self.ticket1.id)
        self.assertEqual(res.status_code, 404)
        self.assertNotIn('Pump P-100', res.text)

    def test_list_filters_sorting_search_and_pages(self):
        partner = self.user1.partner_id
        closed_stage = self.ticket1._get_close_stage(self.team)
        for i in range(22):
            self.make_ticket(partner, 'Batch question %02d' % i,
                             category_id=(self.repair if i % 2 else self.inquiry).id,
                             priority='3' if i == 7 else '1')
        self.make_ticket(partner, 'An old closed matter', stage_id=closed_stage.id)
        self.login_as(self.user1)
        first = self.url_open('/my/tickets?sortby=date&filterby=all').text
        self.assertIn('Batch question 21', first)
        self.assertIn('/my/tickets/page/2', first)
        second = self.url_open('/my/tickets/page/2?sortby=date&filterby=all').text
        self.assertIn('Pump P-100 leaks at the seal', second)
        self.assertNotIn('Batch question 21', second)
        closed = self.url_open('/my/tickets?filterby=closed').text
        self.assertIn('An old closed matter', closed)
        self.assertNotIn('Batch question', closed)
        opened = self.url_open('/my/tickets?filterby=open').text
        self.assertNotIn('An old closed matter', opened)
        repairs = self.url_open('/my/tickets?category=%d' % self.repair.id).text
        self.assertIn('Batch question 01', repairs)
        self.assertNotIn('Batch question 02', repairs)
        by_priority = self.url_open('/my/tickets?sortby=priority').text
        self.assertLess(by_priority.index('Batch question 07'), by_priority.index('Batch question 21'))
        found = self.url_open('/my/tickets?search=%s' % self.ticket1.number).text
        self.assertIn('Pump P-100', found)
        self.assertNotIn('Batch question', found)
        # nonsense parameters fall back to the defaults, no error
        res = self.url_open('/my/tickets?sortby=id;drop&filterby=x&category=abc')
        self.assertEqual(res.status_code, 200)

    # -- ticket page -----------------------------------------------------

    def test_other_entity_ticket_is_the_same_404_as_an_unknown_id(self):
        self.login_as(self.user2)
        other = self.url_open('/my/tickets/%d' % self.ticket1.id)
        self.assertEqual(other.status_code, 404)
        self.assertNotIn('Pump P-100', other.text)
        self.assertNotIn(self.ticket1.number, other.text)
        unknown_id = self.env['crm.service.ticket'].search([], order='id desc', limit=1).id + 1000
        unknown = self.url_open('/my/tickets/%d' % unknown_id)
        self.assertEqual(unknown.status_code, 404)
        self.assertEqual(other.text, unknown.text)
        self.assertIn('Ticket not found', unknown.text)

    def test_ticket_page_shows_thread_but_no_internal_note(self):
        self.ticket1.sudo(self.agent).message_post(
            body='We send a technician on Friday.', message_type='comment', subtype='mail.mt_comment')
        self.ticket1.sudo(self.agent).message_post(
            body='Internal: customer is on credit hold.', message_type='comment', subtype='mail.mt_note')
        self.login_as(self.user1)
        page = self.url_open('/my/tickets/%d' % self.ticket1.id).text
        self.assertIn(self.ticket1.number, page)
        self.assertIn('We send a technician on Friday.', page)
        self.assertNotIn('credit hold', page)

    # -- forged ids ------------------------------------------------------

    def test_forged_ids_are_refused_in_every_route(self):
        self.ticket1._portal_attach([('photo.png', PNG)])
        att1 = self.env['ir.attachment'].search([
            ('res_model', '=', 'crm.service.ticket'), ('res_id', '=', self.ticket1.id)])
        closed = self.make_ticket(self.user1.partner_id, 'Closed pump case',
                                  stage_id=self.ticket1._get_close_stage(self.team).id)
        before = {t: self.state_of(t) for t in (self.ticket1, closed)}
        self.login_as(self.user2)
        token = self.token()
        attempts = [
            ('/my/tickets/%d/reply' % self.ticket1.id, {'message': 'forged'}),
            ('/my/tickets/%d/close' % self.ticket1.id, {}),
            ('/my/tickets/%d/reopen' % closed.id, {}),
            ('/my/tickets/%d/rate' % closed.id, {'rate': '1', 'feedback': 'forged'}),
        ]
        for path, data in attempts:
            data['csrf_token'] = token
            res = self.post(path, data)
            self.assertEqual(res.status_code, 404, path)
            self.assertNotIn('Pump', res.text, path)
        for path in ('/my/tickets/%d/attachment/%d' % (self.ticket1.id, att1.id),
                     # their own ticket with someone else's file
                     '/my/tickets/%d/attachment/%d' % (self.ticket2.id, att1.id)):
            res = self.url_open(path)
            self.assertEqual(res.status_code, 404, path)
            self.assertNotEqual(res.content, PNG)
        # their own file still downloads
        res = self.url_open('/my/tickets/%d/attachment/%d' % (self.ticket2.id, self.att2.id))
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.content, PDF)
        self.assertIn('attachment', res.headers['Content-Disposition'])
        for ticket, state in before.items():
            self.assertEqual(self.state_of(ticket), state)

    def test_new_ticket_ignores_forged_partner_and_refuses_forged_order(self):
        product = self.env['product.product'].create({'name': 'Valve V-7'})
        order2 = self.env['sale.order'].create({
            'partner_id': self.user2.partner_id.id,
            'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': 1})]})
        order2.action_confirm()
        self.login_as(self.user1)
        before = self.state_of(self.ticket1)
        res = self.new_ticket({'sale_order_id': str(order2.id)})
        self.assertEqual(res.status_code, 400)
        self.assertIn('Choose one of your own orders.', res.text)
        res = self.new_ticket({'product_id': str(product.id)})
        self.assertEqual(res.status_code, 400)
        self.assertEqual(self.state_of(self.ticket1), before)
        # a partner in the form is ignored: the ticket is the logged-in customer's
        res = self.new_ticket({'partner_id': str(self.user2.partner_id.id),
                               'commercial_partner_id': str(self.company2.id),
                               'channel': 'phone', 'name': 'Made for someone else?'})
        self.assertEqual(res.status_code, 200)
        ticket = self.env['crm.service.ticket'].search([('name', '=', 'Made for someone else?')])
        self.assertEqual(ticket.partner_id, self.user1.partner_id)
        self.assertEqual(ticket.commercial_partner_id, self.company1)
        self.assertEqual(ticket.channel, 'portal')

    # -- CSRF ------------------------------------------------------------

    def test_posts_without_csrf_token_are_refused(self):
        closed = self.make_ticket(self.user1.partner_id, 'Closed pump case',
                                  stage_id=self.ticket1._get_close_stage(self.team).id)
        before = {t: self.state_of(t) for t in (self.ticket1, closed)}
        self.login_as(self.user1)
        for path, data in [
                ('/my/tickets/%d/reply' % self.ticket1.id, {'message': 'no token'}),
                ('/my/tickets/%d/close' % self.ticket1.id, {}),
                ('/my/tickets/%d/reopen' % closed.id, {}),
                ('/my/tickets/%d/rate' % closed.id, {'rate': '10'}),
                ('/my/tickets/new', {'name': 'No token', 'description': 'No token'})]:
            res = self.post(path, data)
            self.assertEqual(res.status_code, 400, path)
        for ticket, state in before.items():
            self.assertEqual(self.state_of(ticket), state)

    # -- new ticket ------------------------------------------------------

    def test_customer_opens_a_ticket_with_a_file(self):
        product = self.env['product.product'].create({'name': 'Pump P-100'})
        order = self.env['sale.order'].create({
            'partner_id': self.company1.id,
            'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': 2})]})
        order.action_confirm()
        self.login_as(self.user1)
        form = self.url_open('/my/tickets/new').text
        self.assertIn(order.name, form)
        res = self.new_ticket({'name': 'Pump stops after an hour', 'category_id': str(self.repair.id),
                               'sale_order_id': str(order.id), 'product_id': str(product.id),
                               'description': 'Line 1\nLine 2'},
                              files=[('attachments', ('error log.txt', b'E42 overheat\n', 'text/plain')),
                                     ('attachments', ('nameplate.pdf', PDF, 'application/pdf'))])
        self.assertEqual(res.status_code, 200)
        ticket = self.env['crm.service.ticket'].search([('name', '=', 'Pump stops after an hour')])
        self.assertEqual(len(ticket), 1)
        self.assertIn('/my/tickets/%d' % ticket.id, res.url)
        self.assertIn('your ticket has been created', res.text)
        self.assertEqual((ticket.channel, ticket.partner_id, ticket.commercial_partner_id),
                         ('portal', self.user1.partner_id, self.company1))
        self.assertEqual((ticket.category_id, ticket.sale_order_id, ticket.product_id),
                         (self.repair, order, product))
        self.assertIn('Line 1<br>Line 2', ticket.description)
        self.assertIn(self.user1.partner_id, ticket.message_partner_ids)
        self.assertEqual(sorted(ticket._portal_attachments().mapped('datas_fname')),
                         ['error log.txt', 'nameplate.pdf'])
        self.assertIn('nameplate.pdf', res.text)
        self.assertTrue(ticket.access_token)
        # the counter follows
        self.assertRegex(self.url_open('/my/home').text, r'<span class="badge">2</span>')

    def test_new_ticket_bad_input_changes_nothing(self):
        self.login_as(self.user1)
        count = self.env['crm.service.ticket'].search_count([])
        attachments = self.env['ir.attachment'].search_count([])
        cases = [
            ({'name': '   '}, None, 'Please give your request a subject.'),
            ({'description': ''}, None, 'Please describe your request.'),
            ({'name': 'x' * 201}, None, 'The subject is too long'),
            ({'category_id': '999999'}, None, 'Choose one of the listed categories.'),
            ({}, [('attachments', ('big.pdf', PDF + b'0' * (10 * 1024 * 1024), 'application/pdf'))],
             'larger than 10 MB'),
            ({}, [('attachments', ('setup.exe', b'MZ\x90\x00', 'application/octet-stream'))],
             'Files of type .exe cannot be attached'),
            ({}, [('attachments', ('page.html', b'<html><script>1</script></html>', 'text/html'))],
             'Files of type .html cannot be attached'),
            ({}, [('attachments', ('invoice.pdf', b'MZ\x90\x00 not a pdf', 'application/pdf'))],
             'The content of invoice.pdf is not a PDF file.'),
            ({}, [('attachments', ('notes.txt', b'\x00\x01\x02binary', 'text/plain'))],
             'The content of notes.txt is not a TXT file.'),
            ({}, [('attachments', ('a%d.txt' % i, b'text', 'text/plain')) for i in range(6)],
             'Attach at most 5 files at once.'),
        ]
        for data, files, message in cases:
            res = self.new_ticket(data, files=files)
            self.assertEqual(res.status_code, 400, message)
            self.assertIn(message, res.text)
            # what the customer typed is kept in the form
            kept = 'It rattles since Monday.' if data.get('description') != '' else 'name="description"'
            self.assertIn(kept, res.text)
        self.assertEqual(self.env['crm.service.ticket'].search_count([]), count)
        self.assertEqual(self.env['ir.attachment'].search_count([]), attachments)

    def test_script_is_escaped_everywhere(self):
        self.login_as(self.user1)
        res = self.new_ticket({'name': 'Subject ' + SCRIPT, 'description': 'Body ' + SCRIPT})
        self.assertEqual(res.status_code, 200)
        ticket = self.env['crm.service.ticket'].search([('name', '=', 'Subject ' + SCRIPT)])
        self.assertNotIn('<script>', ticket.description)
        res = self.post('/my/tickets/%d/reply' % ticket.id,
                        {'csrf_token': self.token(), 'message': 'Reply ' + SCRIPT})
        self.assertEqual(res.status_code, 200)
        for page in (res.text, self.url_open('/my/tickets').text):
            self.assertNotIn(SCRIPT, page)
        self.assertIn('Subject &lt;script&gt;', res.text)
        self.assertIn('Body &lt;script&gt;', res.text)
        self.assertIn('Reply &lt;script&gt;', res.text)
        # an agent's message keeps its formatting but loses scripts (mail's sanitizer)
        ticket.team_id.member_ids = [(4, self.agent.id)]
        ticket.sudo(self.agent).message_post(body='<b>Bold</b>' + SCRIPT, message_type='comment',
                                             subtype='mail.mt_comment')
        page = self.url_open('/my/tickets/%d' % ticket.id).text
        self.assertIn('<b>Bold</b>', page)
        self.assertNotIn(SCRIPT, page)

    # -- reply, close, reopen, rating -------------------------------------

    def test_reply_close_rate_reopen(self):
        ticket = self.ticket1
        self.login_as(self.user1)
        res = self.post('/my/tickets/%d/reply' % ticket.id, {'csrf_token': self.token(), 'message': ''})
        self.assertEqual(res.status_code, 400)
        self.assertIn('Write a message before sending it.', res.text)
        res = self.post('/my/tickets/%d/reply' % ticket.id,
                        {'csrf_token': self.token(), 'message': 'Here is a photo of the seal.'},
                        files=[('attachments', ('seal.png', PNG, 'image/png'))])
        self.assertEqual(res.status_code, 200)
        self.assertIn('Your message has been sent.', res.text)
        message = ticket.message_ids[0]
        self.assertEqual(message.author_id, self.user1.partner_id)
        self.assertEqual(message.attachment_ids.mapped('datas_fname'), ['seal.png'])
        link = '/my/tickets/%d/attachment/%d' % (ticket.id, message.attachment_ids.id)
        self.assertIn(link, res.text)
        self.assertEqual(self.url_open(link).content, PNG)

        # a rating before closing is refused
        before = self.state_of(ticket)
        res = self.post('/my/tickets/%d/rate' % ticket.id, {'csrf_token': self.token(), 'rate': '10'})
        self.assertEqual(res.status_code, 400)
        self.assertIn('You can rate this ticket once it is closed.', res.text)
        self.assertEqual(self.state_of(ticket), before)

        res = self.post('/my/tickets/%d/close' % ticket.id, {'csrf_token': self.token()})
        self.assertEqual(res.status_code, 200)
        self.assertTrue(ticket.is_closed)
        self.assertIn('o_portal_ticket_rate', res.text)
        res = self.post('/my/tickets/%d/rate' % ticket.id, {'csrf_token': self.token(), 'rate': '3'})
        self.assertEqual(res.status_code, 400)
        self.assertFalse(ticket.portal_rating_id)
        res = self.post('/my/tickets/%d/rate' % ticket.id,
                        {'csrf_token': self.token(), 'rate': '10', 'feedback': 'Quick and kind'})
        self.assertEqual(res.status_code, 200)
        rating = ticket.portal_rating_id
        self.assertEqual((rating.rating, rating.feedback, rating.consumed, rating.partner_id),
                         (10, 'Quick and kind', True, self.user1.partner_id))
        self.assertEqual((ticket.portal_rating_text, ticket.portal_rating_feedback),
                         ('satisfied', 'Quick and kind'))
        # one rating per closing, which can be changed
        self.post('/my/tickets/%d/rate' % ticket.id, {'csrf_token': self.token(), 'rate': '5'})
        ticket.invalidate_cache()
        self.assertEqual(ticket.portal_rating_id, rating)
        self.assertEqual(rating.rating, 5)

        res = self.post('/my/tickets/%d/reopen' % ticket.id, {'csrf_token': self.token()})
        self.assertEqual(res.status_code, 200)
        ticket.invalidate_cache()
        self.assertFalse(ticket.is_closed)
        self.assertFalse(ticket.portal_rating_id)
        self.assertNotIn('o_portal_ticket_rate', res.text)
        self.post('/my/tickets/%d/close' % ticket.id, {'csrf_token': self.token()})
        self.post('/my/tickets/%d/rate' % ticket.id, {'csrf_token': self.token(), 'rate': '1'})
        ticket.invalidate_cache()
        self.assertNotEqual(ticket.portal_rating_id, rating)
        self.assertEqual(ticket.portal_rating_id.rating, 1)
        self.assertEqual(ticket.rating_count, 2)

    def test_reply_brings_a_waiting_ticket_back_to_the_team(self):
        waiting = self.env.ref('crm_service.crm_service_stage_waiting')
        self.ticket1.stage_id = waiting
        self.login_as(self.user1)
        res = self.post('/my/tickets/%d/reply' % self.ticket1.id,
                        {'csrf_token': self.token(), 'message': 'The seal number is 42-B.'})
        self.assertEqual(res.status_code, 200)
        self.assertFalse(self.ticket1.stage_id.is_waiting)
        self.assertFalse(self.ticket1.is_closed)

    def test_customer_cannot_close_an_unresolved_complaint(self):
        category = self.env.ref('crm_service.crm_service_category_complaint')
        complaint = self.make_ticket(self.user1.partner_id, 'Scratched housing', category_id=category.id)
        before = self.state_of(complaint)
        self.login_as(self.user1)
        res = self.post('/my/tickets/%d/close' % complaint.id, {'csrf_token': self.token()})
        self.assertEqual(res.status_code, 400)
        self.assertIn('Our team closes a complaint once it is resolved.', res.text)
        self.assertEqual(self.state_of(complaint), before)

    # -- token link, public visitor ---------------------------------------

    def test_token_link_opens_one_ticket_read_only(self):
        self.logout()
        url = '/my/tickets/%d?access_token=%s' % (self.ticket2.id, self.ticket2.access_token)
        res = self.url_open(url)
        self.assertEqual(res.status_code, 200)
        self.assertIn('Valve V-7 delivered without manual', res.text)
        self.assertNotIn('o_portal_ticket_reply', res.text)
        self.assertIn('o_portal_ticket_login_hint', res.text)
        # its files download with the token
        res = self.url_open('/my/tickets/%d/attachment/%d?access_token=%s'
                            % (self.ticket2.id, self.att2.id, self.ticket2.access_token))
        self.assertEqual(res.content, PDF)
        # the token of one ticket opens no other
        for path in ('/my/tickets/%d?access_token=%s' % (self.ticket1.id, self.ticket2.access_token),
                     '/my/tickets/%d?access_token=%s' % (self.ticket2.id, 'x' * 32),
                     '/my/tickets/%d?access_token=%s' % (self.ticket2.id, '%E2%82%AC'),
                     '/my/tickets/%d/attachment/%d?access_token=%s'
                     % (self.ticket1.id, self.att2.id, self.ticket2.access_token)):
            res = self.url_open(path)
            self.assertEqual(res.status_code, 404, path)
            self.assertNotIn('Pump P-100', res.text)
        # a token does not allow to write: the POST routes want a login
        before = self.state_of(self.ticket2)
        res = self.post('/my/tickets/%d/close?access_token=%s' % (self.ticket2.id, self.ticket2.access_token),
                        {}, allow_redirects=False)
        self.assertIn(res.status_code, (302, 303, 400))
        self.assertEqual(self.state_of(self.ticket2), before)

    def test_public_visitor_is_sent_to_login(self):
        self.logout()
        for path in ('/my/tickets', '/my/tickets/new', '/my/tickets/%d' % self.ticket1.id):
            res = self.url_open(path, allow_redirects=False)
            self.assertIn(res.status_code, (302, 303), path)
            self.assertIn('/web/login', res.headers['Location'], path)
        res = self.url_open('/my/tickets/%d' % self.ticket1.id)
        self.assertNotIn('Pump P-100', res.text)


class TestServicePortalRules(PortalFixture, odoo_common.SavepointCase):
    """The portal group through the ORM: read its entity's tickets, nothing more."""

    def setUp(self):
        super(TestServicePortalRules, self).setUp()
        self.make_fixture()

    def test_portal_user_reads_own_entity_only_and_never_writes(self):
        Ticket = self.env['crm.service.ticket']
        self.assertEqual(Ticket.sudo(self.user1).search([]), self.ticket1)
        self.assertEqual(Ticket.sudo(self.user1b).search([]), self.ticket1)
        self.assertEqual(self.ticket1.sudo(self.user1).name, 'Pump P-100 leaks at the seal')
        with self.assertRaises(AccessError):
            self.ticket2.sudo(self.user1).read(['name'])
        with self.assertRaises(AccessError):
            self.ticket1.sudo(self.user1).write({'name': 'Changed'})
        with self.assertRaises(AccessError):
            Ticket.sudo(self.user1).create({'name': 'Direct', 'team_id': self.team.id,
                                            'partner_id': self.user1.partner_id.id})
        with self.assertRaises(AccessError):
            self.ticket1.sudo(self.user1).unlink()
        self.assertEqual(self.ticket1.name, 'Pump P-100 leaks at the seal')

    def test_notification_to_the_customer_carries_the_token_link(self):
        self.ticket1.message_subscribe(partner_ids=self.user1.partner_id.ids)
        self.ticket1.sudo(self.agent).with_context(mail_notify_force_send=False).message_post(
            body='A technician comes on Friday.', message_type='comment', subtype='mail.mt_comment')
        mails = self.env['mail.mail'].search([
            ('model', '=', 'crm.service.ticket'), ('res_id', '=', self.ticket1.id),
            ('recipient_ids', 'in', self.user1.partner_id.ids)])
        self.assertTrue(mails)
        link = '/my/tickets/%d?access_token=%s' % (self.ticket1.id, self.ticket1.access_token)
        self.assertIn(link, mails[0].body_html)
        self.assertNotIn(self.ticket2.access_token, mails[0].body_html)
        action = self.ticket1.sudo(self.user1).get_access_action()
        self.assertEqual(action['url'], '/my/tickets/%d' % self.ticket1.id)

    def test_attachment_rules(self):
        Ticket = self.env['crm.service.ticket']
        self.assertEqual(Ticket._portal_check_file('../../etc/report.pdf', PDF), 'report.pdf')
        self.assertEqual(Ticket._portal_check_file('photo.PNG', PNG), 'photo.PNG')
        for name, content in [('x.svg', b'<svg onload="alert(1)"/>'), ('x.js', b'alert(1)'),
                              ('x.jpg', PDF), ('x.csv', PNG), ('empty.pdf', b'')]:
            with self.assertRaises(UserError):
                Ticket._portal_check_file(name, content)
        # files of internal notes stay internal
        self.ticket1.sudo(self.agent).message_post(
            body='note', message_type='comment', subtype='mail.mt_note',
            attachments=[('internal.pdf', PDF)])
        self.ticket1.sudo(self.agent).message_post(
            body='answer', message_type='comment', subtype='mail.mt_comment',
            attachments=[('answer.pdf', PDF)])
        self.assertEqual(self.ticket1._portal_attachments().mapped('datas_fname'), ['answer.pdf'])

    def test_portal_user_cannot_touch_another_company_rating(self):
        self.ticket1.action_close()
        rating = self.ticket1._portal_rate(10, 'Fine', self.user1.partner_id)
        self.assertEqual(rating.sudo(self.user1).rating, 10)
        self.assertFalse(self.env['rating.rating'].sudo(self.user2).search([('id', '=', rating.id)]))
        with self.assertRaises(AccessError):
            rating.sudo(self.user2).write({'rating': 1})
        self.assertEqual(rating.rating, 10)

    def test_rating_refused_while_open(self):
        with self.assertRaises(UserError):
            self.ticket1._portal_rate(10, 'too early', self.user1.partner_id)
        self.assertFalse(self.ticket1.rating_ids)
