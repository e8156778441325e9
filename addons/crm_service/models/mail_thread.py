"""Mail gateway routing for service tickets.

Odoo routes an incoming mail by its reply headers (In-Reply-To /
References), then by the alias it was sent to. Many mail clients (Outlook
first among them) drop the reply headers, so a customer's answer would
open a second ticket. Here, after Odoo has routed the mail, a route that
would *create* a ticket is turned into an update of the existing ticket
when the subject quotes its reference ("Re: [TCK00042] ...") and the sender
may write on that ticket (its customer, a contact of the same company, a
follower, or an agent of its team). Anyone else quoting a reference gets a
new ticket, with a note saying which reference was quoted.
"""
from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = 'mail.thread'

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None, custom_values=None):
        Ticket = self.env['crm.service.ticket']
        try:
            routes = super(MailThread, self).message_route(
                message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values)
        except ValueError:
            # no reply header and no alias matched (e.g. a mail sent to the
            # catchall address): a quoted ticket reference may still place it
            route = Ticket._crm_service_route_by_subject(message_dict)
            if route:
                return [route]
            raise
        return Ticket._crm_service_reroute(message_dict, routes, message=message)
