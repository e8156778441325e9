import hashlib
import hmac
import json

import odoo
from odoo.exceptions import AccessError, UserError, ValidationError

from tests.common import create_user

from ..models.crm_erp_webhook_sender import PER_ENDPOINT
from .common import ErpCase
from .webhook_receiver import Receiver

T0 = '2030-01-01 10:00:00'      # explicit sender clock, later than anything queued by the tests


class WebhookCase(ErpCase):

    @classmethod
    def setUpClass(cls):
        super(WebhookCase, cls).setUpClass()
        env = cls.env
        # endpoints of the demo data must not take part in these tests' runs
        env['crm.erp.webhook.endpoint'].search([]).write({'paused': True})
        cls.admin = create_user(env, 'erp.webhook.admin', [
            'base.group_system', 'sales_team.group_sale_manager', 'account.group_account_invoice'])
        cls.type_order = env.ref('crm_erp_bridge.crm_erp_event_type_order_confirmed')
        cls.type_ticket = env.ref('crm_erp_bridge.crm_erp_event_type_ticket_opened')

    def setUp(self):
        super(WebhookCase, self).setUp()
        self.receiver = Receiver().start()
        self.addCleanup(self.receiver.stop)

    def endpoint(self, url=None, user=None, types=None, **values):
        vals = {'name': 'ERP test', 'url': url or self.receiver.url, 'user_id': (user or self.admin).id,
                'event_type_ids': [(6, 0, (types or self.type_order).ids)], 'timeout': 2.0,
                'max_attempts': 4, 'backoff_base': 30, 'backoff_cap': 100}
        vals.update(values)
        return self.env['crm.erp.webhook.endpoint'].create(vals)

    def deliveries(self, endpoint):
        return self.env['crm.erp.webhook.delivery'].search([('endpoint_id', '=', endpoint.id)], order='id')

    def send(self, now=T0):
        Delivery = self.env['crm.erp.webhook.delivery']
        claimed, given_up = Delivery._send_due(now=now)
        Delivery.invalidate_cache()
        return claimed, given_up


