"""Order tracking on Odoo's portal (/my/orders and the order page) and the
customer's delivery change request.

Access is checked as the visitor first (the portal record rule on
sale.order through `check_access_rights` + `check_access_rule`, or the
order's access token for reading it), and only then does the code use
sudo(). An unknown order and another customer's order give the same 404; a
visitor who is not logged in is sent to the login page. A change request
needs a login and the record rule (a token link only shows the order), and
is a POST with the CSRF token (Odoo checks it for every POST to an http
route).
"""
from datetime import timedelta

import werkzeug

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.addons.sale.controllers.portal import CustomerPortal as SaleCustomerPortal

ORDER = 'sale.order'


class OrderTrackingPortal(SaleCustomerPortal):

    def _order_change_notices(self):
        return {
            'sent': _('Thank you: your request has been sent to our team. '
                      'Follow it under "Your change requests" below or in your tickets.'),
        }

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------

    def _order_check_access(self, order_id, access_token=None):
        """Odoo's check, plus MissingError for an order that does not exist
        (the routes turn both errors into the same 404)."""
        if not request.env[ORDER].sudo().browse([order_id]).exists():
            raise MissingError(_('This order does not exist.'))
        return super(OrderTrackingPortal, self)._order_check_access(order_id, access_token=access_token)

    def _order_check_user_access(self, order_id):
        """The order in the visitor's environment, when the logged-in visitor
        may read it by the record rules (no token)."""
        order = request.env[ORDER].browse([order_id])
        if not order.sudo().exists():
            raise MissingError(_('This order does not exist.'))
        order.check_access_rights('read')
        order.check_access_rule('read')
        return order

    def _order_refused(self, path, access_token=None):
        """Login for an anonymous visitor without token, else the 404 page."""
        if request.env.user._is_public() and not access_token:
            return request.redirect('/web/login?redirect=%s' % werkzeug.urls.url_quote(path))
        return request.render('crm_erp_bridge.portal_order_not_found', {}, status=404)

    # ------------------------------------------------------------------
    # routes of Odoo's sale portal: the same 404 for unknown and foreign orders
    # ------------------------------------------------------------------

    @http.route()
    def portal_order_page(self, order=None, access_token=None, **kw):
        try:
            self._order_check_access(order, access_token=access_token)
        except (AccessError, MissingError):
            return self._order_refused('/my/orders/%s' % order, access_token)
        return super(OrderTrackingPortal, self).portal_order_page(
            order=order, access_token=access_token, **kw)

    @http.route()
    def portal_order_report(self, order_id, access_token=None, **kw):
        try:
            self._order_check_access(order_id, access_token=access_token)
        except (AccessError, MissingError):
            return self._order_refused('/my/orders/pdf/%s' % order_id, access_token)
        return super(OrderTrackingPortal, self).portal_order_report(order_id, access_token=access_token, **kw)

    # ------------------------------------------------------------------
    # order page: the delivery section and the change form
    # ------------------------------------------------------------------

    def _order_get_page_view_values(self, order, access_token, **kwargs):
        values = super(OrderTrackingPortal, self)._order_get_page_view_values(order, access_token, **kwargs)
        deliveries = order._portal_deliveries()
        values.update({
            'deliveries': deliveries,
            'delivery_statuses': deliveries._portal_delivery_status(),
            'change_notice': self._order_change_notices().get(kwargs.get('change')),
            'change_error': kwargs.get('change_error'),
            'change_post': kwargs.get('change_post') or {},
        })
        values.update(self._order_change_values(order))
        return values

    def _order_change_values(self, order_sudo):
        """What the change form needs, for a logged-in customer who may read
        the order by the record rules; nothing for a token visitor."""
        values = {'can_request_change': False, 'change_addresses': [], 'change_requests': []}
        if request.env.user._is_public():
            return values
        try:
            order = self._order_check_user_access(order_sudo.id)
        except (AccessError, MissingError):
            return values
        partner = request.env.user.partner_id
        Ticket = request.env['crm.service.ticket']
        if Ticket.check_access_rights('read', raise_exception=False):
            category = request.env.ref('crm_erp_bridge.crm_service_category_delivery_change')
            values['change_requests'] = Ticket.search([
                ('sale_order_id', '=', order.id), ('category_id', '=', category.id)],
                order='create_date desc, id desc')
        try:
            order._portal_check_change_allowed()
        except UserError as e:
            values['change_refusal'] = e.name
            return values
        today = fields.Date.from_string(fields.Date.context_today(order))
        values.update({
            'can_request_change': True,
            'change_addresses': order._portal_delivery_addresses(partner),
            'change_min_date': fields.Date.to_string(today + timedelta(days=1)),
        })
        return values

    @http.route(['/my/orders/<int:order_id>/change'], type='http', auth='user', methods=['POST'],
                website=True)
    def portal_order_change(self, order_id, address_id='', new_address='', date='', message='', **kw):
        try:
            order = self._order_check_user_access(order_id)
        except (AccessError, MissingError):
            return self._order_refused('/my/orders/%s' % order_id)
        post = {'address_id': address_id, 'new_address': new_address, 'date': date, 'message': message}
        try:
            with request.env.cr.savepoint():
                order._portal_request_delivery_change(
                    request.env.user.partner_id, address_id=address_id, new_address=new_address,
                    date=date, message=message)
        except (UserError, ValidationError) as e:
            values = self._order_get_page_view_values(order.sudo(), None, change_error=e.name,
                                                      change_post=post)
            return request.render('sale.portal_order_page', values, status=400)
        return request.redirect('/my/orders/%d?change=sent#o_portal_order_delivery' % order_id, code=303)
