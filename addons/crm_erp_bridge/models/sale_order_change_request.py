"""A customer's request to change the delivery address or date of an order.

The request never writes the order: it opens a service ticket (category
"Delivery change", channel portal) linked to the order, for the service
team of the order's sales team, and gives the salesperson a to-do on the
order. The portal (controllers/portal_order.py) and the tests call
`_portal_request_delivery_change()`.
"""
from datetime import date as date_type

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_escape, plaintext2html

CHANGE_TEXT_MAX = 2000


class SaleOrder(models.Model):
    _inherit = 'sale.order'

    @api.multi
    def _portal_delivery_addresses(self, partner):
        """The delivery addresses `partner` may choose for the order: their
        commercial entity and its delivery contacts, searched with the
        environment's user (so record rules apply)."""
        self.ensure_one()
        entity = partner.commercial_partner_id
        return self.env['res.partner'].search([
            ('id', 'child_of', entity.id), '|', ('type', '=', 'delivery'), ('id', '=', entity.id)],
            order='type, name, id')

    @api.multi
    def _portal_check_change_allowed(self):
        """Refuse a change request on an order that no longer ships anything."""
        self.ensure_one()
        if self.state == 'cancel':
            raise UserError(_('Order %s is cancelled: there is no delivery to change.') % self.name)
        if self.state not in ('sale', 'done'):
            raise UserError(_('Order %s is not confirmed yet: reply to the quotation instead.') % self.name)
        if self.delivery_status == 'delivered':
            raise UserError(_('Order %s has been delivered in full: there is no delivery left to change.')
                            % self.name)
        if self.delivery_status == 'nothing':
            raise UserError(_('Order %s has nothing to deliver.') % self.name)

    @api.model
    def _portal_parse_change_date(self, value, today=None):
        """The requested delivery date (a date after today) from YYYY-MM-DD, or None."""
        value = (value or '').strip()
        if not value:
            return None
        try:
            requested = date_type(*[int(part) for part in value.split('-')])
            if len(value.split('-')[0]) != 4:
                raise ValueError(value)
        except (TypeError, ValueError):
            raise UserError(_('"%s" is not a valid date: choose a date in the calendar (YYYY-MM-DD).')
                            % value[:20])
        today = today or fields.Date.from_string(fields.Date.context_today(self))
        if requested <= today:
            raise UserError(_('Choose a delivery date after today.'))
        return requested

    @api.multi
    def _portal_request_delivery_change(self, partner, address_id=None, new_address='', date='',
                                        message='', today=None):
        """Open a "Delivery change" ticket for the customer `partner`.

        `address_id`: the id of one of `_portal_delivery_addresses(partner)`,
        or 'new' with `new_address` describing it; `date`: YYYY-MM-DD after
        today. Raises UserError (and creates nothing) on bad input. Call it
        with the customer's environment once their access to the order was
        checked; the ticket is created in sudo. Returns the ticket.
        """
        self.ensure_one()
        self._portal_check_change_allowed()
        new_address = (new_address or '').strip()
        message = (message or '').strip()
        if len(new_address) > CHANGE_TEXT_MAX or len(message) > CHANGE_TEXT_MAX:
            raise UserError(_('Your text is too long (at most %d characters).') % CHANGE_TEXT_MAX)
        address = self.env['res.partner']
        address_id = (str(address_id or '')).strip()
        if address_id == 'new':
            if not new_address:
                raise UserError(_('Describe the new delivery address.'))
        elif address_id:
            choices = self._portal_delivery_addresses(partner)
            if not address_id.isdigit() or int(address_id) not in choices.ids:
                raise UserError(_('Choose one of your delivery addresses, or describe a new one.'))
            address = choices.browse(int(address_id))
            new_address = ''
        else:
            new_address = ''
        requested = self._portal_parse_change_date(date, today=today)
        if not address and not new_address and not requested:
            raise UserError(_('Choose a new delivery address or a new delivery date.'))
        vals = self._portal_change_ticket_values(partner, address, new_address, requested, message)
        ticket = self.env['crm.service.ticket'].sudo().with_context(
            mail_create_nosubscribe=True).create(vals)
        self.sudo()._portal_notify_change_request(ticket)
        return ticket

    @api.multi
    def _portal_change_team(self):
        """The service team of a change request: the one set on the order's
        sales team, else the first service team of the order's company."""
        self.ensure_one()
        order = self.sudo()
        team = order.team_id.service_team_id
        if not team:
            Team = self.env['crm.service.team'].sudo()
            team = (Team.search([('company_id', '=', order.company_id.id)], limit=1)
                    or Team.search([], limit=1))
        return team

    @api.multi
    def _portal_change_ticket_values(self, partner, address, new_address, requested, message):
        """The values of the change ticket (a hook for sibling addons)."""
        self.ensure_one()
        order = self.sudo()
        lines = []
        if address:
            text = '\n'.join(part.strip() for part in [address.name or ''] + (
                address.sudo()._display_address(without_company=True) or '').split('\n') if part.strip())
            lines.append('<p><strong>%s</strong></p>%s' % (
                html_escape(_('Deliver to this address:')), plaintext2html(text)))
        elif new_address:
            lines.append('<p><strong>%s</strong></p>%s' % (
                html_escape(_('Deliver to a new address:')), plaintext2html(new_address)))
        if requested:
            lines.append('<p><strong>%s</strong> %s</p>' % (
                html_escape(_('Deliver on:')), fields.Date.to_string(requested)))
        if message:
            lines.append('<p><strong>%s</strong></p>%s' % (
                html_escape(_('Message:')), plaintext2html(message)))
        category = self.env.ref('crm_erp_bridge.crm_service_category_delivery_change')
        return {
            'name': _('Delivery change for %s') % order.name,
            'description': ''.join(lines),
            'channel': 'portal',
            'category_id': category.id,
            'partner_id': partner.id,
            'partner_email': partner.email,
            'partner_phone': partner.phone,
            'sale_order_id': order.id,
            'team_id': self._portal_change_team().id,
            'company_id': order.company_id.id,
        }

    @api.multi
    def _portal_notify_change_request(self, ticket):
        """The salesperson follows the ticket and gets a to-do on the order."""
        self.ensure_one()
        user = self.user_id
        if not user:
            return
        ticket.message_subscribe(partner_ids=user.partner_id.ids)
        self.env['mail.activity'].create({
            'res_model_id': self.env['ir.model']._get(self._name).id,
            'res_id': self.id,
            'activity_type_id': self.env.ref('mail.mail_activity_data_todo').id,
            'user_id': user.id,
            'summary': _('Delivery change requested (%s)') % ticket.number,
            'note': ticket.description,
            'date_deadline': fields.Date.context_today(self),
        })
