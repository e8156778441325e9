"""Fixtures of the channel, assignment and complaint tests: a team with an
alias, its manager and agents, and two customer companies."""
from odoo.tests.common import SavepointCase

from tests.common import create_user

RAW_MAIL = """From: {sender}
To: {to}
Subject: {subject}
Message-ID: {message_id}
{headers}Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


class ChannelsCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(ChannelsCase, cls).setUpClass()
        env = cls.env
        params = env['ir.config_parameter'].sudo()
        params.set_param('mail.catchall.domain', 'example.com')
        params.set_param('mail.catchall.alias', 'catchall')
        cls.manager = create_user(env, 'chan.manager', ['crm_service.group_service_manager'])
        cls.agent = create_user(env, 'chan.agent', ['crm_service.group_service_agent'])
        cls.agent2 = create_user(env, 'chan.agent2', ['crm_service.group_service_agent'])
        cls.outsider = create_user(env, 'chan.outsider', ['crm_service.group_service_agent'])
        cls.team = env['crm.service.team'].create({
            'name': 'Care Test',
            'alias_name': 'care-test',
            'user_id': cls.manager.id,
            'member_ids': [(6, 0, [cls.agent.id])],
            'assignment_method': 'manual',
        })
        cls.other_team = env['crm.service.team'].create({
            'name': 'Support Test',
            'alias_name': 'support-test',
            'user_id': cls.manager.id,
            'member_ids': [(6, 0, [cls.outsider.id])],
            'assignment_method': 'manual',
        })
        Partner = env['res.partner']
        cls.acme = Partner.create({'name': 'Acme Printing Ltd', 'is_company': True, 'customer': True})
        cls.alice = Partner.create({
            'name': 'Alice Buyer', 'email': 'Alice.Buyer@Example.org', 'parent_id': cls.acme.id})
        cls.carol = Partner.create({
            'name': 'Carol Colleague', 'email': 'carol@example.org', 'parent_id': cls.acme.id})
        cls.globex = Partner.create({'name': 'Globex Corp', 'is_company': True, 'customer': True})
        cls.mallory = Partner.create({
            'name': 'Mallory Other', 'email': 'mallory@globex.example', 'parent_id': cls.globex.id})
        cls.category_inquiry = env.ref('crm_service.crm_service_category_inquiry')
        cls.category_complaint = env.ref('crm_service.crm_service_category_complaint')

    def process_mail(self, sender, subject, body='Hello', to='care-test@example.com',
                     message_id=None, headers=''):
        """Feed a raw RFC822 mail through Odoo's gateway, as fetchmail does."""
        self._mail_counter = getattr(self, '_mail_counter', 0) + 1
        message_id = message_id or '<test-%s-%s@client.example>' % (id(self), self._mail_counter)
        raw = RAW_MAIL.format(sender=sender, to=to, subject=subject, message_id=message_id,
                              headers=headers, body=body)
        # notifications are queued, not sent (and deleted) at once
        return self.env['mail.thread'].with_context(mail_notify_force_send=False).message_process(None, raw)

    def make_ticket(self, **values):
        vals = {'name': 'Printer broken', 'team_id': self.team.id, 'partner_id': self.alice.id,
                'category_id': self.category_inquiry.id, 'description': '<p>It does not print.</p>'}
        vals.update(values)
        return self.env['crm.service.ticket'].create(vals)
