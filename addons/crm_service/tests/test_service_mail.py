from odoo.addons.crm_service.tests.common_channels import ChannelsCase


class TestServiceMail(ChannelsCase):

    def open_by_mail(self, sender='Alice Buyer <alice.buyer@example.org>', subject='Printer broken',
                     body='The printer shows error 42.'):
        ticket_id = self.process_mail(sender, subject, body=body)
        return self.env['crm.service.ticket'].browse(ticket_id)

    def count_tickets(self):
        return self.env['crm.service.ticket'].with_context(active_test=False).search_count([])

    # --- new tickets -------------------------------------------------
    def test_mail_to_team_alias_opens_ticket_for_known_contact(self):
        ticket = self.open_by_mail(sender='ALICE.BUYER@example.ORG')
        self.assertTrue(ticket.exists())
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.channel, 'email')
        self.assertEqual(ticket.name, 'Printer broken')
        self.assertIn('error 42', ticket.description)
        # matched by normalised address, no duplicate contact
        self.assertEqual(ticket.partner_id, self.alice)
        self.assertEqual(ticket.commercial_partner_id, self.acme)
        self.assertIn(self.alice, ticket.message_partner_ids)
        incoming = ticket.message_ids.filtered(lambda m: m.message_type == 'email')
        self.assertEqual(incoming.author_id, self.alice)
        self.assertFalse(ticket.user_id, 'the gateway user must not become the agent')

    def test_mail_from_unknown_sender_creates_contact(self):
        partners = self.env['res.partner'].search_count([])
        ticket = self.open_by_mail(sender='"Bob Newcomer" <Bob.New@Example.net>',
                                   subject='Where is my order?')
        self.assertEqual(self.env['res.partner'].search_count([]), partners + 1)
        self.assertEqual(ticket.partner_id.name, 'Bob Newcomer')
        self.assertEqual(ticket.partner_id.email, 'bob.new@example.net')
        self.assertTrue(ticket.partner_id.customer)
        # a second mail finds the same contact
        second = self.open_by_mail(sender='bob.new@example.net', subject='Another question')
        self.assertEqual(second.partner_id, ticket.partner_id)

    def test_mail_without_subject_gets_a_name(self):
        ticket = self.open_by_mail(subject='')
        self.assertEqual(ticket.name, '(no subject)')

    def test_mail_to_two_team_aliases_opens_one_ticket(self):
        before = self.count_tickets()
        self.process_mail('alice.buyer@example.org', 'Urgent: printer on fire',
                          to='care-test@example.com, support-test@example.com')
        self.assertEqual(self.count_tickets(), before + 1)

    # --- replies -------------------------------------------------------
    def agent_answer(self, ticket, body='Please restart it.', subject=None):
        # queue the notification instead of sending (and deleting) it now
        return ticket.sudo(self.agent).with_context(mail_notify_force_send=False).message_post(
            body=body, subject=subject, message_type='comment', subtype='mail.mt_comment')

    def test_reply_with_headers_threads_into_ticket(self):
        ticket = self.open_by_mail()
        answer = self.agent_answer(ticket)
        before = self.count_tickets()
        thread_id = self.process_mail(
            'alice.buyer@example.org', 'Re: something else entirely', body='Restarted, still broken.',
            headers='In-Reply-To: %s\nReferences: %s\n' % (answer.message_id, answer.message_id))
        self.assertEqual(thread_id, ticket.id)
        self.assertEqual(self.count_tickets(), before)
        self.assertIn('still broken', ticket.message_ids[0].body)

    def test_reply_with_stripped_headers_threads_by_reference(self):
        ticket = self.open_by_mail()
        before = self.count_tickets()
        thread_id = self.process_mail(
            'Alice Buyer <alice.buyer@example.org>', 'RE: [%s] Printer broken' % ticket.number,
            body='It works again, thanks.')
        self.assertEqual(thread_id, ticket.id)
        self.assertEqual(self.count_tickets(), before)
        last = ticket.message_ids[0]
        self.assertIn('works again', last.body)
        self.assertEqual(last.author_id, self.alice)

    def test_colleague_quoting_reference_threads(self):
        ticket = self.open_by_mail()
        thread_id = self.process_mail('carol@example.org', 'Fwd: [%s] Printer broken' % ticket.number)
        self.assertEqual(thread_id, ticket.id)

    def test_unknown_sender_quoting_reference_opens_new_ticket(self):
        ticket = self.open_by_mail()
        messages = len(ticket.message_ids)
        thread_id = self.process_mail(
            'mallory@globex.example', 'Re: [%s] Printer broken' % ticket.number, body='Injected text')
        self.assertNotEqual(thread_id, ticket.id)
        self.assertEqual(len(ticket.message_ids), messages, 'nothing may be added to the ticket')
        new_ticket = self.env['crm.service.ticket'].browse(thread_id)
        self.assertEqual(new_ticket.partner_id, self.mallory)
        notes = new_ticket.message_ids.filtered(lambda m: ticket.number in (m.body or ''))
        self.assertTrue(notes, 'the new ticket notes the quoted reference')

    def test_reference_to_unknown_ticket_opens_new_ticket(self):
        before = self.count_tickets()
        self.process_mail('alice.buyer@example.org', 'Re: [TCK99999999] Old matter')
        self.assertEqual(self.count_tickets(), before + 1)

    def test_reply_to_catchall_with_reference_threads(self):
        ticket = self.open_by_mail()
        thread_id = self.process_mail(
            'alice.buyer@example.org', 'Re: [%s] Printer broken' % ticket.number, to='catchall@example.com')
        self.assertEqual(thread_id, ticket.id)
        with self.assertRaises(ValueError):
            self.process_mail('mallory@globex.example', 'Re: [%s] Printer broken' % ticket.number,
                              to='catchall@example.com')

    def test_reply_to_closed_ticket_keeps_it_closed_and_asks_agent(self):
        ticket = self.open_by_mail()
        ticket.write({'user_id': self.agent.id})
        ticket.action_close()
        self.assertTrue(ticket.is_closed)
        before = self.count_tickets()
        thread_id = self.process_mail('alice.buyer@example.org', 'Re: [%s] Printer broken' % ticket.number,
                                      body='It broke again.')
        self.assertEqual(thread_id, ticket.id)
        self.assertEqual(self.count_tickets(), before, 'a reply never opens a second ticket')
        self.assertTrue(ticket.is_closed)
        activity = ticket.activity_ids.filtered(lambda a: a.user_id == self.agent)
        self.assertEqual(len(activity), 1)
        self.assertIn('closed', activity.summary)

    def test_reply_to_closed_unassigned_ticket_asks_team_manager(self):
        ticket = self.open_by_mail()
        ticket.action_close()
        self.process_mail('alice.buyer@example.org', 'Re: [%s] Printer broken' % ticket.number)
        self.assertEqual(ticket.activity_ids.mapped('user_id'), self.manager)

    # --- outgoing answers ----------------------------------------------
    def mails_to(self, message, partner):
        return self.env['mail.mail'].sudo().search([
            ('mail_message_id', '=', message.id), ('recipient_ids', 'in', partner.ids)])

    def test_answer_goes_out_from_team_address_with_reference(self):
        ticket = self.open_by_mail()
        answer = self.agent_answer(ticket)
        mail = self.mails_to(answer, self.alice)
        self.assertEqual(len(mail), 1)
        self.assertIn('care-test@example.com', mail.email_from)
        self.assertIn('Chan Agent', mail.email_from)
        self.assertIn('care-test@example.com', mail.reply_to)
        self.assertNotIn('catchall', mail.reply_to)
        self.assertIn('[%s]' % ticket.number, mail.subject)

    def test_answer_with_own_subject_keeps_reference(self):
        ticket = self.open_by_mail()
        answer = self.agent_answer(ticket, subject='Your printer')
        mail = self.mails_to(answer, self.alice)
        self.assertEqual(mail.subject, '[%s] Your printer' % ticket.number)

    def test_customer_reply_keeps_customer_address(self):
        ticket = self.open_by_mail()
        self.process_mail('alice.buyer@example.org', 'Re: [%s] Printer broken' % ticket.number)
        incoming = ticket.message_ids[0]
        self.assertIn('alice.buyer@example.org', incoming.email_from)
        self.assertEqual(incoming.subject, 'Re: [%s] Printer broken' % ticket.number)

    def test_reply_to_of_a_team_without_alias_is_odoo_default(self):
        team = self.env['crm.service.team'].create({'name': 'No alias', 'alias_name': False})
        ticket = self.make_ticket(team_id=team.id)
        reply_to = self.env['crm.service.ticket'].message_get_reply_to([ticket.id])[ticket.id]
        self.assertIn('catchall@example.com', reply_to)

    def test_reply_by_headers_from_unknown_address_keeps_its_subject(self):
        ticket = self.open_by_mail()
        answer = self.agent_answer(ticket)
        thread_id = self.process_mail(
            'alice.private@home.example', 'Re: my printer',
            headers='In-Reply-To: %s\n' % answer.message_id)
        self.assertEqual(thread_id, ticket.id)
        incoming = ticket.message_ids[0]
        self.assertEqual(incoming.subject, 'Re: my printer')
        self.assertIn('alice.private@home.example', incoming.email_from)

    def test_html_and_script_in_mail_are_not_kept(self):
        raw = ('From: alice.buyer@example.org\nTo: care-test@example.com\nSubject: <b>Broken</b>\n'
               'Message-ID: <html-1@client.example>\nMIME-Version: 1.0\n'
               'Content-Type: text/html; charset="utf-8"\n\n'
               '<p>Hello<script>alert("x")</script><img src=x onerror="alert(1)"></p>\n')
        ticket = self.env['crm.service.ticket'].browse(self.env['mail.thread'].message_process(None, raw))
        self.assertIn('Hello', ticket.description)
        self.assertNotIn('<script', ticket.description)
        self.assertNotIn('onerror', ticket.description)
        # the subject is text: shown escaped wherever Odoo renders it
        self.assertEqual(ticket.name, '<b>Broken</b>')

    # --- acknowledgement, auto-replies ----------------------------------
    def test_new_ticket_is_acknowledged_from_team_address(self):
        ticket = self.open_by_mail()
        ack = ticket.message_ids.filtered(lambda m: m.message_type == 'comment')
        self.assertEqual(len(ack), 1)
        mail = self.mails_to(ack, self.alice)
        self.assertEqual(len(mail), 1)
        self.assertIn('care-test@example.com', mail.email_from)
        self.assertIn('care-test@example.com', mail.reply_to)
        self.assertEqual(mail.subject, '[%s] Printer broken' % ticket.number)
        self.assertIn(ticket.number, mail.body_html)
        # the customer's answer to the acknowledgement threads by its headers
        thread_id = self.process_mail('alice.buyer@example.org', 'Re: thanks',
                                      headers='In-Reply-To: %s\n' % ack.message_id)
        self.assertEqual(thread_id, ticket.id)

    def test_auto_reply_is_not_acknowledged(self):
        ticket_id = self.process_mail('alice.buyer@example.org', 'Out of office',
                                      headers='Auto-Submitted: auto-replied\n')
        ticket = self.env['crm.service.ticket'].browse(ticket_id)
        self.assertTrue(ticket.exists())
        self.assertFalse(ticket.message_ids.filtered(lambda m: m.message_type == 'comment'))

    def test_customer_reply_resumes_ticket_waiting_on_customer(self):
        ticket = self.open_by_mail()
        waiting = self.env.ref('crm_service.crm_service_stage_waiting')
        ticket.write({'stage_id': waiting.id})
        self.process_mail('alice.buyer@example.org', 'Re: [%s] Printer broken' % ticket.number,
                          body='Here is the photo you asked for.')
        self.assertEqual(ticket.stage_id, self.env.ref('crm_service.crm_service_stage_progress'))
        # an agent's own mail does not move it
        ticket.write({'stage_id': waiting.id})
        self.process_mail('chan.agent@example.com', 'Re: [%s] Printer broken' % ticket.number)
        self.assertEqual(ticket.stage_id, waiting)
