import re
import secrets
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_erp_webhook_sender import backoff

STATES = ('pending', 'failed', 'delivered', 'dead')


def _new_secret():
    return secrets.token_hex(32)


class CrmErpWebhookEndpoint(models.Model):
    """A receiving system (ERP, SCM, office automation) subscribed to ERP
    events. Each event of a subscribed type becomes one delivery in the
    outbox (`crm.erp.webhook.delivery`), written in the transaction of the
    change, whose payload carries only what the subscribing user may read."""
    _name = 'crm.erp.webhook.endpoint'
    _description = 'Webhook Endpoint'
    _order = 'name, id'

    # what and where
    name = fields.Char(required=True)
    url = fields.Char('URL', required=True,
                      help='Where the events are posted (JSON, HTTP POST), '
                           'e.g. https://erp.example.com/hooks/crm.')
    secret = fields.Char(required=True, copy=False, default=lambda self: _new_secret(),
                         groups='base.group_system',
                         help='Shared secret of the HMAC-SHA256 signature (header X-CRM-Signature).')
    user_id = fields.Many2one('res.users', 'Subscribing User', required=True, ondelete='restrict',
                              default=lambda self: self.env.user,
                              help='Payloads are built with this user\'s access rights: records they cannot '
                                   'read are not sent, fields they may not read are left out.')
    event_type_ids = fields.Many2many('crm.erp.event.type', string='Events',
                                      help='The event types posted to this endpoint.')
    active = fields.Boolean(default=True,
                            help='An archived endpoint receives no new deliveries.')
    paused = fields.Boolean(readonly=True, copy=False,
                            help='A paused endpoint still collects its deliveries in the outbox, '
                                 'but nothing is sent until it is resumed.')
    company_id = fields.Many2one('res.company', required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    # sending
    timeout = fields.Float('Timeout (s)', default=5.0, help='Seconds to wait for the receiver\'s answer.')
    max_attempts = fields.Integer(default=8, help='After this many failed attempts a delivery is dead.')
    backoff_base = fields.Integer('Back-off Base (s)', default=30,
                                  help='Wait after the first failure; it doubles with each further failure.')
    backoff_cap = fields.Integer('Back-off Cap (s)', default=3600, help='Longest wait between two attempts.')
    # counters
    delivery_ids = fields.One2many('crm.erp.webhook.delivery', 'endpoint_id', 'Deliveries')
    pending_count = fields.Integer('Pending', compute='_compute_counts')
    failed_count = fields.Integer('Failing', compute='_compute_counts')
    delivered_count = fields.Integer('Delivered', compute='_compute_counts')
    dead_count = fields.Integer('Dead', compute='_compute_counts')

    @api.multi
    def _compute_counts(self):
        counts = {}
        if self.ids:
            groups = self.env['crm.erp.webhook.delivery'].read_group(
                [('endpoint_id', 'in', self.ids)], ['endpoint_id', 'state'], ['endpoint_id', 'state'],
                lazy=False)
            for group in groups:
                counts[(group['endpoint_id'][0], group['state'])] = group['__count']
        for endpoint in self:
            for state in STATES:
                endpoint['%s_count' % state] = counts.get((endpoint.id, state), 0)

    @api.constrains('url')
    def _check_url(self):
        for endpoint in self:
            problem = self._url_problem(endpoint.url or '')
            if problem:
                raise ValidationError(_('The URL of webhook "%(name)s" is not valid: %(problem)s') % {
                    'name': endpoint.name, 'problem': problem})

    @api.model
    def _url_problem(self, url):
        """Why `url` cannot receive webhooks (a sentence), or None."""
        if not url or re.search(r'\s', url):
            return _('it must be a web address without spaces.')
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return _('the port is not a number between 0 and 65535.')
        if parts.scheme not in ('http', 'https'):
            return _('it must start with http:// or https://.')
        if not parts.hostname:
            return _('it has no host name, e.g. https://erp.example.com/hooks.')
        if parts.username or parts.password or '@' in parts.netloc:
            return _('it must not carry a user name or password; the signature authenticates the sender.')
        if port == 0:
            return _('the port is not a number between 0 and 65535.')
        if parts.fragment:
            return _('it must not end with a #fragment.')
        return None

    @api.constrains('timeout', 'max_attempts', 'backoff_base', 'backoff_cap')
    def _check_sending(self):
        for endpoint in self:
            if not 0 < endpoint.timeout <= 60:
                raise ValidationError(_('The timeout must be between 0 and 60 seconds.'))
            if endpoint.max_attempts < 1:
                raise ValidationError(_('A delivery needs at least one attempt.'))
            if endpoint.backoff_base < 1 or endpoint.backoff_cap < endpoint.backoff_base:
                raise ValidationError(_('The back-off base must be at least one second and '
                                        'no longer than the back-off cap.'))

    @api.multi
    def action_pause(self):
        self.write({'paused': True})

    @api.multi
    def action_resume(self):
        self.write({'paused': False})

    @api.multi
    def action_regenerate_secret(self):
        for endpoint in self:
            endpoint.secret = _new_secret()

    @api.multi
    def action_send_test(self):
        """Queue a `test` delivery for this endpoint and send it at once;
        opens the delivery, with its status and the receiver's answer."""
        self.ensure_one()
        delivery = self.env['crm.erp.webhook.delivery']._create_test(self)
        delivery._send()
        return delivery._action_open()

    @api.multi
    def action_view_deliveries(self):
        self.ensure_one()
        action = self.env.ref('crm_erp_bridge.crm_erp_webhook_delivery_action').read()[0]
        action['domain'] = [('endpoint_id', '=', self.id)]
        action['context'] = {'default_endpoint_id': self.id}
        state = self.env.context.get('webhook_state')
        if state in STATES:     # the smart button clicked: its state as the filter
            action['context']['search_default_%s' % state] = 1
        return action

    @api.multi
    def _backoff_seconds(self, attempts):
        """Wait before the next try after `attempts` failed ones:
        min(cap, base x 2^(attempts - 1)), i.e. base, 2 base, 4 base..."""
        self.ensure_one()
        return backoff(self.backoff_base, self.backoff_cap, attempts)
