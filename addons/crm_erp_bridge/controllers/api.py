"""The inbound JSON API for the call centre and other systems.

Every route answers JSON, never an HTML page or a traceback. A call:
1. is authenticated by `Authorization: Bearer <key>` (401 when the key is
   missing, unknown, revoked or its user archived);
2. is counted against the key's rate limit (429 with Retry-After);
3. has its body checked against the route's schema (400 with the fields);
4. runs as the key's integration user (an environment with that uid, so
   access rights and record rules apply: 403 on AccessError) in the
   request's single transaction: whatever fails is rolled back, nothing is
   half-written.
The document of the API: docs/crm_erp_api.openapi.json in this addon (also
docs/api/ at the repository root), served at /api/crm/v1/openapi.json.
"""
import json
import logging
import os

from psycopg2 import OperationalError

import odoo
from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from odoo.addons.crm_sales.models.normalize import normalize_email, normalize_phone

_logger = logging.getLogger(__name__)

PREFIX = '/api/crm/v1'
OPENAPI_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'docs',
                            'crm_erp_api.openapi.json')
MAX_BODY = 64 * 1024
MAX_ID = 2 ** 31 - 1     # PostgreSQL integer: a bigger id is a bad request, not a server error

ACTIVITY_OUTCOMES = ('reached', 'interested', 'not_interested', 'no_answer', 'follow_up')
TICKET_OUTCOMES = ('resolved', 'ticket_created', 'ticket_updated', 'no_answer', 'callback')


class ApiError(Exception):
    """An answer other than success: HTTP status, error code, message, the
    fields at fault, extra headers."""

    def __init__(self, status, code, message, fields=None, headers=None):
        super(ApiError, self).__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.headers = headers or []


class F(object):
    """One field of a request body: its JSON type and limits."""

    def __init__(self, kind, required=False, choices=None, minimum=None, maximum=None, max_length=None):
        self.kind, self.required, self.choices = kind, required, choices
        self.minimum, self.maximum, self.max_length = minimum, maximum, max_length

    def check(self, value):
        """An error message, or None when `value` fits."""
        kind = self.kind
        if kind == 'string':
            if not isinstance(value, str):
                return _('must be a string')
            if self.required and not value.strip():
                return _('must not be empty')
            if self.max_length and len(value) > self.max_length:
                return _('must be at most %d characters long') % self.max_length
        elif kind == 'boolean':
            if not isinstance(value, bool):
                return _('must be true or false')
        elif kind in ('integer', 'number'):
            # JSON true/false are not numbers, even if Python says so
            ok = (int,) if kind == 'integer' else (int, float)
            if isinstance(value, bool) or not isinstance(value, ok):
                return _('must be an integer') if kind == 'integer' else _('must be a number')
            if self.minimum is not None and value < self.minimum:
                return _('must be at least %s') % self.minimum
            if self.maximum is not None and value > self.maximum:
                return _('must be at most %s') % self.maximum
        if self.choices and value not in self.choices:
            return _('must be one of: %s') % ', '.join(self.choices)
        return None


SCHEMAS = {
    'lookup': {
        'phone': F('string', max_length=64),
        'email': F('string', max_length=254),
        'country': F('string', max_length=2),
        'limit': F('integer', minimum=1, maximum=50),
    },
    'calls': {
        'partner_id': F('integer', minimum=1, maximum=MAX_ID),
        'phone': F('string', max_length=64),
        'country': F('string', max_length=2),
        'direction': F('string', required=True, choices=('in', 'out')),
        'duration': F('number', minimum=0, maximum=24 * 60),
        'subject': F('string', max_length=200),
        'summary': F('string', max_length=20000),
        'outcome': F('string', choices=tuple(sorted(set(ACTIVITY_OUTCOMES + TICKET_OUTCOMES)))),
        'date': F('string', max_length=20),
        'ticket': F('boolean'),
        'ticket_id': F('integer', minimum=1, maximum=MAX_ID),
        'team_id': F('integer', minimum=1, maximum=MAX_ID),
    },
    'leads': {
        'name': F('string', required=True, max_length=200),
        'type': F('string', choices=('lead', 'opportunity')),
        'contact_name': F('string', max_length=200),
        'partner_name': F('string', max_length=200),
        'email': F('string', max_length=254),
        'phone': F('string', max_length=64),
        'mobile': F('string', max_length=64),
        'street': F('string', max_length=200),
        'city': F('string', max_length=100),
        'zip': F('string', max_length=20),
        'country': F('string', max_length=2),
        'vat': F('string', max_length=40),
        'description': F('string', max_length=20000),
        'expected_revenue': F('number', minimum=0),
    },
}


