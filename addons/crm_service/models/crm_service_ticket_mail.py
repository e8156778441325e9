"""The e-mail channel of service tickets.

- A mail to a team's alias opens a ticket (channel 'email'): the sender is
  matched to an existing contact by e-mail address (case-insensitive) or
  a new contact is created; subject -> name, body -> description.
- Replies thread into the ticket by Odoo's reply headers or, when the
  customer's mail client stripped them, by the reference quoted in the
  subject (see models/mail_thread.py); a reply never opens a second ticket.
- A reply to a closed ticket is kept on that ticket, which stays closed:
  the agent (or the team manager) gets an activity to read it and decide
  whether to reopen. Reopening on every "thank you" would skew the
  resolution times and the SLA figures.
- Answers of agents go out from the team's address (its alias), with the
  team's address as Reply-To and the ticket reference in the subject.
"""
import re
from email.utils import formataddr

from odoo import _, api, fields, models, tools

# a reference quoted between brackets in a subject: "Re: [TCK00042] printer"
SUBJECT_REFERENCE_RE = re.compile(r'\[\s*([A-Za-z0-9][A-Za-z0-9/_.-]*)\s*\]')


def normalize_email(text):
    """The first address in `text` ("Name <a@b>" or "a@b"), lower-cased."""
    addresses = tools.email_split(text or '')
    return addresses[0].strip().lower() if addresses else False


