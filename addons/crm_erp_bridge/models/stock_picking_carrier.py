"""Carrier and tracking reference on deliveries.

Odoo 11's `stock` has no carrier fields (they come with the `delivery`
module, which the suite does not install), so the warehouse records the
carrier's name, its tracking reference and an optional tracking link here;
the customer sees them on the portal order page.
"""
from werkzeug import urls

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    delivery_carrier_name = fields.Char(
        'Carrier', track_visibility='onchange',
        help='The company that carries the goods to the customer; shown on the portal.')
    delivery_tracking_ref = fields.Char(
        'Tracking Reference', copy=False, track_visibility='onchange',
        help="The carrier's reference of the parcel; shown to the customer on the portal.")
    delivery_tracking_url = fields.Char(
        'Tracking Link', copy=False,
        help='A web page (http or https) where the customer follows the parcel.')

    @api.constrains('delivery_tracking_url')
    def _check_delivery_tracking_url(self):
        for picking in self.filtered('delivery_tracking_url'):
            url = urls.url_parse(picking.delivery_tracking_url.strip())
            if url.scheme not in ('http', 'https') or not url.netloc:
                raise ValidationError(_('The tracking link of %s must be a web address starting with '
                                        'http:// or https://.') % picking.name)

    @api.multi
    def _portal_delivery_status(self, now=None):
        """The status a customer sees for each delivery: {picking id: code}
        with code done / late / ready / waiting (cancelled ones: cancel)."""
        now = now or fields.Datetime.now()
        res = {}
        for picking in self:
            if picking.state in ('done', 'cancel'):
                res[picking.id] = picking.state
            elif picking.scheduled_date and picking.scheduled_date < now:
                res[picking.id] = 'late'
            elif picking.state == 'assigned':
                res[picking.id] = 'ready'
            else:
                res[picking.id] = 'waiting'
        return res
