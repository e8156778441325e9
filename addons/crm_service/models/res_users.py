from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class ResUsers(models.Model):
    _inherit = 'res.users'

    service_away = fields.Boolean(
        'Away from the Service Desk',
        help='Away agents get no new tickets from automatic assignment.')
    service_away_until = fields.Date(
        'Away Until',
        help='Last day of the absence; from the next day the agent gets tickets again. '
             'Leave empty for an absence without an end date.')

    def __init__(self, pool, cr):
        """Agents mark themselves away from their preferences."""
        init_res = super(ResUsers, self).__init__(pool, cr)
        own_fields = ['service_away', 'service_away_until']
        type(self).SELF_WRITEABLE_FIELDS = list(self.SELF_WRITEABLE_FIELDS) + own_fields
        type(self).SELF_READABLE_FIELDS = list(self.SELF_READABLE_FIELDS) + own_fields
        return init_res

    @api.multi
    def _crm_service_is_away(self, today=None):
        """{user id: away today?} (an absence ends after service_away_until)."""
        today = today or fields.Date.context_today(self)
        return {
            user.id: bool(user.service_away and (
                not user.service_away_until or user.service_away_until >= today))
            for user in self
        }

    @api.multi
    def _crm_service_set_away(self, away, until=False):
        """Mark agents away or back: the agent themselves or a service manager."""
        me = self.env.user
        if not me.has_group('crm_service.group_service_manager') and self != me:
            raise AccessError(_('Only a service manager may mark another agent away or back.'))
        self.sudo().write({'service_away': away, 'service_away_until': until if away else False})
        return True

    @api.multi
    def action_service_mark_away(self):
        return self._crm_service_set_away(True)

    @api.multi
    def action_service_mark_back(self):
        return self._crm_service_set_away(False)
