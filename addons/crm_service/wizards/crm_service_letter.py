"""Log a letter or a fax: a ticket (channel 'letter') with the scan attached."""
import base64
import binascii

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_escape, plaintext2html

# accepted scans: the file's first bytes decide, not its name
SCAN_SIGNATURES = [
    (b'%PDF-', 'application/pdf'),
    (b'\x89PNG\r\n\x1a\n', 'image/png'),
    (b'\xff\xd8\xff', 'image/jpeg'),
    (b'II*\x00', 'image/tiff'),
    (b'MM\x00*', 'image/tiff'),
    (b'GIF87a', 'image/gif'),
    (b'GIF89a', 'image/gif'),
]
SCAN_EXTENSIONS = {
    'application/pdf': ('.pdf',),
    'image/png': ('.png',),
    'image/jpeg': ('.jpg', '.jpeg'),
    'image/tiff': ('.tif', '.tiff'),
    'image/gif': ('.gif',),
}
DEFAULT_MAX_SCAN_MB = 10


class CrmServiceLetter(models.TransientModel):
    _name = 'crm.service.letter'
    _description = 'Log a Letter or Fax'

    kind = fields.Selection([('letter', 'Letter'), ('fax', 'Fax')], required=True, default='letter')
    partner_id = fields.Many2one('res.partner', 'Sender', help='The customer who wrote.')
    date_received = fields.Date('Received On', default=fields.Date.context_today)
    name = fields.Char('Subject')
    body = fields.Text('Text', help='The letter\'s text, or a summary of it.')
    scan = fields.Binary(attachment=False, help='PDF or image (PNG, JPEG, TIFF, GIF).')
    scan_filename = fields.Char('File Name')
    ticket_id = fields.Many2one(
        'crm.service.ticket', 'Ticket', help='Leave empty to open a new ticket from this letter or fax.')
    team_id = fields.Many2one('crm.service.team', 'Team')
    category_id = fields.Many2one('crm.service.category', 'Category')

    @api.model
    def _crm_service_max_scan_bytes(self):
        param = self.env['ir.config_parameter'].sudo().get_param(
            'crm_service.letter_max_scan_mb', DEFAULT_MAX_SCAN_MB)
        try:
            megabytes = float(param)
        except ValueError:
            megabytes = DEFAULT_MAX_SCAN_MB
        return int(megabytes * 1024 * 1024)

    @api.multi
    def _crm_service_check(self):
        """Clear messages for every missing or wrong input; returns the scan
        (bytes) and its mimetype."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(_('Choose the sender of the letter or fax.'))
        if not (self.name or '').strip():
            raise UserError(_('The subject of the letter or fax is empty.'))
        if not (self.body or '').strip():
            raise UserError(_('Type the text of the letter or fax, or a summary of it.'))
        if not self.date_received:
            raise UserError(_('Enter the date the letter or fax was received.'))
        if self.date_received > fields.Date.context_today(self):
            raise UserError(_('The date received cannot be in the future.'))
        if not self.scan:
            raise UserError(_('Attach the scan of the letter or fax (PDF or image).'))
        try:
            content = base64.b64decode(self.scan, validate=False)
        except (binascii.Error, ValueError):
            raise UserError(_('The scan could not be read: upload the file again.'))
        max_bytes = self._crm_service_max_scan_bytes()
        if len(content) > max_bytes:
            raise UserError(_('The scan is %(size).1f MB; the limit is %(limit).1f MB.') % {
                'size': len(content) / 1048576.0, 'limit': max_bytes / 1048576.0})
        mimetype = next((mime for magic, mime in SCAN_SIGNATURES if content.startswith(magic)), None)
        filename = (self.scan_filename or '').lower()
        if not mimetype or (filename and not filename.endswith(SCAN_EXTENSIONS[mimetype])):
            raise UserError(_('The scan must be a PDF or an image (PNG, JPEG, TIFF, GIF), '
                              'and its name must match its content.'))
        return content, mimetype

    @api.multi
    def _prepare_ticket_values(self):
        self.ensure_one()
        values = {
            'name': self.name.strip(),
            'description': plaintext2html(self.body),
            'channel': 'letter',
            'partner_id': self.partner_id.id,
        }
        if self.team_id:
            values['team_id'] = self.team_id.id
        if self.category_id:
            values['category_id'] = self.category_id.id
        return values

    @api.multi
    def action_create_ticket(self):
        self.ensure_one()
        content, mimetype = self._crm_service_check()
        ticket = self.ticket_id or self.env['crm.service.ticket'].create(self._prepare_ticket_values())
        kind = dict(self._fields['kind']._description_selection(self.env))[self.kind]
        extension = SCAN_EXTENSIONS[mimetype][0]
        filename = self.scan_filename or '%s-%s%s' % (kind.lower(), ticket.number or ticket.id, extension)
        attachment = self.env['ir.attachment'].create({
            'name': filename,
            'datas_fname': filename,
            'datas': base64.b64encode(content),
            'mimetype': mimetype,
            'res_model': 'crm.service.ticket',
            'res_id': ticket.id,
        })
        body = '<p><strong>%s</strong></p>%s' % (
            html_escape(_('%(kind)s from %(sender)s received on %(date)s: %(subject)s') % {
                'kind': kind, 'sender': self.partner_id.display_name, 'date': self.date_received,
                'subject': self.name.strip()}),
            plaintext2html(self.body))
        ticket.message_post(body=body, subtype='mail.mt_note', attachment_ids=attachment.ids)
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'crm.service.ticket',
            'res_id': ticket.id,
            'view_mode': 'form',
            'target': 'current',
        }
