"""API keys through the ORM: generated once, stored hashed, revoked at once,
managed by administrators only."""
import hashlib

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests.common import SavepointCase
from odoo.tools import mute_logger

from tests.common import create_user


class TestApiKey(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestApiKey, cls).setUpClass()
        env = cls.env
        cls.admin = create_user(env, 'api.key.admin', ['base.group_user', 'base.group_system'])
        cls.manager = create_user(env, 'api.key.manager', ['crm_sales.group_sales_manager'])
        cls.integration = create_user(env, 'api.key.integration', ['crm_sales.group_sales_rep'])
        cls.Key = env['crm.erp.api.key'].sudo(cls.admin)
        cls.key = cls.Key.create({'name': 'CTI', 'user_id': cls.integration.id})

    def generate(self, key=None):
        action = (key or self.key).action_generate()
        return action['context']['crm_erp_api_plain_key'], action

    def test_generated_key_is_shown_once_and_stored_hashed(self):
        self.assertEqual(self.key.state, 'draft')
        plain, action = self.generate()
        self.assertRegex(plain, r'^crm[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$')
        self.assertEqual(self.key.state, 'active')
        self.assertEqual(self.key.prefix, plain[3:11])
        self.assertEqual(self.key.sudo().key_hash, hashlib.sha256(plain.encode()).hexdigest())
        self.assertEqual(self.key.generated_by_id, self.admin)
        # the wizard shows it from the action's context only
        reveal = self.env[action['res_model']].sudo(self.admin).browse(action['res_id'])
        self.assertEqual(reveal.with_context(**action['context']).key, plain)
        self.assertFalse(reveal.key)
        # the plaintext is nowhere in the database: key, wizard, chatter, tracking
        for table in ('crm_erp_api_key', 'crm_erp_api_key_reveal', 'mail_message', 'mail_tracking_value'):
            self.env.cr.execute('SELECT count(*) FROM %s t WHERE row_to_json(t)::text LIKE %%s' % table,
                                ('%' + plain[12:] + '%',))
            self.assertEqual(self.env.cr.fetchone()[0], 0, table)

    def test_authenticate_good_wrong_and_revoked_keys(self):
        plain, _action = self.generate()
        Key = self.env['crm.erp.api.key']
        self.assertEqual(Key._api_authenticate(plain), (self.key.id, self.integration.id, 120))
        self.assertIsNone(Key._api_authenticate(plain[:-1] + ('A' if plain[-1] != 'A' else 'B')))
        self.assertIsNone(Key._api_authenticate('crm%s.%s' % ('0' * 8, plain[12:])))
        for garbage in ('', 'Bearer', 'crm', plain[3:], 'x' * 500, "crm' OR 1=1 --.x"):
            self.assertIsNone(Key._api_authenticate(garbage), garbage)
        # a regenerated key replaces the old one at once
        new_plain, _action = self.generate()
        self.assertIsNone(Key._api_authenticate(plain))
        self.assertTrue(Key._api_authenticate(new_plain))
        # an archived integration user cannot call
        self.integration.active = False
        self.assertIsNone(Key._api_authenticate(new_plain))
        self.integration.active = True
        # revoked: refused, stamped, final
        self.key.action_revoke()
        self.assertEqual(self.key.state, 'revoked')
        self.assertEqual(self.key.revoked_by_id, self.admin)
        self.assertTrue(self.key.revoked_at)
        self.assertIsNone(Key._api_authenticate(new_plain))
        with self.assertRaises(UserError):
            self.key.action_generate()

    def test_only_administrators_manage_keys(self):
        for user in (self.manager, self.integration):
            with self.assertRaises(AccessError):
                self.env['crm.erp.api.key'].sudo(user).search([])
            with self.assertRaises(AccessError):
                self.env['crm.erp.api.key'].sudo(user).create({'name': 'mine', 'user_id': user.id})
            with self.assertRaises(AccessError):
                self.key.sudo(user).action_revoke()
        # even an administrator never reads the hash back through a view
        self.assertNotIn('key_hash', self.env['crm.erp.api.key'].sudo(self.admin).fields_view_get(
            view_type='form')['arch'])

    def test_key_needs_an_internal_user_of_its_company_and_a_positive_limit(self):
        portal = create_user(self.env, 'api.key.portal', ['base.group_portal'])
        with self.assertRaises(ValidationError):
            self.Key.create({'name': 'portal', 'user_id': portal.id})
        other = self.env['res.company'].create({'name': 'API Other Co'})
        with self.assertRaises(ValidationError):
            self.env['crm.erp.api.key'].create({'name': 'other', 'user_id': self.integration.id,
                                                'company_id': other.id})
        with self.assertRaises(IntegrityError), self.env.cr.savepoint(), mute_logger('odoo.sql_db'):
            self.Key.create({'name': 'zero', 'user_id': self.integration.id, 'rate_limit': 0})