class TestWebhookOutbox(WebhookCase):

    def test_outbox_row_in_the_same_transaction(self):
        endpoint = self.endpoint()
        order = self.make_order()
        delivery = self.deliveries(endpoint)
        self.assertEqual(len(delivery), 1)
        self.assertEqual((delivery.state, delivery.attempt_count, delivery.event_code),
                         ('pending', 0, 'order_confirmed'))
        payload = json.loads(delivery.payload)
        self.assertEqual(payload['id'], delivery.idempotency_key)
        self.assertEqual(payload['record']['model'], 'sale.order')
        self.assertEqual(payload['record']['id'], order.id)
        self.assertEqual(payload['record']['fields']['name'], order.name)
        self.assertEqual(payload['record']['fields']['partner_id'],
                         {'id': self.customer.id, 'name': self.customer.display_name})
        self.assertEqual(payload['customer']['id'], self.customer.id)
        self.assertEqual(payload['event_id'], delivery.event_id.id)
        self.assertEqual(payload['date'], delivery.event_id.date.replace(' ', 'T') + 'Z')
        # the change rolled back: its outbox row goes with it
        other = self.make_order(confirm=False)
        with self.assertRaises(ZeroDivisionError):
            with self.env.cr.savepoint():
                other.action_confirm()
                self.assertEqual(len(self.deliveries(endpoint)), 2)
                1 / 0
        self.assertEqual(self.deliveries(endpoint), delivery)
        # events the endpoint did not subscribe to, and archived endpoints: nothing
        self.make_ticket()
        endpoint.active = False
        self.make_order()
        self.assertEqual(self.deliveries(endpoint), delivery)

    def test_signature_headers_and_test_event(self):
        endpoint = self.endpoint()
        self.make_order()
        delivery = self.deliveries(endpoint)
        self.assertEqual(self.send(), (1, set()))
        self.assertEqual((delivery.state, delivery.last_status, delivery.attempt_count),
                         ('delivered', 200, 1))
        self.assertEqual(delivery.delivered_at, T0)
        self.assertFalse(delivery.next_attempt)
        self.assertEqual(len(delivery.attempt_ids), 1)
        self.assertTrue(delivery.attempt_ids.ok)
        [request] = self.receiver.requests
        headers = request['headers']
        self.assertEqual(request['body'].decode(), delivery.payload)
        self.assertEqual(headers['X-CRM-Event'], 'order_confirmed')
        self.assertEqual(headers['X-CRM-Delivery'], delivery.idempotency_key)
        signed = headers['X-CRM-Timestamp'].encode() + b'.' + request['body']
        expected = hmac.new(endpoint.secret.encode(), signed, hashlib.sha256).hexdigest()
        self.assertEqual(headers['X-CRM-Signature'], 'sha256=' + expected)
        wrong = hmac.new(b'another secret', signed, hashlib.sha256).hexdigest()
        self.assertNotEqual(headers['X-CRM-Signature'], 'sha256=' + wrong)
        # nothing due any more
        self.assertEqual(self.send()[0], 0)
        # the test button posts at once
        endpoint.sudo(self.admin).action_send_test()
        self.assertEqual(self.receiver.requests[-1]['headers']['X-CRM-Event'], 'test')
        test_delivery = self.deliveries(endpoint)[-1]
        self.assertEqual((test_delivery.event_code, test_delivery.state), ('test', 'delivered'))
        self.assertEqual((endpoint.delivered_count, endpoint.pending_count, endpoint.dead_count), (2, 0, 0))
        action = endpoint.with_context(webhook_state='delivered').action_view_deliveries()
        self.assertEqual(self.env['crm.erp.webhook.delivery'].search(action['domain']),
                         self.deliveries(endpoint))
        self.assertEqual(action['context'].get('search_default_delivered'), 1)

    def test_500_retries_with_backoff_then_dead(self):
        self.receiver.status = 500
        endpoint = self.endpoint(max_attempts=3, backoff_base=30, backoff_cap=50)
        self.make_order()
        delivery = self.deliveries(endpoint)
        self.send(T0)
        self.assertEqual((delivery.state, delivery.attempt_count, delivery.last_status),
                         ('failed', 1, 500))
        self.assertIn('HTTP 500', delivery.last_error)
        self.assertEqual(delivery.next_attempt, '2030-01-01 10:00:30')      # base
        self.assertEqual(self.send('2030-01-01 10:00:29')[0], 0, 'not due yet')
        self.send('2030-01-01 10:00:30')
        self.assertEqual((delivery.state, delivery.attempt_count), ('failed', 2))
        self.assertEqual(delivery.next_attempt, '2030-01-01 10:01:20')      # 2 x base = 60, capped at 50
        self.send('2030-01-01 10:01:20')
        self.assertEqual((delivery.state, delivery.attempt_count), ('dead', 3))
        self.assertFalse(delivery.next_attempt)
        self.assertEqual(self.send('2030-02-01 00:00:00')[0], 0, 'dead deliveries are not sent again')
        self.assertEqual(self.receiver.keys(), [delivery.idempotency_key] * 3, 'one key across retries')
        self.assertEqual(delivery.attempt_ids.mapped('attempt'), [3, 2, 1])
        self.assertEqual(endpoint.dead_count, 1)
        self.assertEqual([endpoint._backoff_seconds(n) for n in (1, 2, 3, 4)], [30, 50, 50, 50])

    def test_retry_now_button(self):
        self.receiver.status = 500
        endpoint = self.endpoint(max_attempts=1)
        self.make_order()
        delivery = self.deliveries(endpoint)
        self.send()
        self.assertEqual(delivery.state, 'dead')
        self.receiver.status = 200
        delivery.sudo(self.admin).action_retry()
        delivery.invalidate_cache()
        self.assertEqual((delivery.state, delivery.attempt_count), ('delivered', 2))
        self.assertEqual(self.receiver.keys(), [delivery.idempotency_key] * 2)
        with self.assertRaises(UserError):
            delivery.action_retry()

    def test_timeout_then_retry(self):
        self.receiver.hold = 10     # longer than the timeout
        endpoint = self.endpoint(timeout=0.3)
        self.make_order()
        delivery = self.deliveries(endpoint)
        claimed, given_up = self.send()
        self.assertEqual(given_up, {endpoint.id})
        self.assertEqual((delivery.state, delivery.attempt_count, delivery.last_status),
                         ('failed', 1, 0))
        self.assertIn('timeout', delivery.last_error)
        self.receiver.release.set()
        self.receiver.hold = 0
        self.send(delivery.next_attempt)
        self.assertEqual((delivery.state, delivery.attempt_count), ('delivered', 2))
        self.assertEqual(set(self.receiver.keys()), {delivery.idempotency_key})

    def test_receiver_down_then_up(self):
        self.receiver.stop()        # nothing listens on its port now
        endpoint = self.endpoint()
        self.make_order()
        self.make_order()
        deliveries = self.deliveries(endpoint)
        claimed, given_up = self.send()
        self.assertEqual((claimed, given_up), (2, {endpoint.id}))
        # a refused connection gives the endpoint up for this run: what was
        # not attempted yet stays pending (no attempt counted); nothing is lost
        self.assertIn('failed', deliveries.mapped('state'))
        self.assertLessEqual(set(deliveries.mapped('state')), {'failed', 'pending'})
        self.assertLessEqual(max(deliveries.mapped('attempt_count')), 1)
        self.assertIn('Could not connect', deliveries.filtered(lambda d: d.state == 'failed')[0].last_error)
        self.receiver.start()       # same port
        self.send('2030-01-01 10:00:30')
        self.assertEqual(deliveries.mapped('state'), ['delivered', 'delivered'])
        self.assertEqual(sorted(self.receiver.keys()), sorted(deliveries.mapped('idempotency_key')),
                         'each delivered once')
        self.assertEqual(self.send('2030-01-02 10:00:00')[0], 0)

    def test_slow_endpoint_blocks_nobody(self):
        slow = Receiver(hold=10).start()
        self.addCleanup(slow.stop)
        slow_endpoint = self.endpoint(url=slow.url, timeout=3.0, name='slow')
        fast_endpoint = self.endpoint(name='fast')
        Delivery = self.env['crm.erp.webhook.delivery']
        count = PER_ENDPOINT + 4
        for _i in range(count):     # the slow endpoint's rows come first in the claim
            Delivery._create_test(slow_endpoint)
        for _i in range(count):
            Delivery._create_test(fast_endpoint)
        claimed, given_up = self.send()
        self.assertEqual(claimed, 2 * count)
        self.assertEqual(given_up, {slow_endpoint.id})
        fast = self.deliveries(fast_endpoint)
        self.assertEqual(fast.mapped('state'), ['delivered'] * count)
        # every fast delivery arrived before the slow endpoint's first call had timed out (3 s)
        first_slow = min(r['at'] for r in slow.requests)
        self.assertLess(max(r['at'] for r in self.receiver.requests), first_slow + 3.0)
        # at most one timed-out call per lane; the rest is not attempted in this run
        slow_rows = self.deliveries(slow_endpoint)
        failed = slow_rows.filtered(lambda d: d.state == 'failed')
        self.assertTrue(1 <= len(failed) <= PER_ENDPOINT)
        self.assertEqual(set(failed.mapped('attempt_count')), {1})
        self.assertEqual(set((slow_rows - failed).mapped('state')), {'pending'})
        self.assertEqual(set((slow_rows - failed).mapped('attempt_count')), {0})

    def test_pause_and_resume(self):
        endpoint = self.endpoint()
        self.make_order()
        endpoint.action_pause()
        self.assertEqual(self.send()[0], 0)
        self.make_order()
        self.assertEqual(endpoint.pending_count, 2, 'a paused endpoint still collects its deliveries')
        # a test event is sent even while paused (the administrator asked for it)
        endpoint.action_send_test()
        self.assertEqual(self.receiver.requests[-1]['headers']['X-CRM-Event'], 'test')
        endpoint.action_resume()
        self.assertEqual(self.send()[0], 2)
        endpoint.invalidate_cache()
        self.assertEqual((endpoint.delivered_count, endpoint.pending_count), (3, 0))