def _no_constant(name):
    """NaN and Infinity are not JSON (Python's json accepts them)."""
    raise ValueError(_('%s is not a JSON value') % name)


def _get_request(root, httprequest):
    """Odoo 11 turns every request with a JSON content type into a JSON-RPC
    request (and answers JSON-RPC envelopes, with a traceback in debug
    mode). The API speaks plain JSON over HTTP: its requests are ordinary
    HTTP requests whatever their content type. (The same approach as the
    OCA's base_rest for these versions.)"""
    if httprequest.path == PREFIX or httprequest.path.startswith(PREFIX + '/'):
        return http.HttpRequest(httprequest)
    return _odoo_get_request(root, httprequest)


_odoo_get_request = http.Root.get_request
http.Root.get_request = _get_request


def _m2o(record):
    return {'id': record.id, 'name': record.display_name} if record else None


class CrmErpApi(http.Controller):

    # -- routes ------------------------------------------------------------

    @http.route(PREFIX + '/lookup', type='http', auth='none', csrf=False, methods=None)
    def lookup(self, **kw):
        return self._call('lookup', self._lookup)

    @http.route(PREFIX + '/calls', type='http', auth='none', csrf=False, methods=None)
    def calls(self, **kw):
        return self._call('calls', self._log_call, status=201)

    @http.route(PREFIX + '/leads', type='http', auth='none', csrf=False, methods=None)
    def leads(self, **kw):
        return self._call('leads', self._create_lead, status=201)

    @http.route(PREFIX + '/openapi.json', type='http', auth='none', csrf=False, methods=None)
    def openapi(self, **kw):
        if request.httprequest.method not in ('GET', 'HEAD'):
            return self._error(ApiError(405, 'method_not_allowed', _('Use GET on this address.'),
                                        headers=[('Allow', 'GET')]))
        try:
            with open(OPENAPI_PATH, 'rb') as document:
                return self._response(document.read(), 200)
        except IOError:
            return self._error(ApiError(404, 'not_found', _('The API document is not installed.')))

    @http.route([PREFIX, PREFIX + '/<path:path>'], type='http', auth='none', csrf=False, methods=None)
    def not_found(self, **kw):
        return self._error(ApiError(404, 'not_found', _(
            'No such API route. The routes are listed in %s/openapi.json.') % PREFIX))

    # -- the frame of every call -------------------------------------------

    def _call(self, schema, handler, status=200):
        """Authenticate, count, validate, run `handler(env, body)` as the
        key's user in one transaction; every failure becomes a JSON error."""
        if request.httprequest.method != 'POST':
            return self._error(ApiError(405, 'method_not_allowed', _('Use POST on this address.'),
                                        headers=[('Allow', 'POST')]))
        # the API is stateless: do not store a web session for each call
        request.session.modified = False
        try:
            uid = self._authenticate()
            body = self._parse_body(SCHEMAS[schema])
            env = self._user_env(uid)
            result = handler(env, body)
            return self._response(json.dumps(result, default=str), status)
        except ApiError as error:
            return self._fail(error)
        except AccessError as error:
            return self._fail(ApiError(403, 'forbidden', _(
                'The integration user of this key may not do this: %s') % self._text(error)))
        except MissingError as error:
            return self._fail(ApiError(404, 'not_found', self._text(error)))
        except (UserError, ValidationError) as error:
            return self._fail(ApiError(400, 'rejected', self._text(error)))
        except OperationalError as error:
            if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise       # Odoo rolls back and replays the call
            return self._fail(self._internal(error))
        except Exception as error:  # pylint: disable=broad-except
            return self._fail(self._internal(error))

    def _authenticate(self):
        header = request.httprequest.headers.get('Authorization') or ''
        scheme, _sep, key = header.strip().partition(' ')
        challenge = [('WWW-Authenticate', 'Bearer realm="crm"')]
        if scheme.lower() != 'bearer' or not key.strip():
            raise ApiError(401, 'unauthorized', _(
                'An API key is required: send the header "Authorization: Bearer <key>".'),
                headers=challenge)
        Key = request.env(user=odoo.SUPERUSER_ID)['crm.erp.api.key']
        found = Key._api_authenticate(key.strip())
        if not found:
            raise ApiError(401, 'unauthorized', _(
                'The API key is wrong, revoked, or its user is archived.'), headers=challenge)
        key_id, uid, limit = found
        # once per request: Odoo replays a call after a serialisation failure
        if not getattr(request, '_crm_erp_api_counted', False):
            request._crm_erp_api_counted = True
            allowed, retry_after = Key._api_count_call(key_id, limit)
            if not allowed:
                raise ApiError(429, 'rate_limited', _(
                    'Too many requests: this key may make %(limit)d calls a minute. Try again in '
                    '%(seconds)d seconds.') % {'limit': limit, 'seconds': retry_after},
                    headers=[('Retry-After', str(retry_after))])
        return uid

    def _parse_body(self, schema):
        raw = request.httprequest.get_data(cache=True)
        if len(raw) > MAX_BODY:
            raise ApiError(413, 'too_large', _('The request body is larger than %d KB.') % (MAX_BODY // 1024))
        try:
            body = json.loads(raw.decode('utf-8'), parse_constant=_no_constant)
        except (ValueError, UnicodeDecodeError) as error:
            raise ApiError(400, 'invalid_json', _('The request body is not valid JSON (UTF-8): %s') % error)
        if not isinstance(body, dict):
            raise ApiError(400, 'invalid_body', _('The request body must be a JSON object.'))
        errors = {}
        for name in body:
            if name not in schema:
                errors[name] = _('unknown field')
        for name, field in schema.items():
            if name not in body or body[name] is None:
                if field.required:
                    errors[name] = _('is required')
                continue
            message = field.check(body[name])
            if message:
                errors[name] = message
        body = {name: value for name, value in body.items() if value is not None}
        if errors:
            raise ApiError(400, 'invalid_body', _('Some fields are missing or wrong.'), errors)
        return body

    def _user_env(self, uid):
        request.uid = uid
        env = request.env(user=uid)
        user = env.user
        env = env(context=dict(env.context, lang=user.lang, tz=user.tz))
        return env

    def _fail(self, error):
        """Undo whatever the call wrote, then answer the error."""
        request.cr.rollback()
        request.env.clear()
        return self._error(error)

    def _internal(self, error):
        _logger.exception('API call %s failed', request.httprequest.path)
        return ApiError(500, 'server_error', _(
            'The server could not process the call; nothing was saved. The error is logged.'))

    @staticmethod
    def _text(error):
        return getattr(error, 'name', None) or (error.args and error.args[0]) or str(error)

    def _error(self, error):
        body = {'error': {'code': error.code, 'message': error.message, 'fields': error.fields}}
        return self._response(json.dumps(body), error.status, error.headers)

    @staticmethod
    def _response(body, status, headers=None):
        return http.Response(body, status=status, headers=[
            ('Content-Type', 'application/json; charset=utf-8'),
            ('Cache-Control', 'no-store')] + list(headers or []))

    # -- shared helpers ------------------------------------------------------

    def _region(self, env, body):
        return (body.get('country') or env.user.company_id.country_id.code or '').upper() or None

    def _phone(self, env, body, field='phone'):
        number = normalize_phone(body[field], self._region(env, body))
        if not number:
            raise ApiError(400, 'invalid_body', _('Some fields are missing or wrong.'), {
                field: _('is not a valid phone number (give the country code, e.g. +86 571 8888 1234, '
                         'or the field "country")')})
        return number

    def _email(self, body, field='email'):
        email = normalize_email(body[field])
        if not email:
            raise ApiError(400, 'invalid_body', _('Some fields are missing or wrong.'),
                           {field: _('is not a valid e-mail address')})
        return email

    def _partners_by_phone(self, env, number, limit=None):
        return env['res.partner'].search(
            ['|', ('phone_normalized', '=', number), ('mobile_normalized', '=', number)],
            limit=limit, order='id')

    # -- lookup ----------------------------------------------------------------

    def _lookup(self, env, body):
        if ('phone' in body) == ('email' in body):
            raise ApiError(400, 'invalid_body', _('Give either a phone number or an e-mail address.'),
                           {'phone': _('give phone or email, not both and not neither')})
        limit = body.get('limit', 10)
        Partner, Lead = env['res.partner'], env['crm.lead']
        if 'phone' in body:
            key = self._phone(env, body)
            partners = self._partners_by_phone(env, key, limit=200)
            lead_domain = ['|', ('phone_normalized', '=', key), ('mobile_normalized', '=', key)]
            query = {'phone': key}
        else:
            key = self._email(body)
            partners = Partner.search([('email_normalized', '=', key)], limit=200, order='id')
            lead_domain = [('email_normalized', '=', key)]
            query = {'email': key}
        commercial_ids = list(set(partners.mapped('commercial_partner_id').ids))
        commercials = Partner.search([('id', 'in', commercial_ids)], limit=limit, order='id')
        if commercials:
            lead_domain = ['|', ('partner_id', 'child_of', commercials.ids)] + lead_domain
        return {
            'query': query,
            'customers': self._customers(commercials, partners),
            'leads': self._open_leads(Lead, lead_domain, limit),
            'tickets': self._open_tickets(env, commercials, limit),
        }

    def _customers(self, commercials, partners):
        summaries = self._summaries(commercials)
        result = []
        for commercial in commercials:
            contacts = partners.filtered(lambda p: p.commercial_partner_id == commercial)
            result.append({
                'id': commercial.id,
                'name': commercial.name,
                'is_company': commercial.is_company,
                'phone': commercial.phone or None,
                'email': commercial.email or None,
                'salesperson': _m2o(commercial.user_id),
                'matched_contacts': [{'id': c.id, 'name': c.name, 'phone': c.phone or None,
                                      'mobile': c.mobile or None, 'email': c.email or None}
                                     for c in contacts],
                'summary': summaries.get(commercial.id),
            })
        return result

    def _summaries(self, commercials):
        """{partner id: the customer 360 summary}: res.partner's
        `_crm_erp_360_summary()` (set-based), computed as the key's user."""
        if not commercials:
            return {}
        return commercials._crm_erp_360_summary()

    def _open_leads(self, Lead, domain, limit):
        if not Lead.check_access_rights('read', raise_exception=False):
            return None
        leads = Lead.search([('probability', '<', 100)] + domain, limit=limit, order='id desc')
        return [{
            'id': lead.id, 'type': lead.type, 'name': lead.name,
            'partner': _m2o(lead.partner_id), 'contact_name': lead.contact_name or None,
            'stage': _m2o(lead.stage_id), 'salesperson': _m2o(lead.user_id), 'team': _m2o(lead.team_id),
            'expected_revenue': lead.planned_revenue, 'probability': lead.probability,
            'date_deadline': lead.date_deadline or None,
        } for lead in leads]

    def _open_tickets(self, env, commercials, limit):
        Ticket = env['crm.service.ticket']
        if not Ticket.check_access_rights('read', raise_exception=False):
            return None
        if not commercials:
            return []
        tickets = Ticket.search([('commercial_partner_id', 'in', commercials.ids),
                                 ('is_closed', '=', False)], limit=limit, order='id desc')
        return [{
            'id': ticket.id, 'number': ticket.number, 'name': ticket.name,
            'customer': _m2o(ticket.partner_id), 'stage': _m2o(ticket.stage_id),
            'team': _m2o(ticket.team_id), 'agent': _m2o(ticket.user_id), 'priority': ticket.priority,
            'created': ticket.create_date,
        } for ticket in tickets]

    # -- log a call ------------------------------------------------------------

    def _log_call(self, env, body):
        as_ticket = body.get('ticket', False) or 'ticket_id' in body
        outcomes = TICKET_OUTCOMES if as_ticket else ACTIVITY_OUTCOMES
        outcome = body.get('outcome', 'ticket_created' if as_ticket else 'reached')
        if outcome not in outcomes:
            raise ApiError(400, 'invalid_body', _('Some fields are missing or wrong.'), {
                'outcome': _('must be one of: %s') % ', '.join(outcomes)})
        date = self._date(body)
        partner, number = self._call_partner(env, body, required=not as_ticket)
        subject = body.get('subject') or (_('Inbound call') if body['direction'] == 'in'
                                          else _('Outbound call'))
        if as_ticket:
            return self._log_call_ticket(env, body, partner, number, subject, outcome, date)
        return self._log_call_activity(env, body, partner, subject, outcome, date)

    def _date(self, body):
        if 'date' not in body:
            return fields.Datetime.now()
        try:
            value = body['date'].rstrip('Z').replace('T', ' ')
            return fields.Datetime.to_string(fields.Datetime.from_string(value))
        except ValueError:
            raise ApiError(400, 'invalid_body', _('Some fields are missing or wrong.'), {
                'date': _('must be a UTC date and time: YYYY-MM-DDTHH:MM:SS')})

    def _call_partner(self, env, body, required):
        """(partner, normalised phone) of the caller."""
        number = self._phone(env, body) if 'phone' in body else None
        if 'partner_id' in body:
            partner = env['res.partner'].browse(body['partner_id']).exists()
            if not partner:
                raise ApiError(404, 'not_found', _('There is no customer with id %d.') % body['partner_id'],
                               {'partner_id': _('not found')})
            partner.check_access_rule('read')
            return partner, number
        if number:
            partners = self._partners_by_phone(env, number, limit=50)
            commercials = partners.mapped('commercial_partner_id')
            if len(commercials) > 1:
                raise ApiError(400, 'invalid_body', _('This phone number belongs to several customers: '
                                                      'give partner_id.'),
                               {'phone': _('matches %d customers') % len(commercials)})
            if partners:
                return partners[0], number
            if required:
                raise ApiError(404, 'not_found', _('No customer has the phone number %s.') % number,
                               {'phone': _('no customer has this number')})
            return env['res.partner'], number
        if required:
            raise ApiError(400, 'invalid_body', _('Give the customer: partner_id or phone.'),
                           {'partner_id': _('give partner_id or phone')})
        return env['res.partner'], None

    def _log_call_activity(self, env, body, partner, subject, outcome, date):
        """A done call activity on the customer: the chatter message and the
        crm_sales visit and call log."""
        call_type = env.ref('mail.mail_activity_data_call')
        labels = dict(env['mail.activity']._fields['visit_outcome']._description_selection(env))
        lines = [_('%(direction)s call, %(minutes)s min') % {
            'direction': _('Inbound') if body['direction'] == 'in' else _('Outbound'),
            'minutes': '%g' % body.get('duration', 0)}]
        if body.get('summary'):
            lines.append(body['summary'])
        activity = env['mail.activity'].create({
            'res_model_id': env['ir.model']._get('res.partner').id,
            'res_id': partner.id,
            'activity_type_id': call_type.id,
            'summary': subject,
            'user_id': env.uid,
            'date_deadline': date[:10],
            'visit_outcome': outcome,
        })
        message_id = activity.action_feedback(feedback='\n'.join(lines))
        log = env['crm.sales.visit.log'].sudo().search([('message_id', '=', message_id)], limit=1)
        return {'logged_as': 'activity', 'partner': _m2o(partner), 'message_id': message_id,
                'log_id': log.id or None, 'outcome': outcome, 'outcome_label': labels.get(outcome)}

    def _log_call_ticket(self, env, body, partner, number, subject, outcome, date):
        """A crm_service phone call, which opens or updates a ticket."""
        values = {
            'name': subject, 'date': date, 'partner_id': partner.id,
            'partner_phone': body.get('phone') or partner.phone or partner.mobile or False,
            'direction': body['direction'], 'duration': body.get('duration', 0.0),
            'summary': body.get('summary') or False, 'outcome': outcome,
        }
        if 'ticket_id' in body:
            ticket = env['crm.service.ticket'].browse(body['ticket_id']).exists()
            if not ticket:
                raise ApiError(404, 'not_found', _('There is no ticket with id %d.') % body['ticket_id'],
                               {'ticket_id': _('not found')})
            ticket.check_access_rule('read')
            values['ticket_id'] = ticket.id
            if outcome == 'ticket_created':
                values['outcome'] = 'ticket_updated'
        if 'team_id' in body:
            team = env['crm.service.team'].browse(body['team_id']).exists()
            if not team:
                raise ApiError(404, 'not_found', _('There is no service team with id %d.') % body['team_id'],
                               {'team_id': _('not found')})
            values['team_id'] = team.id
        call = env['crm.service.call'].create(values)
        ticket = call.ticket_id
        return {'logged_as': 'ticket', 'call_id': call.id, 'partner': _m2o(partner),
                'outcome': call.outcome,
                'ticket': {'id': ticket.id, 'number': ticket.number, 'name': ticket.name,
                           'stage': _m2o(ticket.stage_id), 'team': _m2o(ticket.team_id),
                           'agent': _m2o(ticket.user_id)} if ticket else None}

    # -- create a lead ---------------------------------------------------------

    def _create_lead(self, env, body):
        errors = {}
        values = {key: body[key] for key in ('name', 'contact_name', 'partner_name', 'street', 'city',
                                             'zip', 'vat', 'description') if key in body}
        values['type'] = body.get('type', 'lead')
        # the API is an intake channel: its leads are routed by the assignment
        # rules (crm_sales), never kept by the integration user
        values['user_id'] = False
        if 'expected_revenue' in body:
            values['planned_revenue'] = body['expected_revenue']
        if 'country' in body:
            country = env['res.country'].search([('code', '=', body['country'].upper())], limit=1)
            if not country:
                errors['country'] = _('is not a known ISO country code (e.g. CN)')
            values['country_id'] = country.id
        if 'email' in body:
            values['email_from'] = normalize_email(body['email']) and body['email'].strip()
            if not values['email_from']:
                errors['email'] = _('is not a valid e-mail address')
        for field in ('phone', 'mobile'):
            if field in body:
                if not normalize_phone(body[field], self._region(env, body)):
                    errors[field] = _('is not a valid phone number (give the country code or the '
                                      'field "country")')
                values[field] = body[field].strip()
        if errors:
            raise ApiError(400, 'invalid_body', _('Some fields are missing or wrong.'), errors)
        lead = env['crm.lead'].create(values)
        # the assignment is the outcome of the caller's own request: show
        # who got the lead even when the rules keep it from reading it now
        routed = lead.sudo()
        readable = bool(env['crm.lead'].search_count([('id', '=', lead.id)]))
        # read() the similar records alone: attribute access would prefetch
        # every lead of the environment, the new one included, which the
        # user may not read any more
        similar = lead.duplicate_lead_ids.read(['name', 'type', 'user_id'])
        hidden = lead.duplicate_hidden_count
        contacts = lead.duplicate_partner_ids.read(['display_name'])
        return {
            'id': lead.id,
            'type': routed.type,
            'name': routed.name,
            'readable': readable,
            'partner': _m2o(routed.partner_id),
            'salesperson': _m2o(routed.user_id),
            'team': _m2o(routed.team_id),
            'similar_leads': [{'id': dup['id'], 'name': dup['name'], 'type': dup['type'],
                               'salesperson': dup['user_id'] and {'id': dup['user_id'][0],
                                                                  'name': dup['user_id'][1]} or None}
                              for dup in similar],
            'similar_hidden_count': hidden,
            'matching_contacts': [{'id': p['id'], 'name': p['display_name']} for p in contacts],
        }
