import base64

from odoo.exceptions import AccessError, UserError

from odoo.addons.crm_service.tests.common_channels import ChannelsCase
from tests.common import create_user

PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64


class TestServiceLetter(ChannelsCase):

    def wizard(self, **values):
        vals = {'kind': 'letter', 'partner_id': self.alice.id, 'date_received': '2026-11-20',
                'name': 'Complaint about invoice 2026/0042', 'body': 'We were charged twice.',
                'scan': base64.b64encode(PDF), 'scan_filename': 'letter.pdf', 'team_id': self.team.id}
        vals.update(values)
        return self.env['crm.service.letter'].sudo(self.agent).create(vals)

    def counts(self):
        return (self.env['crm.service.ticket'].search_count([]),
                self.env['ir.attachment'].search_count([('res_model', '=', 'crm.service.ticket')]))

    def test_letter_opens_ticket_with_scan(self):
        action = self.wizard().action_create_ticket()
        ticket = self.env['crm.service.ticket'].browse(action['res_id'])
        self.assertEqual(ticket.channel, 'letter')
        self.assertEqual(ticket.partner_id, self.alice)
        self.assertEqual(ticket.name, 'Complaint about invoice 2026/0042')
        self.assertIn('charged twice', ticket.description)
        attachment = self.env['ir.attachment'].search(
            [('res_model', '=', 'crm.service.ticket'), ('res_id', '=', ticket.id)])
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.mimetype, 'application/pdf')
        self.assertEqual(base64.b64decode(attachment.datas), PDF)
        note = ticket.message_ids.filtered(lambda m: attachment in m.attachment_ids)
        self.assertIn('2026-11-20', note.body)

    def test_fax_image_on_existing_ticket(self):
        ticket = self.make_ticket(user_id=self.agent.id)
        before = self.counts()
        self.wizard(kind='fax', ticket_id=ticket.id, scan=base64.b64encode(PNG),
                    scan_filename='fax.png').action_create_ticket()
        self.assertEqual(self.counts(), (before[0], before[1] + 1))
        self.assertTrue(ticket.message_ids.filtered(lambda m: 'Fax from' in (m.body or '')))

    def check_refused(self, message_part, **values):
        before = self.counts()
        with self.assertRaises(UserError) as error:
            self.wizard(**values).action_create_ticket()
        self.assertIn(message_part, str(error.exception))
        self.assertEqual(self.counts(), before)

    def test_missing_scan_refused(self):
        self.check_refused('Attach the scan', scan=False)

    def test_forbidden_file_refused(self):
        self.check_refused('PDF or an image', scan=base64.b64encode(b'MZ\x90\x00 windows program'),
                           scan_filename='letter.pdf')
        # a real PDF disguised under another name
        self.check_refused('PDF or an image', scan_filename='letter.exe')

    def test_oversized_scan_refused(self):
        self.env['ir.config_parameter'].sudo().set_param('crm_service.letter_max_scan_mb', '0.00005')
        self.check_refused('the limit is')

    def test_empty_subject_text_sender_date_refused(self):
        self.check_refused('subject', name='   ')
        self.check_refused('text', body='')
        self.check_refused('sender', partner_id=False)
        self.check_refused('future', date_received='2999-01-01')

    def test_non_agent_cannot_log_letters(self):
        technician = create_user(self.env, 'chan.technician', ['crm_service.group_field_technician'])
        before = self.counts()
        wizard = self.env['crm.service.letter'].sudo(technician).create({
            'partner_id': self.alice.id, 'date_received': '2026-11-20', 'name': 'Letter',
            'body': 'Text', 'scan': base64.b64encode(PDF), 'scan_filename': 'letter.pdf'})
        with self.assertRaises(AccessError):
            wizard.action_create_ticket()
        self.assertEqual(self.counts(), before)