class TestWebhookRights(WebhookCase):

    def test_payload_as_the_subscribing_user(self):
        rep_endpoint = self.endpoint(user=self.rep, name='as rep')
        admin_endpoint = self.endpoint(user=self.admin, name='as admin')
        own = self.make_order(user=self.rep)
        other = self.make_order(partner=self.customer2, user=self.rep2)
        rep_rows = self.deliveries(rep_endpoint)
        self.assertEqual(len(rep_rows), 1, 'the rep cannot read the order of another rep: no delivery')
        self.assertEqual(json.loads(rep_rows.payload)['record']['id'], own.id)
        admin_payloads = {json.loads(d.payload)['record']['id']: json.loads(d.payload)
                          for d in self.deliveries(admin_endpoint)}
        self.assertEqual(set(admin_payloads), {own.id, other.id})
        # a field the rep may not read (billing group) is left out; the admin gets it
        rep_customer = json.loads(rep_rows.payload)['customer']
        self.assertEqual(rep_customer['name'], self.customer.name)
        self.assertNotIn('total_invoiced', rep_customer)
        self.assertIn('total_invoiced', admin_payloads[own.id]['customer'])
        with self.assertRaises(AccessError):
            self.env['res.partner'].sudo(self.rep).browse(self.customer.id).read(['total_invoiced'])

    def test_other_company(self):
        company_b = self.env['res.company'].create({'name': 'Webhook Test Company B'})
        endpoint_b = self.endpoint(company_id=company_b.id, name='company B')
        endpoint_a = self.endpoint(name='company A')
        self.make_order()
        self.assertFalse(self.deliveries(endpoint_b), 'the events of company A are not sent to company B')
        self.assertEqual(len(self.deliveries(endpoint_a)), 1)
        with self.assertRaises(AccessError):
            endpoint_b.sudo(self.admin).read(['name'])

    def test_bad_url(self):
        Endpoint = self.env['crm.erp.webhook.endpoint']
        for url in ('ftp://erp.example.com/hooks', 'erp.example.com/hooks', 'https://', 'http:///path',
                    'https://user:pass@erp.example.com/hooks', 'https://erp.example.com/my hooks',
                    'https://erp.example.com:99999/hooks', 'javascript:alert(1)', ''):
            with self.assertRaises(ValidationError, msg=url):
                with self.env.cr.savepoint():
                    Endpoint.create({'name': 'bad', 'url': url,
                                     'event_type_ids': [(6, 0, self.type_order.ids)]})
        endpoint = self.endpoint(url='https://erp.example.com:8443/hooks/crm?source=crm')
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                endpoint.url = 'http://exa mple.com'
        self.assertEqual(endpoint.url, 'https://erp.example.com:8443/hooks/crm?source=crm')
        with self.assertRaises(ValidationError):
            self.endpoint(backoff_base=600, backoff_cap=60)
        self.assertEqual(len(endpoint.secret), 64)

    def test_only_administrators(self):
        endpoint = self.endpoint()
        self.make_order()
        for user in (self.sales_manager, self.rep):
            with self.assertRaises(AccessError):
                endpoint.sudo(user).read(['name'])
            with self.assertRaises(AccessError):
                self.env['crm.erp.webhook.delivery'].sudo(user).search([])
            with self.assertRaises(AccessError):
                self.env['crm.erp.webhook.endpoint'].sudo(user).create(
                    {'name': 'x', 'url': 'http://x.example.com'})
        self.assertEqual(endpoint.sudo(self.admin).secret, endpoint.secret)
        self.assertEqual(len(self.deliveries(endpoint).sudo(self.admin).read(['payload'])), 1)


