from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PARAM_ACTIVE = 'crm_erp_bridge.credit_check_active'
PARAM_DAYS = 'crm_erp_bridge.credit_overdue_days'
PARAM_CONTROLLER = 'crm_erp_bridge.credit_controller_id'
DEFAULT_OVERDUE_DAYS = 30


class ResConfigSettings(models.TransientModel):
    """Credit control settings, kept in ir.config_parameter (Odoo 11 has no
    `config_parameter=` on settings fields)."""
    _inherit = 'res.config.settings'

    crm_erp_credit_check = fields.Boolean(
        'Credit Check at Confirmation',
        help='Refuse to confirm an order past the customer\'s credit limit or for a customer '
             'with an invoice overdue more than the threshold.')
    crm_erp_credit_overdue_days = fields.Integer(
        'Overdue Days Threshold', default=DEFAULT_OVERDUE_DAYS,
        help='An open invoice overdue more than this many days blocks new orders of the customer.')
    crm_erp_credit_controller_id = fields.Many2one(
        'res.users', 'Default Credit Controller',
        domain=lambda self: [('groups_id', 'in', self.env.ref('crm_erp_bridge.group_credit_controller').id)],
        help='Receives the overdue-invoice follow-ups and the exception requests of the reps.')

    @api.constrains('crm_erp_credit_overdue_days')
    def _check_crm_erp_credit_overdue_days(self):
        for settings in self:
            if settings.crm_erp_credit_overdue_days < 0:
                raise ValidationError(_('The overdue days threshold cannot be negative (%s given).')
                                      % settings.crm_erp_credit_overdue_days)

    @api.model
    def get_values(self):
        res = super(ResConfigSettings, self).get_values()
        params = self._crm_erp_credit_params()
        res.update(crm_erp_credit_check=params['active'],
                   crm_erp_credit_overdue_days=params['overdue_days'],
                   crm_erp_credit_controller_id=params['controller'].id)
        return res

    @api.multi
    def set_values(self):
        super(ResConfigSettings, self).set_values()
        self._check_crm_erp_credit_overdue_days()
        icp = self.env['ir.config_parameter'].sudo()
        icp.set_param(PARAM_ACTIVE, 'True' if self.crm_erp_credit_check else 'False')
        icp.set_param(PARAM_DAYS, str(self.crm_erp_credit_overdue_days))
        icp.set_param(PARAM_CONTROLLER, str(self.crm_erp_credit_controller_id.id or ''))
        return True

    @api.model
    def _crm_erp_credit_params(self):
        """{'active': bool, 'overdue_days': int, 'controller': res.users}:
        the credit settings, with their defaults (check on, 30 days)."""
        icp = self.env['ir.config_parameter'].sudo()
        try:
            days = max(int(icp.get_param(PARAM_DAYS, DEFAULT_OVERDUE_DAYS)), 0)
        except ValueError:
            days = DEFAULT_OVERDUE_DAYS
        controller_id = icp.get_param(PARAM_CONTROLLER) or ''
        controller = self.env['res.users'].sudo().browse(
            int(controller_id) if controller_id.isdigit() else [])
        return {'active': icp.get_param(PARAM_ACTIVE, 'True') != 'False',
                'overdue_days': days,
                'controller': controller.exists()}
