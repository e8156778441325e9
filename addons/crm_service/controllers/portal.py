"""The customer portal of the service desk (Odoo 11's /my).

Every route checks access as the visitor first: the record rules of the
portal user (`check_access_rights` + `check_access_rule`), or, for reading
one ticket without a login, the ticket's access token (constant-time
compare). Only then does it use sudo(). An unknown ticket and another
customer's ticket give the same 404 page.
"""
import base64

import werkzeug

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

from ..models.crm_service_ticket_portal import PORTAL_MAX_FILES

TICKET = 'crm.service.ticket'
SUBJECT_MAX = 200
DESCRIPTION_MAX = 20000


class ServicePortal(CustomerPortal):

    def _ticket_notices(self):
        return {
            'created': _('Thank you: your ticket has been created. We will answer soon.'),
            'replied': _('Your message has been sent.'),
            'closed': _('The ticket is closed. Tell us how we did below.'),
            'reopened': _('The ticket is open again.'),
            'rated': _('Thank you for your rating.'),
        }

    # ------------------------------------------------------------------
    # /my/home counter
    # ------------------------------------------------------------------

    def _prepare_portal_layout_values(self):
        values = super(ServicePortal, self)._prepare_portal_layout_values()
        Ticket = request.env[TICKET]
        # users without access to tickets (e.g. a sales rep) see no counter
        values['ticket_count'] = (Ticket.search_count(self._ticket_entity_domain())
                                  if Ticket.check_access_rights('read', raise_exception=False)
                                  else None)
        return values

    def _ticket_entity_domain(self):
        """The tickets of the visitor's commercial entity (the record rule
        says the same; stating it keeps internal users to their own entity)."""
        partner = request.env.user.partner_id
        return [('commercial_partner_id', '=', partner.commercial_partner_id.id)]

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------

    def _ticket_check_access(self, ticket_id, access_token=None):
        """The ticket in sudo, once the visitor may read it: by the record
        rules as themselves, or with its access token. Raises MissingError
        or AccessError otherwise."""
        ticket = request.env[TICKET].browse([ticket_id])
        ticket_sudo = ticket.sudo().exists()
        if not ticket_sudo:
            raise MissingError(_('This ticket does not exist.'))
        try:
            ticket.check_access_rights('read')
            ticket.check_access_rule('read')
        except AccessError:
            if not access_token or not ticket_sudo._portal_check_token(access_token):
                raise
        return ticket_sudo

    def _ticket_check_write_access(self, ticket_id):
        """The ticket in sudo, when the logged-in visitor is one of its customers
        (the record rules, no token: a token link only shows the ticket)."""
        ticket = request.env[TICKET].browse([ticket_id])
        if not ticket.sudo().exists():
            raise MissingError(_('This ticket does not exist.'))
        ticket.check_access_rights('read')
        ticket.check_access_rule('read')
        return ticket.sudo()

    def _ticket_not_found(self):
        return request.render('crm_service.portal_ticket_not_found', {}, status=404)

    # ------------------------------------------------------------------
    # list
    # ------------------------------------------------------------------

    def _ticket_sortings(self):
        return {
            'date': {'label': _('Newest'), 'order': 'create_date desc, id desc'},
            'reference': {'label': _('Reference'), 'order': 'number desc, id desc'},
            'priority': {'label': _('Priority'), 'order': 'priority desc, create_date desc, id desc'},
            'stage': {'label': _('Stage'), 'order': 'stage_id, create_date desc, id desc'},
        }

    def _ticket_filters(self):
        return {
            'open': {'label': _('Open'), 'domain': [('is_closed', '=', False)]},
            'closed': {'label': _('Closed'), 'domain': [('is_closed', '=', True)]},
            'all': {'label': _('All'), 'domain': []},
        }

    @http.route(['/my/tickets', '/my/tickets/page/<int:page>'], type='http', auth='user', website=True)
    def portal_my_tickets(self, page=1, sortby=None, filterby=None, category=None, search=None, **kw):
        Ticket = request.env[TICKET]
        if not Ticket.check_access_rights('read', raise_exception=False):
            return request.redirect('/my')
        values = self._prepare_portal_layout_values()
        sortings, filters = self._ticket_sortings(), self._ticket_filters()
        sortby = sortby if sortby in sortings else 'date'
        filterby = filterby if filterby in filters else 'all'
        domain = expression.AND([self._ticket_entity_domain(), filters[filterby]['domain']])

        categories = request.env['crm.service.category'].search([])
        category_id = int(category) if category and category.isdigit() else 0
        if category_id and category_id in categories.ids:
            domain = expression.AND([domain, [('category_id', '=', category_id)]])
        else:
            category_id = 0
        search = (search or '').strip()[:100]
        if search:
            domain = expression.AND([domain, ['|', ('number', 'ilike', search), ('name', 'ilike', search)]])

        url_args = {'sortby': sortby, 'filterby': filterby}
        if category_id:
            url_args['category'] = category_id
        if search:
            url_args['search'] = search
        total = Ticket.search_count(domain)
        pager = portal_pager(url='/my/tickets', url_args=url_args, total=total, page=page,
                             step=self._items_per_page)
        tickets = Ticket.search(domain, order=sortings[sortby]['order'],
                                limit=self._items_per_page, offset=pager['offset'])
        values.update({
            # read as the user above, shown in sudo; only the columns the list shows
            'tickets': tickets.sudo().with_context(prefetch_fields=False),
            'ticket_total': total,
            'page_name': 'ticket',
            'pager': pager,
            'default_url': '/my/tickets',
            'searchbar_sortings': sortings,
            'sortby': sortby,
            'searchbar_filters': filters,
            'filterby': filterby,
            'categories': categories,
            'category_id': category_id,
            'search': search,
        })
        return request.render('crm_service.portal_my_tickets', values)

    # ------------------------------------------------------------------
    # ticket page
    # ------------------------------------------------------------------

    def _ticket_page_values(self, ticket_sudo, access_token=None, **kw):
        user = request.env.user
        logged_in = not user._is_public()
        can_act = False
        if logged_in:
            try:
                self._ticket_check_write_access(ticket_sudo.id)
                can_act = True
            except (AccessError, MissingError):
                can_act = False
        values = self._prepare_portal_layout_values() if logged_in else {}
        messages = ticket_sudo._portal_messages()
        attachments = ticket_sudo._portal_attachments()
        values.update({
            'ticket': ticket_sudo,
            'messages': messages,
            'attachments': attachments,
            'ticket_files': attachments - messages.mapped('attachment_ids'),
            'access_token': access_token if not can_act else None,
            'can_act': can_act,
            'page_name': 'ticket',
            'no_breadcrumbs': not can_act,
            'notice': self._ticket_notices().get(kw.get('notice')),
            'error': kw.get('error'),
            'reply': kw.get('reply', ''),
            'rating': ticket_sudo.portal_rating_id,
            'max_files': PORTAL_MAX_FILES,
        })
        return values

    @http.route(['/my/tickets/<int:ticket_id>'], type='http', auth='public', website=True)
    def portal_ticket_page(self, ticket_id, access_token=None, notice=None, **kw):
        try:
            ticket_sudo = self._ticket_check_access(ticket_id, access_token=access_token)
        except (AccessError, MissingError):
            if request.env.user._is_public() and not access_token:
                return request.redirect('/web/login?redirect=%s' % werkzeug.urls.url_quote(
                    '/my/tickets/%d' % ticket_id))
            return self._ticket_not_found()
        return request.render('crm_service.portal_ticket_page',
                              self._ticket_page_values(ticket_sudo, access_token, notice=notice))

    @http.route(['/my/tickets/<int:ticket_id>/attachment/<int:attachment_id>'],
                type='http', auth='public', website=True)
    def portal_ticket_attachment(self, ticket_id, attachment_id, access_token=None, **kw):
        try:
            ticket_sudo = self._ticket_check_access(ticket_id, access_token=access_token)
        except (AccessError, MissingError):
            return self._ticket_not_found()
        attachment = ticket_sudo._portal_attachments().filtered(lambda a: a.id == attachment_id)
        if not attachment:
            return self._ticket_not_found()
        filename = attachment.datas_fname or attachment.name
        headers = [
            ('Content-Type', attachment.mimetype or 'application/octet-stream'),
            ('Content-Disposition', http.content_disposition(filename)),
            ('X-Content-Type-Options', 'nosniff'),
        ]
        return request.make_response(base64.b64decode(attachment.datas or b''), headers)

    # ------------------------------------------------------------------
    # new ticket
    # ------------------------------------------------------------------

    def _ticket_form_choices(self):
        """What the form offers: categories, and the customer's own confirmed
        orders and their products (the only ones accepted back)."""
        entity = request.env.user.partner_id.commercial_partner_id
        orders = request.env['sale.order'].sudo().search([
            ('partner_id', 'child_of', entity.id), ('state', 'in', ('sale', 'done'))],
            order='date_order desc, id desc', limit=100)
        return {
            'categories': request.env['crm.service.category'].search([]),
            'orders': orders,
            'products': orders.mapped('order_line.product_id'),
        }

    def _ticket_files(self):
        """The uploaded files as checked (name, bytes) pairs."""
        uploads = [f for f in request.httprequest.files.getlist('attachments') if f and f.filename]
        if len(uploads) > PORTAL_MAX_FILES:
            raise UserError(_('Attach at most %d files at once.') % PORTAL_MAX_FILES)
        Ticket = request.env[TICKET]
        files = []
        for upload in uploads:
            content = upload.read()
            files.append((Ticket._portal_check_file(upload.filename, content), content))
        return files

    def _ticket_form_values(self, post, choices):
        """Validated values of the new-ticket form. The customer and their
        entity come from the session, never from the form."""
        subject = (post.get('name') or '').strip()
        description = (post.get('description') or '').strip()
        if not subject:
            raise UserError(_('Please give your request a subject.'))
        if len(subject) > SUBJECT_MAX:
            raise UserError(_('The subject is too long (at most %d characters).') % SUBJECT_MAX)
        if not description:
            raise UserError(_('Please describe your request.'))
        if len(description) > DESCRIPTION_MAX:
            raise UserError(_('The description is too long (at most %d characters).') % DESCRIPTION_MAX)

        def pick(field, records, message):
            raw = (post.get(field) or '').strip()
            if not raw:
                return False
            if not raw.isdigit() or int(raw) not in records.ids:
                raise UserError(message)
            return int(raw)

        partner = request.env.user.partner_id
        return {
            'name': subject,
            'description': request.env[TICKET]._portal_text_to_html(description),
            'channel': 'portal',
            'partner_id': partner.id,
            'partner_email': partner.email,
            'partner_phone': partner.phone,
            'category_id': pick('category_id', choices['categories'],
                                _('Choose one of the listed categories.')),
            'sale_order_id': pick('sale_order_id', choices['orders'], _('Choose one of your own orders.')),
            'product_id': pick('product_id', choices['products'],
                               _('Choose one of the products you bought.')),
            'company_id': request.env.user.company_id.id,
        }

    @http.route(['/my/tickets/new'], type='http', auth='user', methods=['GET', 'POST'],
                website=True)
    def portal_ticket_new(self, **post):
        if not request.env[TICKET].check_access_rights('read', raise_exception=False):
            return request.redirect('/my')
        choices = self._ticket_form_choices()
        values = self._prepare_portal_layout_values()
        values.update(choices, page_name='ticket_new', post=post, error=None, max_files=PORTAL_MAX_FILES)
        if request.httprequest.method != 'POST':
            return request.render('crm_service.portal_ticket_new', values)
        try:
            vals = self._ticket_form_values(post, choices)
            files = self._ticket_files()
        except (UserError, ValidationError) as e:
            values['error'] = e.name
            return request.render('crm_service.portal_ticket_new', values, status=400)
        ticket = request.env[TICKET].sudo().with_context(mail_create_nosubscribe=True).create(vals)
        ticket.message_subscribe(partner_ids=request.env.user.partner_id.ids)
        ticket._portal_attach(files)
        ticket._portal_ensure_token()
        return request.redirect('/my/tickets/%d?notice=created' % ticket.id, code=303)

    # ------------------------------------------------------------------
    # reply, close, reopen, rate
    # ------------------------------------------------------------------

    def _ticket_action(self, ticket_id, action, notice):
        """Run `action(ticket_sudo)` for one of the ticket's customers; a
        UserError shows the ticket page again with the message, unchanged."""
        try:
            ticket_sudo = self._ticket_check_write_access(ticket_id)
        except (AccessError, MissingError):
            return self._ticket_not_found()
        try:
            with request.env.cr.savepoint():
                action(ticket_sudo)
        except (UserError, ValidationError) as e:
            values = self._ticket_page_values(ticket_sudo, error=e.name,
                                              reply=request.params.get('message', ''))
            return request.render('crm_service.portal_ticket_page', values, status=400)
        return request.redirect('/my/tickets/%d?notice=%s#ticket_thread' % (ticket_id, notice), code=303)

    @http.route(['/my/tickets/<int:ticket_id>/reply'], type='http', auth='user',
                methods=['POST'], website=True)
    def portal_ticket_reply(self, ticket_id, message='', **kw):
        partner = request.env.user.partner_id

        def reply(ticket):
            text = (message or '').strip()
            if not text:
                raise UserError(_('Write a message before sending it.'))
            if len(text) > DESCRIPTION_MAX:
                raise UserError(_('The message is too long (at most %d characters).') % DESCRIPTION_MAX)
            files = self._ticket_files()
            ticket.with_context(mail_create_nosubscribe=True).message_post(
                body=ticket._portal_text_to_html(text), author_id=partner.id,
                message_type='comment', subtype='mail.mt_comment', attachments=files)
            # a ticket waiting on the customer goes back to the team
            ticket._crm_service_customer_replied()
        return self._ticket_action(ticket_id, reply, 'replied')

    @http.route(['/my/tickets/<int:ticket_id>/close'], type='http', auth='user',
                methods=['POST'], website=True)
    def portal_ticket_close(self, ticket_id, **kw):
        partner = request.env.user.partner_id

        def close(ticket):
            if ticket.is_closed:
                raise UserError(_('This ticket is already closed.'))
            if ticket.is_complaint and not (ticket.resolution or '').strip():
                raise UserError(_('Our team closes a complaint once it is resolved. '
                                  'Write to us below if you no longer need help.'))
            ticket.action_close()
            ticket.message_post(body=_('The customer closed the ticket.'), author_id=partner.id,
                                message_type='comment', subtype='mail.mt_comment')
        return self._ticket_action(ticket_id, close, 'closed')

    @http.route(['/my/tickets/<int:ticket_id>/reopen'], type='http', auth='user',
                methods=['POST'], website=True)
    def portal_ticket_reopen(self, ticket_id, **kw):
        partner = request.env.user.partner_id

        def reopen(ticket):
            if not ticket.is_closed:
                raise UserError(_('This ticket is still open.'))
            ticket.action_reopen()
            ticket.message_post(body=_('The customer reopened the ticket.'), author_id=partner.id,
                                message_type='comment', subtype='mail.mt_comment')
        return self._ticket_action(ticket_id, reopen, 'reopened')

    @http.route(['/my/tickets/<int:ticket_id>/rate'], type='http', auth='user',
                methods=['POST'], website=True)
    def portal_ticket_rate(self, ticket_id, rate='', feedback='', **kw):
        partner = request.env.user.partner_id

        def rate_ticket(ticket):
            value = int(rate) if rate and rate.isdigit() else 0
            ticket._portal_rate(value, (feedback or '')[:DESCRIPTION_MAX], partner)
        return self._ticket_action(ticket_id, rate_ticket, 'rated')