class TestWebhookClaim(ErpCase):
    """Two senders at once, on two real transactions: committed rows, two cursors."""

    def test_skip_locked(self):
        registry = odoo.registry(self.env.cr.dbname)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            endpoint = env['crm.erp.webhook.endpoint'].create(
                {'name': 'claim test', 'url': 'http://127.0.0.1:9/x'})
            Delivery = env['crm.erp.webhook.delivery']
            ids = [Delivery._create_test(endpoint).id for _i in range(5)]
            endpoint_id = endpoint.id
            cr.commit()  # pylint: disable=invalid-commit (two real transactions need committed rows)

        def drop():
            with registry.cursor() as cr:
                cr.execute('DELETE FROM crm_erp_webhook_endpoint WHERE id = %s', (endpoint_id,))
        self.addCleanup(drop)
        cr1, cr2 = registry.cursor(), registry.cursor()
        try:
            first = odoo.api.Environment(cr1, odoo.SUPERUSER_ID, {})['crm.erp.webhook.delivery']._claim(
                limit=3, ids=ids)
            second = odoo.api.Environment(cr2, odoo.SUPERUSER_ID, {})['crm.erp.webhook.delivery']._claim(
                limit=5, ids=ids)
            first_ids, second_ids = {r[0] for r in first}, {r[0] for r in second}
            self.assertEqual(len(first_ids), 3)
            self.assertEqual(len(second_ids), 2, 'the rows the first sender holds are skipped')
            self.assertFalse(first_ids & second_ids)
            self.assertEqual(first_ids | second_ids, set(ids))
            cr1.rollback()      # the first sender is done: its rows can be claimed again
            self.assertEqual(len(odoo.api.Environment(cr1, odoo.SUPERUSER_ID, {})[
                'crm.erp.webhook.delivery']._claim(limit=5, ids=ids)), 3)
        finally:
            cr1.rollback()
            cr2.rollback()
            cr1.close()
            cr2.close()
