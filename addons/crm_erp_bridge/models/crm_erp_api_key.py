"""API keys of the inbound JSON API (controllers/api.py).

A key belongs to an integration user: every API call runs as that user, so
the user's groups and record rules decide what the call may read and write.

The key itself is shown once, when it is generated (the reveal wizard gets
it through the action's context, never through the database). Only its
SHA-256 is stored, with a short visible prefix to find the row. SHA-256
without salt or stretching is enough here because the key is 32 random
bytes (256 bits): there is no dictionary to try and nothing to brute-force,
unlike a password; a slow hash (PBKDF2, bcrypt) would add tens of
milliseconds to every call for no gain. The hash is compared in constant
time (`consteq`).

Rate limit: a fixed one-minute window per key, counted in the table
`crm_erp_api_key_usage` (one row per key: window start, count, last use)
by one INSERT ... ON CONFLICT DO UPDATE ... RETURNING statement on its own
short autocommit cursor. The count is therefore committed at once, before
the call does its work: a call that fails and is rolled back still counts
(a client cannot hammer the API with failing calls), and the counter row
is locked for one statement only, not for the length of a call, so
concurrent calls of one key do not queue behind each other.
"""
import base64
import hashlib
import os

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import consteq

KEY_PREFIX_BYTES = 4        # 8 hex characters, shown in the list to tell keys apart
KEY_SECRET_BYTES = 32


def hash_key(key):
    """The stored form of a key: its SHA-256 in hex."""
    return hashlib.sha256(key.encode('utf-8')).hexdigest()


def split_key(key):
    """(prefix, whole key) of a presented key, or (None, None) when it
    does not look like one of ours: 'crm' + 8 hex + '.' + secret."""
    if not key or len(key) > 200 or not key.startswith('crm') or '.' not in key:
        return None, None
    prefix = key[3:].split('.', 1)[0]
    if len(prefix) != 2 * KEY_PREFIX_BYTES:
        return None, None
    return prefix, key