class CrmServiceTicket(models.Model):
    _inherit = 'crm.service.ticket'

    # ------------------------------------------------------------------
    # Incoming mail: routing helpers (called from mail.thread.message_route)
    # ------------------------------------------------------------------
    @api.model
    def _crm_service_tickets_quoted(self, subject):
        """Tickets whose reference is quoted in `subject`, in quoting order."""
        numbers = SUBJECT_REFERENCE_RE.findall(subject or '')
        if not numbers:
            return self.browse()
        tickets = self.sudo().with_context(active_test=False).search([('number', 'in', numbers)])
        by_number = {ticket.number: ticket for ticket in tickets}
        ordered = self.browse()
        for number in numbers:
            if number in by_number:
                ordered |= by_number[number]
        return ordered

    @api.model
    def _crm_service_partners_by_email(self, email):
        """Contacts whose e-mail is `email` (already normalised), oldest first."""
        if not email:
            return self.env['res.partner']
        escaped = email.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')
        return self.env['res.partner'].sudo().search(
            [('email', '=ilike', escaped)], order='id')

    @api.multi
    def _crm_service_sender_allowed(self, email):
        """Whether the sender `email` may add a message to this ticket by
        quoting its reference: its customer, a contact of the customer's
        company, a follower, or the team's agents and manager."""
        self.ensure_one()
        if not email:
            return False
        ticket = self.sudo()
        known = ticket.message_partner_ids | ticket.partner_id \
            | ticket.team_id.member_ids.mapped('partner_id') | ticket.team_id.user_id.partner_id
        if email == normalize_email(ticket.partner_email) \
                or email in [normalize_email(p.email) for p in known]:
            return True
        commercial = ticket.partner_id.commercial_partner_id
        senders = self._crm_service_partners_by_email(email)
        return bool(commercial and senders.filtered(
            lambda p: p.commercial_partner_id == commercial))

    @api.model
    def _crm_service_ticket_for_reply(self, message_dict):
        """(allowed ticket, first quoted ticket) for a mail's subject."""
        email = normalize_email(message_dict.get('email_from') or message_dict.get('from'))
        quoted = self._crm_service_tickets_quoted(message_dict.get('subject'))
        for ticket in quoted:
            if ticket._crm_service_sender_allowed(email):
                return ticket, quoted[:1]
        return self.browse(), quoted[:1]

    @api.model
    def _crm_service_thread_route(self, ticket, message_dict, custom_values=None, user_id=None):
        """A gateway route updating `ticket`; the author is the matching contact."""
        email = normalize_email(message_dict.get('email_from'))
        known = (ticket.sudo().partner_id | ticket.sudo().message_partner_ids).filtered(
            lambda p: normalize_email(p.email) == email)
        author = known[:1] or self._crm_service_partners_by_email(email)[:1]
        if author:
            message_dict['author_id'] = author.id
        message_dict.pop('parent_id', None)
        return (self._name, ticket.id, custom_values, user_id or self.env.uid, None)

    @api.model
    def _crm_service_route_by_subject(self, message_dict):
        """A route for a mail that matched no alias and no reply header."""
        ticket, _quoted = self._crm_service_ticket_for_reply(message_dict)
        if ticket:
            return self._crm_service_thread_route(ticket, message_dict)
        return False

    @api.model
    def _crm_service_is_auto_reply(self, message):
        """Whether a mail was sent by a machine (RFC 3834 Auto-Submitted,
        Precedence bulk/list/junk): it gets no acknowledgement, so two
        auto-responders cannot answer each other forever."""
        if message is None:
            return False
        auto = (message.get('Auto-Submitted') or 'no').strip().lower()
        precedence = (message.get('Precedence') or '').strip().lower()
        return auto != 'no' or precedence in ('bulk', 'list', 'junk') \
            or bool(message.get('X-Autoreply') or message.get('X-Autorespond'))

    @api.model
    def _crm_service_reroute(self, message_dict, routes, message=None):
        """Post-process Odoo's routes: a ticket-creating route becomes an
        update when the subject quotes a ticket of the sender; at most one
        ticket is opened per mail (a mail to two team aliases opens one)."""
        result, creating = [], False
        threaded = set()
        for route in routes or []:
            model, thread_id, custom_values, user_id, alias = route
            if model != self._name:
                result.append(route)
                continue
            if thread_id:
                if thread_id not in threaded:
                    threaded.add(thread_id)
                    result.append(route)
                continue
            ticket, quoted = self._crm_service_ticket_for_reply(message_dict)
            if ticket:
                if ticket.id not in threaded:
                    threaded.add(ticket.id)
                    result.append(self._crm_service_thread_route(
                        ticket, message_dict, custom_values, user_id))
                continue
            if creating or threaded:
                continue
            creating = True
            if quoted:
                custom_values = dict(custom_values or {}, crm_service_quoted_number=quoted.number)
            if self._crm_service_is_auto_reply(message):
                custom_values = dict(custom_values or {}, crm_service_no_ack=True)
            result.append((model, thread_id, custom_values, user_id, alias))
        return result

    # ------------------------------------------------------------------
    # Incoming mail: new ticket, update
    # ------------------------------------------------------------------
    @api.model
    def _crm_service_partner_from_email(self, email_from):
        """The contact who sent a mail: found by normalised address, else created."""
        email = normalize_email(email_from)
        if not email:
            return self.env['res.partner']
        partner = self._crm_service_partners_by_email(email)[:1]
        if not partner:
            name, _address = self.env['res.partner']._parse_partner_name(email_from or '')
            partner = self.env['res.partner'].sudo().create({
                'name': name or email,
                'email': email,
                'customer': True,
            })
        return partner

    @api.model
    def _prepare_ticket_values_from_mail(self, msg_dict, partner):
        """Values of a ticket opened by an incoming mail (a hook)."""
        subject = (msg_dict.get('subject') or '').strip()
        return {
            'name': subject or _('(no subject)'),
            'description': msg_dict.get('body') or False,
            'channel': 'email',
            'partner_id': partner.id or False,
            'partner_email': normalize_email(msg_dict.get('email_from')) or False,
        }

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        quoted_number = values.pop('crm_service_quoted_number', False)
        acknowledge = not values.pop('crm_service_no_ack', False)
        partner = self._crm_service_partner_from_email(msg_dict.get('email_from'))
        defaults = self._prepare_ticket_values_from_mail(msg_dict, partner)
        defaults.update(values)
        # the gateway user must not become the agent (assignment decides)
        ticket = super(CrmServiceTicket, self.with_context(default_user_id=False)).message_new(
            msg_dict, custom_values=defaults)
        if partner:
            # the incoming mail is posted by the caller with this author
            msg_dict['author_id'] = partner.id
            ticket.message_subscribe(partner_ids=partner.ids)
        if quoted_number:
            ticket.message_post(
                body=_('This e-mail quotes the reference %s, but its sender is not a contact '
                       'of that ticket: it was opened as a new ticket.') % quoted_number,
                subtype='mail.mt_note')
        if acknowledge and partner:
            ticket._crm_service_acknowledge()
        return ticket

    @api.multi
    def _crm_service_acknowledge(self):
        """Tell the customer their mail became a ticket, and its reference
        (template crm_service.mail_template_ticket_received), from the team's
        address: their answers to it thread into the ticket."""
        template = self.env.ref('crm_service.mail_template_ticket_received', raise_if_not_found=False)
        if not template:
            return
        template = template.sudo()
        addresses = self._crm_service_team_address()
        bodies = template.render_template(template.body_html, self._name, self.ids, post_process=True)
        subjects = template.render_template(template.subject, self._name, self.ids)
        company = self.env.user.company_id
        for ticket in self:
            if ticket.id in addresses:
                email_from = formataddr((ticket.sudo().team_id.name, addresses[ticket.id]))
            elif company.email:
                email_from = formataddr((company.name, company.email))
            else:
                continue    # nobody to send it from
            ticket.message_post(
                body=bodies[ticket.id], subject=subjects[ticket.id], author_id=False,
                email_from=email_from, message_type='comment', subtype='mail.mt_comment')

    @api.multi
    def message_update(self, msg_dict, update_vals=None):
        result = super(CrmServiceTicket, self).message_update(msg_dict, update_vals=update_vals)
        author = self.env['res.partner'].sudo().browse(msg_dict.get('author_id') or [])
        internal = author.user_ids.filtered(lambda u: not u.share)
        if not internal:
            self.filtered('is_closed')._crm_service_reply_on_closed(msg_dict)
            self.filtered(lambda t: not t.is_closed)._crm_service_customer_replied()
        return result

    @api.multi
    def _crm_service_customer_replied(self):
        """The customer answered: tickets waiting on them go back to the open
        stage before the waiting one (In Progress), so the SLA clock runs and
        the agent sees it. The portal's reply calls this too."""
        Stage = self.env['crm.service.stage']
        for ticket in self.sudo().filtered(lambda t: t.stage_id.is_waiting and not t.is_closed):
            stages = Stage.search(ticket._stage_domain(ticket.team_id)
                                  + [('is_closed', '=', False), ('is_waiting', '=', False)])
            before = stages.filtered(lambda s, current=ticket.stage_id: s.sequence <= current.sequence)
            target = before[-1:] or stages[:1]
            if target:
                ticket.write({'stage_id': target.id})
        return True

    @api.multi
    def _crm_service_reply_on_closed(self, msg_dict):
        """A customer answered a closed ticket: the ticket stays closed, its
        agent (else the team manager) gets an activity to look at it."""
        model_id = self.env['ir.model']._get(self._name).id
        activity_type = self.env.ref('mail.mail_activity_data_todo', raise_if_not_found=False)
        for ticket in self.sudo():
            user = ticket.user_id or ticket.team_id.user_id
            if not user:
                continue
            self.env['mail.activity'].sudo().create({
                'res_model_id': model_id,
                'res_id': ticket.id,
                'activity_type_id': activity_type.id if activity_type else False,
                'summary': _('The customer replied to this closed ticket: reopen it or answer'),
                'user_id': user.id,
                'date_deadline': fields.Date.context_today(self),
            })

    # ------------------------------------------------------------------
    # Outgoing mail: the team's address, the reference in the subject
    # ------------------------------------------------------------------
    @api.multi
    def _crm_service_team_address(self):
        """{ticket id: the team's alias address} for tickets whose team has one."""
        domain = self.env['ir.config_parameter'].sudo().get_param('mail.catchall.domain')
        result = {}
        if not domain:
            return result
        for ticket in self.sudo():
            alias = ticket.team_id.alias_id
            if alias.alias_name:
                result[ticket.id] = '%s@%s' % (alias.alias_name, domain)
        return result

    @api.model
    def message_get_reply_to(self, res_ids, default=None):
        """Replies go to the team's alias (Odoo would use the catchall)."""
        result = super(CrmServiceTicket, self).message_get_reply_to(res_ids, default=default)
        tickets = self.sudo().browse([res_id for res_id in res_ids if res_id]).exists()
        addresses = tickets._crm_service_team_address()
        for ticket in tickets:
            if ticket.id in addresses:
                result[ticket.id] = formataddr((ticket.team_id.name, addresses[ticket.id]))
        return result

    @api.multi
    @api.returns('self', lambda value: value.id)
    def message_post(self, body='', subject=None, **kwargs):
        # incoming mails keep their sender and subject; an explicit author
        # (even False: an unknown sender) is not the current user
        if len(self) == 1 and kwargs.get('message_type') != 'email':
            author_id = kwargs['author_id'] if 'author_id' in kwargs else self.env.user.partner_id.id
            author = self.env['res.partner'].sudo().browse(author_id or [])
            if author.user_ids.filtered(lambda u: not u.share):
                address = self._crm_service_team_address().get(self.id)
                email_from = kwargs.get('email_from')
                if address and (not email_from
                                or normalize_email(email_from) == normalize_email(author.email)):
                    kwargs['email_from'] = formataddr(
                        ('%s (%s)' % (self.sudo().team_id.name, author.name), address))
                if subject and self.number and self.number not in subject:
                    subject = '[%s] %s' % (self.number, subject)
        return super(CrmServiceTicket, self).message_post(body=body, subject=subject, **kwargs)
