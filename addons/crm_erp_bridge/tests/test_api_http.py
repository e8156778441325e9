"""The JSON API over real HTTP: keys, bad input, phone formats, what each
key's user may read, rate limits, logging calls, creating leads, one
transaction per call, and the OpenAPI document."""
import json
import os

import requests

from odoo.tests import common as odoo_common

from tests.common import HttpCase, create_user

from odoo.addons.crm_erp_bridge.controllers.api import OPENAPI_PATH, PREFIX, CrmErpApi
from odoo.addons.crm_erp_bridge.models.res_partner_360 import SUMMARY_KEYS

BAD_INPUT = [
    # (path, raw body, status, error code, fields at fault)
    ('/lookup', b'{"phone": "+86 139', 400, 'invalid_json', []),
    ('/lookup', b'\xff\xfe not utf-8', 400, 'invalid_json', []),
    ('/lookup', b'', 400, 'invalid_json', []),
    ('/lookup', b'["+86 139 1234 5678"]', 400, 'invalid_body', []),
    ('/lookup', b'"+86 139 1234 5678"', 400, 'invalid_body', []),
    ('/lookup', b'{"phone": "+86 139 1234 5678", "colour": "red"}', 400, 'invalid_body', ['colour']),
    ('/lookup', b'{"phone": 8613912345678}', 400, 'invalid_body', ['phone']),
    ('/lookup', b'{"phone": "+86 139 1234 5678", "limit": "5"}', 400, 'invalid_body', ['limit']),
    ('/lookup', b'{"phone": "+86 139 1234 5678", "limit": 0}', 400, 'invalid_body', ['limit']),
    ('/lookup', b'{"phone": "+86 139 1234 5678", "email": "a@b.cn"}', 400, 'invalid_body', ['phone']),
    ('/lookup', b'{}', 400, 'invalid_body', ['phone']),
    ('/lookup', b'{"phone": "call me maybe"}', 400, 'invalid_body', ['phone']),
    ('/lookup', b'{"phone": "123"}', 400, 'invalid_body', ['phone']),
    ('/lookup', b'{"email": "not-an-email"}', 400, 'invalid_body', ['email']),
    ('/calls', b'{"phone": "+86 139 1234 5678"}', 400, 'invalid_body', ['direction']),
    ('/calls', b'{"phone": "+86 139 1234 5678", "direction": "sideways"}', 400, 'invalid_body',
     ['direction']),
    ('/calls', b'{"phone": "+86 139 1234 5678", "direction": "in", "duration": true}', 400, 'invalid_body',
     ['duration']),
    ('/calls', b'{"phone": "+86 139 1234 5678", "direction": "in", "duration": -3}', 400, 'invalid_body',
     ['duration']),
    ('/calls', b'{"phone": "+86 139 1234 5678", "direction": "in", "ticket": "yes"}', 400, 'invalid_body',
     ['ticket']),
    ('/calls', b'{"phone": "+86 139 1234 5678", "direction": "in", "outcome": "resolved"}', 400,
     'invalid_body', ['outcome']),
    ('/calls', b'{"phone": "+86 139 1234 5678", "direction": "in", "date": "yesterday"}', 400,
     'invalid_body', ['date']),
    ('/calls', b'{"direction": "in"}', 400, 'invalid_body', ['partner_id']),
    ('/calls', b'{"partner_id": "12", "direction": "in"}', 400, 'invalid_body', ['partner_id']),
    ('/calls', b'{"partner_id": 1099511627776, "direction": "in", "ticket_id": 0}', 400, 'invalid_body',
     ['partner_id', 'ticket_id']),
    ('/leads', b'{"contact_name": "Zhang Min"}', 400, 'invalid_body', ['name']),
    ('/leads', b'{"name": "   "}', 400, 'invalid_body', ['name']),
    ('/leads', b'{"name": "x", "email": "zhang@", "phone": "12", "country": "XX"}', 400, 'invalid_body',
     ['email', 'phone', 'country']),
    ('/leads', b'{"name": "x", "expected_revenue": "lots"}', 400, 'invalid_body', ['expected_revenue']),
    ('/leads', b'{"name": "x", "user_id": 1}', 400, 'invalid_body', ['user_id']),
    ('/leads', b'{"name": "x", "expected_revenue": NaN}', 400, 'invalid_json', []),
    ('/calls', b'{"partner_id": 1, "direction": "in", "duration": Infinity}', 400, 'invalid_json', []),
]