class CrmErpApiKey(models.Model):
    _name = 'crm.erp.api.key'
    _description = 'API Key'
    _inherit = ['mail.thread']
    _order = 'state, name, id'

    # what the key is for
    name = fields.Char(required=True, track_visibility='onchange',
                       help='Which system uses this key (e.g. "Call centre CTI").')
    user_id = fields.Many2one(
        'res.users', 'Integration User', required=True, index=True, ondelete='restrict',
        track_visibility='onchange', domain=[('share', '=', False)],
        help='Every call made with this key runs as this user: their groups and record rules '
             'decide what the call may read and write. Give a dedicated user only the rights '
             'the integration needs.')
    company_id = fields.Many2one(
        'res.company', required=True, index=True, default=lambda self: self.env.user.company_id,
        help="The company the key belongs to; it must be one of the integration user's companies.")
    rate_limit = fields.Integer(
        'Requests per Minute', required=True, default=120, track_visibility='onchange',
        help='Calls allowed per minute (a fixed window); more get HTTP 429 with Retry-After.')
    note = fields.Text()
    # the key: only its hash and a prefix are kept
    prefix = fields.Char(readonly=True, copy=False, index=True,
                         help='The first characters of the key, to recognise it; the key itself '
                              'is shown once, when it is generated.')
    key_hash = fields.Char(readonly=True, copy=False, groups='base.group_system')
    # life cycle
    state = fields.Selection(
        [('draft', 'No Key Yet'), ('active', 'Active'), ('revoked', 'Revoked')],
        required=True, default='draft', readonly=True, copy=False, index=True,
        track_visibility='onchange')
    generated_at = fields.Datetime(readonly=True, copy=False)
    generated_by_id = fields.Many2one('res.users', readonly=True, copy=False)
    revoked_at = fields.Datetime(readonly=True, copy=False)
    revoked_by_id = fields.Many2one('res.users', readonly=True, copy=False)
    last_used = fields.Datetime(compute='_compute_usage', help='When the key was last used.')
    window_count = fields.Integer('Calls This Minute', compute='_compute_usage')

    _sql_constraints = [
        ('prefix_unique', 'unique(prefix)', 'Two keys cannot share a prefix.'),
        ('rate_limit_positive', 'CHECK(rate_limit > 0)',
         'The rate limit must be at least one request per minute.'),
    ]

    @api.model_cr
    def init(self):
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS crm_erp_api_key_usage (
                key_id integer PRIMARY KEY REFERENCES crm_erp_api_key(id) ON DELETE CASCADE,
                window_start timestamp without time zone NOT NULL,
                count integer NOT NULL,
                last_used timestamp without time zone NOT NULL
            )""")

    @api.multi
    def _compute_usage(self):
        ids = tuple(i for i in self.ids if isinstance(i, int))
        usage = {}
        if ids:
            self.env.cr.execute(
                "SELECT key_id, last_used, CASE WHEN window_start = date_trunc('minute', "
                "now() AT TIME ZONE 'UTC') THEN count ELSE 0 END "
                "FROM crm_erp_api_key_usage WHERE key_id IN %s", (ids,))
            usage = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for key in self:
            last_used, count = usage.get(key.id, (False, 0))
            key.last_used = last_used
            key.window_count = count

    @api.constrains('user_id', 'company_id')
    def _check_user_company(self):
        for key in self:
            if key.user_id.share:
                raise ValidationError(_('The integration user of an API key must be an internal '
                                        'user, not a portal or public user.'))
            if key.company_id not in key.user_id.company_ids:
                raise ValidationError(_('%(user)s does not belong to the company %(company)s of '
                                        'the API key.') % {'user': key.user_id.name,
                                                           'company': key.company_id.name})

    @api.multi
    def action_generate(self):
        """Make a new key (replacing the previous one, which stops working at
        once) and open the wizard that shows it, once."""
        self.ensure_one()
        if self.state == 'revoked':
            raise UserError(_('The API key "%s" is revoked: create a new one.') % self.name)
        key = self._generate()
        return {
            'type': 'ir.actions.act_window',
            'name': _('Your New API Key'),
            'res_model': 'crm.erp.api.key.reveal',
            'res_id': self.env['crm.erp.api.key.reveal'].create({'key_id': self.id}).id,
            'view_mode': 'form',
            'views': [(False, 'form')],
            'target': 'new',
            # the key travels to the browser in the action, never into the database
            'context': {'crm_erp_api_plain_key': key},
        }

    @api.multi
    def _generate(self):
        """Store the hash of a new random key and return the key itself."""
        self.ensure_one()
        for _attempt in range(5):
            prefix = base64.b16encode(os.urandom(KEY_PREFIX_BYTES)).decode().lower()
            if not self.sudo().search_count([('prefix', '=', prefix)]):
                break
        secret = base64.urlsafe_b64encode(os.urandom(KEY_SECRET_BYTES)).decode().rstrip('=')
        key = 'crm%s.%s' % (prefix, secret)
        self.sudo().write({'prefix': prefix, 'key_hash': hash_key(key), 'state': 'active',
                           'generated_at': fields.Datetime.now(), 'generated_by_id': self.env.uid})
        self.message_post(body=_('New key generated (prefix %s); any earlier key of this '
                                 'record no longer works.') % prefix)
        return key

    @api.multi
    def action_revoke(self):
        """Refuse the key from now on: the next call with it gets 401."""
        for key in self.filtered(lambda k: k.state != 'revoked'):
            key.write({'state': 'revoked', 'revoked_at': fields.Datetime.now(),
                       'revoked_by_id': self.env.uid})
        return True

    @api.model
    def _api_authenticate(self, key):
        """(key id, user id, rate limit) of an active key, or None. Runs on
        the request's cursor; one indexed query."""
        prefix, key = split_key(key)
        if not prefix:
            return None
        self.env.cr.execute("""
            SELECT k.id, k.key_hash, k.user_id, k.rate_limit
              FROM crm_erp_api_key k JOIN res_users u ON u.id = k.user_id
             WHERE k.prefix = %s AND k.state = 'active' AND u.active AND NOT u.share
        """, (prefix,))
        row = self.env.cr.fetchone()
        if not row or not row[1] or not consteq(row[1], hash_key(key)):
            return None
        return row[0], row[2], row[3]

    @api.model
    def _api_count_call(self, key_id, limit):
        """Count a call in the key's current one-minute window; return
        (allowed, seconds until the window ends). Its own short autocommit
        cursor: see the module's docstring."""
        with self.pool.cursor() as cr:
            cr.autocommit(True)     # a test cursor ignores this and is the request's own
            cr.execute("""
                INSERT INTO crm_erp_api_key_usage AS u (key_id, window_start, count, last_used)
                VALUES (%(key)s, date_trunc('minute', now() AT TIME ZONE 'UTC'), 1,
                        now() AT TIME ZONE 'UTC')
                ON CONFLICT (key_id) DO UPDATE SET
                    count = CASE WHEN u.window_start = EXCLUDED.window_start
                                 THEN u.count + 1 ELSE 1 END,
                    window_start = EXCLUDED.window_start,
                    last_used = EXCLUDED.last_used
                RETURNING count, ceil(60 - extract(epoch FROM (u.last_used - u.window_start)))
            """, {'key': key_id})
            count, retry_after = cr.fetchone()
        return count <= limit, max(1, int(retry_after))
