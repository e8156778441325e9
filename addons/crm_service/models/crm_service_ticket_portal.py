"""The customer portal's side of the ticket: access links in notification
e-mails, the attachment rules of the portal form, what a customer sees of
the thread, and the satisfaction rating of a closed ticket."""
import base64
import os

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, plaintext2html
from odoo.tools.mimetypes import guess_mimetype

# Limits of the files a customer attaches on the portal (README.rst, "Customer portal").
PORTAL_MAX_FILE_SIZE = 10 * 1024 * 1024
PORTAL_MAX_FILES = 5
_TEXT = 'text/plain'
_OOXML = 'application/vnd.openxmlformats-officedocument.'
PORTAL_FILE_TYPES = {
    # extension: the type its content must have (checked on the bytes, not the name)
    '.pdf': 'application/pdf',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.gif': 'image/gif',
    '.txt': _TEXT,
    '.csv': _TEXT,
    '.log': _TEXT,
    '.docx': _OOXML + 'wordprocessingml.document',
    '.xlsx': _OOXML + 'spreadsheetml.sheet',
    '.odt': 'application/vnd.oasis.opendocument.text',
    '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
}
# Ratings a customer can give (Odoo's rating scale and smiley images).
PORTAL_RATINGS = (10, 5, 1)


class CrmServiceTicket(models.Model):
    _inherit = 'crm.service.ticket'

    portal_rating_id = fields.Many2one(
        'rating.rating', string='Customer Rating', copy=False, readonly=True, ondelete='set null',
        help='The rating the customer gave on the portal for the current closing of the ticket; '
             'cleared when the ticket is reopened, so each closing gets its own rating.')
    portal_rating_text = fields.Selection(
        related='portal_rating_id.rating_text', string='Customer Satisfaction', readonly=True)
    portal_rating_feedback = fields.Text(
        related='portal_rating_id.feedback', string='Customer Feedback', readonly=True)

    @api.model_cr
    def init(self):
        super(CrmServiceTicket, self).init()
        # The portal list: one customer's tickets, newest first (README.md, portal benchmark).
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_service_ticket_portal_list_index
            ON crm_service_ticket (commercial_partner_id, create_date DESC, id DESC)
        """)
        return True

    @api.multi
    def write(self, vals):
        res = super(CrmServiceTicket, self).write(vals)
        if 'stage_id' in vals:
            reopened = self.filtered(lambda t: not t.is_closed)
            if reopened:
                self._portal_forget_rating_requests(reopened)
        return res

    # ------------------------------------------------------------------
    # Access links
    # ------------------------------------------------------------------

    @api.multi
    def _portal_check_token(self, access_token):
        """True when `access_token` is this ticket's token (constant-time)."""
        self.ensure_one()
        token = self.sudo().access_token
        if not token or not access_token:
            return False
        return consteq(token.encode('utf-8'), access_token.encode('utf-8'))

    @api.multi
    def _portal_access_url(self, absolute=True):
        """The ticket page with its access token: opens this ticket only, without a login."""
        self.ensure_one()
        ticket = self.sudo()
        if not ticket.access_token:
            ticket._portal_ensure_token()
        url = '/my/tickets/%d?access_token=%s' % (ticket.id, ticket.access_token)
        if absolute:
            base = self.env['ir.config_parameter'].sudo().get_param('web.base.url') or ''
            url = base.rstrip('/') + url
        return url

    @api.multi
    def get_access_action(self, access_uid=None):
        """Portal users go to the ticket's portal page, not to the back office."""
        self.ensure_one()
        user = self.env['res.users'].sudo().browse(access_uid) if access_uid else self.env.user
        if user.share:
            return {
                'type': 'ir.actions.act_url',
                'url': '/my/tickets/%d' % self.id,
                'target': 'self',
                'res_id': self.id,
            }
        return super(CrmServiceTicket, self).get_access_action(access_uid)

    @api.multi
    def _notification_recipients(self, message, groups):
        """The ticket's own customers (its commercial entity, without a back-office
        login) get a "View Ticket" button with the access token in their e-mails."""
        groups = super(CrmServiceTicket, self)._notification_recipients(message, groups)
        self.ensure_one()
        entity = self.sudo().commercial_partner_id
        if not entity:
            return groups

        def is_ticket_customer(partner):
            return (partner.commercial_partner_id == entity
                    and all(user.share for user in partner.user_ids))
        groups.insert(0, ('crm_service_customer', is_ticket_customer, {
            'has_button_access': True,
            'button_access': {'url': self._portal_access_url(), 'title': _('View Ticket')},
            'has_button_follow': False,
            'has_button_unfollow': False,
        }))
        return groups

    # ------------------------------------------------------------------
    # What a customer sees
    # ------------------------------------------------------------------

    @api.multi
    def _portal_messages(self):
        """Messages and e-mails of the thread a customer may read: no internal
        notes (Odoo's rule for portal users on mail.message), oldest first."""
        self.ensure_one()
        messages = self.sudo().website_message_ids.filtered(
            lambda m: m.subtype_id and not m.subtype_id.internal)
        return messages.sorted(key=lambda m: (m.date, m.id))

    @api.multi
    def _portal_attachments(self):
        """Files of the ticket a customer may download: those of the ticket
        itself (e.g. sent with the portal form) and those of the messages they
        can read; files of internal notes stay internal."""
        self.ensure_one()
        attachments = self.env['ir.attachment'].sudo().search([
            ('res_model', '=', self._name), ('res_id', '=', self.id)], order='id')
        if not attachments:
            return attachments
        self.env.cr.execute("""
            SELECT rel.attachment_id, bool_or(coalesce(NOT st.internal, false))
              FROM message_attachment_rel rel
              JOIN mail_message m ON m.id = rel.message_id
         LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
             WHERE rel.attachment_id IN %s
          GROUP BY rel.attachment_id
        """, (tuple(attachments.ids),))
        linked = dict(self.env.cr.fetchall())
        return attachments.filtered(lambda a: linked.get(a.id, True))

    # ------------------------------------------------------------------
    # Portal input
    # ------------------------------------------------------------------

    @api.model
    def _portal_check_file(self, filename, content):
        """Refuse a file the portal does not take: too big, a type not on the
        list, or bytes that do not match the extension. Returns a safe name."""
        name = os.path.basename((filename or '').replace('\\', '/')).strip()
        if not name:
            raise UserError(_('An attached file has no name.'))
        if len(content) > PORTAL_MAX_FILE_SIZE:
            raise UserError(_('The file %(name)s is larger than %(size)d MB.')
                            % {'name': name, 'size': PORTAL_MAX_FILE_SIZE // (1024 * 1024)})
        if not content:
            raise UserError(_('The file %s is empty.') % name)
        ext = os.path.splitext(name)[1].lower()
        expected = PORTAL_FILE_TYPES.get(ext)
        if not expected:
            raise UserError(_('Files of type %(type)s cannot be attached. Allowed: %(allowed)s.')
                            % {'type': ext or name, 'allowed': ', '.join(sorted(PORTAL_FILE_TYPES))})
        if expected == _TEXT:
            found = _TEXT if self._portal_is_text(content) else guess_mimetype(content)
        else:
            found = guess_mimetype(content)
        if found != expected:
            raise UserError(_('The content of %(name)s is not a %(type)s file.')
                            % {'name': name, 'type': ext[1:].upper()})
        return name

    @api.model
    def _portal_is_text(self, content):
        if b'\x00' in content or guess_mimetype(content) != 'application/octet-stream':
            return False
        try:
            content.decode('utf-8')
        except UnicodeDecodeError:
            return False
        return True

    @api.model
    def _portal_text_to_html(self, text):
        """Customer text is plain text: escaped, line breaks kept."""
        return plaintext2html(text or '')

    @api.multi
    def _portal_attach(self, files):
        """Store checked (name, bytes) pairs on the ticket."""
        self.ensure_one()
        Attachment = self.env['ir.attachment'].sudo()
        for name, content in files:
            Attachment.create({
                'name': name, 'datas_fname': name, 'datas': base64.b64encode(content),
                'res_model': self._name, 'res_id': self.id,
            })

    # ------------------------------------------------------------------
    # Satisfaction rating
    # ------------------------------------------------------------------

    @api.multi
    def _portal_rate(self, rate, feedback, partner):
        """The customer's rating of the current closing: the first one creates
        it, later ones change it. Refused while the ticket is not closed."""
        self.ensure_one()
        if not self.is_closed:
            raise UserError(_('You can rate this ticket once it is closed.'))
        if rate not in PORTAL_RATINGS:
            raise UserError(_('Choose one of the three faces to rate the ticket.'))
        feedback = (feedback or '').strip() or False
        rating = self.portal_rating_id
        if not rating:
            token = self.rating_get_access_token(partner=partner)
        else:
            token = rating.access_token
        rating = self.rating_apply(rate, token=token, feedback=feedback)
        if rating != self.portal_rating_id:
            self.portal_rating_id = rating
        return rating

    @api.model
    def _portal_forget_rating_requests(self, tickets):
        """A reopened ticket gets a new rating after its next closing: drop the
        link to the last one (kept in the history) and any unused rating token."""
        tickets.filtered('portal_rating_id').write({'portal_rating_id': False})
        self.env['rating.rating'].sudo().search([
            ('res_model', '=', self._name), ('res_id', 'in', tickets.ids),
            ('consumed', '=', False)]).unlink()
