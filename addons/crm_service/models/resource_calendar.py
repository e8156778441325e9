from odoo import fields, models
from odoo.addons.base.res.res_partner import _tz_get


class ResourceCalendar(models.Model):
    _inherit = 'resource.calendar'

    # Odoo 11's calendars have no time zone: resource.calendar reads its
    # attendances in the current user's time zone. SLA deadlines must not
    # depend on who looks, so the service desk gives calendars their own.
    tz = fields.Selection(
        _tz_get, string='Timezone',
        help="The time zone the working hours are written in (used by SLA deadlines). "
             "Empty: the time zone of the team's manager, else UTC.")