PHONE_FORMATS = ['+86 139 1234 5678', '+8613912345678', '0086-139-1234-5678', '0086 139.1234.5678',
                 '(+86) 139-1234-5678', '139 1234 5678', '13912345678']


@odoo_common.at_install(False)
@odoo_common.post_install(True)
class TestApiHttp(HttpCase):

    def setUp(self):
        super(TestApiHttp, self).setUp()
        env = self.env
        self.env.user.company_id.country_id = env.ref('base.cn')
        self.china = env.ref('base.cn')
        self.rep = create_user(env, 'api.rep', ['crm_sales.group_sales_rep'])
        self.rep2 = create_user(env, 'api.rep2', ['crm_sales.group_sales_rep'])
        self.agent = create_user(env, 'api.callcentre', ['crm_sales.group_sales_rep',
                                                         'crm_service.group_service_agent'])
        self.employee = create_user(env, 'api.employee', ['base.group_user'])
        Partner = env['res.partner']
        self.customer = Partner.create({
            'name': 'Hangzhou Silk Test Co', 'is_company': True, 'customer': True,
            'country_id': self.china.id, 'email': 'buy@silk.example.com',
            'phone': '+86 571 8888 1234', 'user_id': self.rep.id})
        self.contact = Partner.create({
            'name': 'Liu Yang', 'parent_id': self.customer.id, 'country_id': self.china.id,
            'email': 'Liu.Yang@silk.example.com', 'mobile': '+86 139 1234 5678'})
        self.other = Partner.create({'name': 'Oslo Interiors Test AS', 'is_company': True,
                                     'phone': '+47 22 98 76 54'})
        self.team = env['crm.team'].create({'name': 'API Test Team'})
        self.rep.sale_team_id = self.team
        self.rep2.sale_team_id = self.team
        Lead = env['crm.lead'].with_context(crm_sales_skip_pipeline=True)
        self.lead_rep = Lead.create({'name': 'Spring scarves', 'type': 'opportunity', 'user_id': self.rep.id,
                                     'partner_id': self.customer.id, 'team_id': self.team.id})
        self.lead_rep2 = Lead.create({'name': 'Silk ties (rep2)', 'type': 'opportunity',
                                      'user_id': self.rep2.id, 'partner_id': self.customer.id,
                                      'team_id': self.team.id})
        self.service_team = env['crm.service.team'].create({'name': 'API Test Desk',
                                                            'member_ids': [(4, self.agent.id)]})
        self.ticket = env['crm.service.ticket'].create({
            'name': 'Scarf colour faded', 'partner_id': self.contact.id, 'team_id': self.service_team.id,
            'user_id': self.agent.id})
        self.keys = {}
        for user in (self.rep, self.agent, self.employee):
            key = env['crm.erp.api.key'].create({'name': 'key of %s' % user.login, 'user_id': user.id,
                                                 'rate_limit': 1000})
            self.keys[user] = (key, key._generate())

    # -- helpers ---------------------------------------------------------

    def call(self, path, body=None, user=None, raw=None, key=None, method='POST', headers=None):
        """Send one API call (no cookies, like an outside system)."""
        self.env.cr.commit()    # pylint: disable=invalid-commit (the test cursor: a savepoint)
        if key is None:
            key = self.keys[user or self.agent][1]
        sent = {'Content-Type': 'application/json'}
        if key:
            sent['Authorization'] = 'Bearer %s' % key
        sent.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        res = requests.request(method, self.base_url + PREFIX + path, data=data, headers=sent, timeout=60)
        self.env['res.partner'].invalidate_cache()   # the server wrote behind our cache
        self.assertNotIn('Traceback', res.text)
        self.assertEqual(res.headers['Content-Type'], 'application/json; charset=utf-8', res.text)
        return res

    def assertError(self, res, status, code, fields=()):
        self.assertEqual(res.status_code, status, res.text)
        error = res.json()['error']
        self.assertEqual(error['code'], code)
        self.assertTrue(error['message'])
        self.assertEqual(sorted(error['fields']), sorted(fields), res.text)
        return error

    def counts(self):
        return {model: self.env[model].search_count([]) for model in (
            'crm.lead', 'crm.service.ticket', 'crm.service.call', 'mail.message', 'mail.activity',
            'crm.sales.visit.log')}

    # -- keys ------------------------------------------------------------

    def test_missing_wrong_and_revoked_keys_are_refused(self):
        body = {'phone': '+86 139 1234 5678'}
        for key, headers in [('', {}), (None, {'Authorization': 'Basic YWRtaW46YWRtaW4='}),
                             ('', {'Authorization': 'Bearer'}),
                             ('crm00000000.wrong', {}), (self.keys[self.agent][1][:-2], {})]:
            res = self.call('/lookup', body, key=key if key is not None else '', headers=headers)
            self.assertError(res, 401, 'unauthorized')
            self.assertEqual(res.headers['WWW-Authenticate'], 'Bearer realm="crm"')
        self.assertEqual(self.call('/lookup', body).status_code, 200)
        self.keys[self.agent][0].action_revoke()
        self.assertError(self.call('/lookup', body), 401, 'unauthorized')
        # authentication comes before the body: no hint about the schema without a key
        self.assertError(self.call('/lookup', raw=b'not json', key=''), 401, 'unauthorized')

    def test_key_is_stored_hashed_and_works_over_http(self):
        key, plain = self.keys[self.agent]
        self.env.cr.execute("SELECT count(*) FROM crm_erp_api_key t WHERE row_to_json(t)::text LIKE %s",
                            ('%' + plain.split('.')[1] + '%',))
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assertEqual(self.call('/lookup', {'email': 'nobody@example.com'}).status_code, 200)
        self.assertTrue(key.last_used)

    # -- bad input ---------------------------------------------------------

    def test_bad_input_gets_a_clear_json_error(self):
        before = self.counts()
        for path, raw, status, code, fields in BAD_INPUT:
            with self.subTest(path=path, body=raw):
                self.assertError(self.call(path, raw=raw), status, code, fields)
        self.assertError(self.call('/lookup', raw=b'{"phone": "' + b'1' * 70000 + b'"}'), 413, 'too_large')
        self.assertEqual(self.counts(), before)

    def test_wrong_method_and_unknown_routes(self):
        res = self.call('/lookup', method='GET')
        self.assertError(res, 405, 'method_not_allowed')
        self.assertEqual(res.headers['Allow'], 'POST')
        self.assertError(self.call('/customers', {}), 404, 'not_found')
        self.assertError(self.call('/openapi.json', {}, method='POST'), 405, 'method_not_allowed')

    def test_access_error_is_403_and_unreadable_models_are_null(self):
        before = self.counts()
        res = self.call('/leads', {'name': 'Ties'}, user=self.employee)
        self.assertError(res, 403, 'forbidden')
        self.assertEqual(self.counts(), before)
        res = self.call('/lookup', {'phone': '+86 139 1234 5678'}, user=self.employee)
        self.assertEqual(res.status_code, 200, res.text)
        self.assertIsNone(res.json()['leads'])
        self.assertIsNone(res.json()['tickets'])

    # -- lookup ------------------------------------------------------------

    def test_lookup_by_phone_in_any_format(self):
        for phone in PHONE_FORMATS:
            with self.subTest(phone=phone):
                res = self.call('/lookup', {'phone': phone})
                self.assertEqual(res.status_code, 200, res.text)
                data = res.json()
                self.assertEqual(data['query'], {'phone': '+8613912345678'})
                self.assertEqual([c['id'] for c in data['customers']], [self.customer.id])
                self.assertEqual([c['id'] for c in data['customers'][0]['matched_contacts']],
                                 [self.contact.id])
        # a landline without its country code, read for the country given or the company's
        for body in ({'phone': '(0571) 8888-1234', 'country': 'CN'}, {'phone': '0571.8888.1234'}):
            data = self.call('/lookup', body).json()
            self.assertEqual(data['query'], {'phone': '+8657188881234'})
            self.assertEqual([c['id'] for c in data['customers']], [self.customer.id])
        data = self.call('/lookup', {'phone': '+47 22 98 76 54'}).json()
        self.assertEqual([c['id'] for c in data['customers']], [self.other.id])
        data = self.call('/lookup', {'phone': '+86 139 0000 0000'}).json()
        self.assertEqual((data['customers'], data['leads'], data['tickets']), ([], [], []))

    def test_lookup_by_email_ignores_case(self):
        data = self.call('/lookup', {'email': '  LIU.yang@SILK.example.COM '}).json()
        self.assertEqual(data['query'], {'email': 'liu.yang@silk.example.com'})
        self.assertEqual([c['id'] for c in data['customers']], [self.customer.id])
        self.assertEqual(data['customers'][0]['salesperson']['id'], self.rep.id)

    def test_lookup_gives_the_customer_360_summary_as_the_key_user_sees_it(self):
        data = self.call('/lookup', {'phone': '+86 139 1234 5678'}).json()
        summary = data['customers'][0]['summary']
        self.assertEqual(tuple(summary), SUMMARY_KEYS)
        self.assertEqual((summary['id'], summary['name'], summary['salesperson']),
                         (self.customer.id, 'Hangzhou Silk Test Co', self.rep.name))
        self.assertEqual(summary['open_tickets'], 1)
        self.assertEqual(summary, self.customer.sudo(self.agent)._crm_erp_360_summary()[self.customer.id])
        # a rep who may not read tickets is not told about them
        summary = self.call('/lookup', {'phone': '+86 139 1234 5678'}, user=self.rep).json()['customers'][0]
        self.assertEqual(summary['summary']['open_tickets'], 0)

    def test_lookup_shows_only_what_the_key_user_may_read(self):
        # the customer's own rep sees their opportunity, not the other rep's; no tickets at all
        data = self.call('/lookup', {'phone': '+86 139 1234 5678'}, user=self.rep).json()
        self.assertEqual([lead['id'] for lead in data['leads']], [self.lead_rep.id])
        self.assertEqual(data['leads'][0]['salesperson']['id'], self.rep.id)
        self.assertIsNone(data['tickets'])
        self.assertNotIn('Silk ties (rep2)', json.dumps(data))
        # the call centre (a rep and a service agent) sees neither opportunity, and its open ticket
        data = self.call('/lookup', {'phone': '+86 571 8888 1234'}).json()
        self.assertEqual(data['leads'], [])
        self.assertEqual([t['id'] for t in data['tickets']], [self.ticket.id])
        self.assertEqual(data['tickets'][0]['number'], self.ticket.number)
        # an unassigned lead with the number is everyone's
        free = self.env['crm.lead'].with_context(crm_sales_skip_pipeline=True).create({
            'name': 'Walk-in', 'mobile': '+86 139 1234 5678', 'user_id': False})
        data = self.call('/lookup', {'phone': '13912345678'}).json()
        self.assertEqual([lead['id'] for lead in data['leads']], [free.id])
        # closed tickets and won opportunities are not open
        self.ticket.action_close()
        self.lead_rep.action_set_won()
        data = self.call('/lookup', {'phone': '13912345678'}, user=self.rep).json()
        self.assertEqual([lead['id'] for lead in data['leads']], [free.id])
        self.assertEqual(self.call('/lookup', {'phone': '13912345678'}).json()['tickets'], [])

    # -- rate limit ----------------------------------------------------------

    def test_rate_limit_answers_429_and_failed_calls_count(self):
        key, _plain = self.keys[self.agent]
        key.rate_limit = 3
        statuses = []
        for _i in range(8):     # at most one window boundary can pass meanwhile
            res = self.call('/lookup', raw=b'not json')      # failing calls count too
            statuses.append(res.status_code)
            if res.status_code == 429:
                break
        self.assertEqual(statuses[:3], [400, 400, 400])
        self.assertEqual(statuses[-1], 429, statuses)
        error = self.assertError(res, 429, 'rate_limited')
        self.assertIn('3 calls a minute', error['message'])
        self.assertTrue(1 <= int(res.headers['Retry-After']) <= 60)
        # other keys are not affected
        self.assertEqual(self.call('/lookup', {'phone': '13912345678'}, user=self.rep).status_code, 200)
        # the next window starts afresh
        self.env.cr.execute("UPDATE crm_erp_api_key_usage "
                            "SET window_start = window_start - interval '1 minute' "
                            "WHERE key_id = %s", (key.id,))
        self.assertEqual(self.call('/lookup', {'phone': '13912345678'}).status_code, 200)

    # -- log a call ------------------------------------------------------------

    def test_log_call_as_done_activity_on_the_customer(self):
        res = self.call('/calls', {'phone': '0086 139 1234 5678', 'direction': 'in', 'duration': 4.5,
                                   'subject': 'Asked about the spring catalogue',
                                   'summary': 'Wants prices for 200 scarves.', 'outcome': 'interested',
                                   'date': '2026-11-20T09:30:00Z'})
        self.assertEqual(res.status_code, 201, res.text)
        data = res.json()
        self.assertEqual((data['logged_as'], data['partner']['id'], data['outcome']),
                         ('activity', self.contact.id, 'interested'))
        message = self.env['mail.message'].browse(data['message_id'])
        self.assertEqual((message.model, message.res_id, message.author_id),
                         ('res.partner', self.contact.id, self.agent.partner_id))
        self.assertIn('Wants prices for 200 scarves.', message.body)
        self.assertIn('Inbound call, 4.5 min', message.body)
        log = self.env['crm.sales.visit.log'].browse(data['log_id'])
        self.assertEqual((log.partner_id, log.user_id, log.outcome, log.summary, log.date_deadline),
                         (self.contact, self.agent, 'interested', 'Asked about the spring catalogue',
                          '2026-11-20'))
        self.assertFalse(self.env['mail.activity'].search([('res_model', '=', 'res.partner'),
                                                           ('res_id', '=', self.contact.id)]))
        # by partner id, outbound, default outcome
        res = self.call('/calls', {'partner_id': self.customer.id, 'direction': 'out'})
        self.assertEqual((res.status_code, res.json()['outcome'], res.json()['partner']['id']),
                         (201, 'reached', self.customer.id))
        # unknown customers
        self.assertError(self.call('/calls', {'phone': '+86 139 0000 0000', 'direction': 'in'}),
                         404, 'not_found', ['phone'])
        self.assertError(self.call('/calls', {'partner_id': 999999999, 'direction': 'in'}),
                         404, 'not_found', ['partner_id'])

    def test_log_call_as_service_ticket(self):
        before = self.counts()
        res = self.call('/calls', {'phone': '+86 139 1234 5678', 'direction': 'in', 'duration': 7,
                                   'subject': 'Scarf torn at delivery', 'summary': 'Order SO042.',
                                   'ticket': True, 'team_id': self.service_team.id})
        self.assertEqual(res.status_code, 201, res.text)
        data = res.json()
        call = self.env['crm.service.call'].browse(data['call_id'])
        ticket = call.ticket_id
        self.assertEqual((data['logged_as'], data['outcome'], data['ticket']['id'], data['ticket']['number']),
                         ('ticket', 'ticket_created', ticket.id, ticket.number))
        self.assertEqual((ticket.partner_id, ticket.team_id, ticket.channel, ticket.name),
                         (self.contact, self.service_team, 'phone', 'Scarf torn at delivery'))
        self.assertEqual((call.user_id, call.direction, call.duration), (self.agent, 'in', 7.0))
        self.assertTrue(any('Order SO042.' in m.body for m in ticket.message_ids))
        after = self.counts()
        self.assertEqual(after['crm.service.ticket'], before['crm.service.ticket'] + 1)
        # on an existing ticket: a note, no new ticket
        res = self.call('/calls', {'partner_id': self.contact.id, 'direction': 'out',
                                   'ticket_id': self.ticket.id,
                                   'summary': 'Replacement sent.', 'outcome': 'resolved'})
        self.assertEqual((res.status_code, res.json()['ticket']['id'], res.json()['outcome']),
                         (201, self.ticket.id, 'resolved'))
        self.assertTrue(self.ticket.is_closed)
        self.assertEqual(self.counts()['crm.service.ticket'], after['crm.service.ticket'])
        # an unknown caller still opens a ticket
        res = self.call('/calls', {'phone': '+86 137 0000 0001', 'direction': 'in', 'ticket': True})
        self.assertEqual(res.status_code, 201, res.text)
        self.assertIsNone(res.json()['partner'])
        self.assertEqual(self.env['crm.service.ticket'].browse(res.json()['ticket']['id']).partner_phone,
                         '+86 137 0000 0001')

    def test_failing_call_writes_nothing(self):
        complaint = self.env.ref('crm_service.crm_service_category_complaint', raise_if_not_found=False)
        self.assertTrue(complaint, 'crm_service has a complaint category')
        self.ticket.category_id = complaint
        before = self.counts()
        before_ticket = (self.ticket.stage_id, len(self.ticket.message_ids))
        # the call is saved and noted on the ticket, then closing the complaint is refused
        res = self.call('/calls', {'partner_id': self.contact.id, 'direction': 'in',
                                   'ticket_id': self.ticket.id,
                                   'summary': 'Customer says it is fine now.', 'outcome': 'resolved'})
        error = self.assertError(res, 400, 'rejected')
        self.assertIn('complaint', error['message'].lower())
        self.assertEqual(self.counts(), before)
        self.assertEqual((self.ticket.stage_id, len(self.ticket.message_ids)), before_ticket)

    # -- create a lead -----------------------------------------------------------

    def test_create_lead_is_deduplicated_and_assigned(self):
        self.env['crm.sales.assignment.rule'].create({
            'name': 'China (API test)', 'sequence': 1, 'team_id': self.team.id,
            'country_ids': [(6, 0, self.china.ids)], 'member_ids': [(0, 0, {'user_id': self.rep2.id})]})
        Lead = self.env['crm.lead'].with_context(crm_sales_skip_pipeline=True)
        seen = Lead.create({'name': 'Old enquiry', 'email_from': 'liu.yang@silk.example.com',
                            'user_id': False})
        hidden = Lead.create({'name': 'Rep lead', 'email_from': 'LIU.YANG@silk.example.com',
                              'user_id': self.rep.id})
        res = self.call('/leads', {'name': 'Silk ties for a hotel chain', 'contact_name': 'Liu Yang',
                                   'email': 'Liu.Yang@silk.example.com', 'phone': '+86 571 8765 4321',
                                   'country': 'cn', 'expected_revenue': 25000, 'type': 'opportunity'})
        self.assertEqual(res.status_code, 201, res.text)
        data = res.json()
        lead = self.env['crm.lead'].browse(data['id'])
        self.assertEqual((lead.user_id, lead.team_id, lead.partner_id, lead.country_id, lead.planned_revenue,
                          lead.type),
                         (self.rep2, self.team, self.contact, self.china, 25000.0, 'opportunity'))
        self.assertEqual(lead.create_uid, self.agent)
        self.assertEqual((data['salesperson']['id'], data['team']['id'], data['partner']['id']),
                         (self.rep2.id, self.team.id, self.contact.id))
        self.assertFalse(data['readable'])      # the call centre may not read rep2's lead
        self.assertEqual([d['id'] for d in data['similar_leads']], [seen.id])
        self.assertEqual(data['similar_hidden_count'], 1)
        self.assertNotIn(hidden.name, res.text)
        self.assertIn(self.contact.id, [p['id'] for p in data['matching_contacts']])

    # -- OpenAPI ---------------------------------------------------------------------

    def test_openapi_document_covers_every_route_and_its_examples_work(self):
        res = self.call('/openapi.json', method='GET', key='')
        self.assertEqual(res.status_code, 200)
        with open(OPENAPI_PATH) as f:
            document = json.load(f)
        self.assertEqual(res.json(), document)
        self.assertTrue(document['openapi'].startswith('3.'))
        # the copy under docs/ at the repository root is the same file
        root_copy = os.path.join(os.path.dirname(OPENAPI_PATH), '..', '..', '..', 'docs', 'api',
                                 'crm_erp_api.openapi.json')
        with open(root_copy) as f:
            self.assertEqual(json.load(f), document)
        routes = set()
        for name in dir(CrmErpApi):
            routing = getattr(getattr(CrmErpApi, name), 'routing', None)
            if routing:
                routes.update(r for r in routing['routes'] if '<' not in r and r != PREFIX)
        self.assertEqual({PREFIX + path for path in document['paths']}, routes)
        examples = 0
        for path, operations in document['paths'].items():
            for verb, operation in operations.items():
                for status, response in operation['responses'].items():
                    if '$ref' in response:
                        self.assertIn(response['$ref'].split('/')[-1], document['components']['responses'])
                content = operation.get('requestBody', {}).get('content', {}).get('application/json', {})
                for name, example in content.get('examples', {}).items():
                    with self.subTest(path=path, example=name):
                        res = self.call(path, example['value'], method=verb.upper())
                        self.assertIn(res.status_code, (200, 201), res.text)
                        self.assertIn(str(res.status_code), operation['responses'])
                        examples += 1
        self.assertGreaterEqual(examples, 6)
