from odoo import fields, models


class ResUsers(models.Model):
    _inherit = 'res.users'

    sales_assignment_available = fields.Boolean(
        'Available for Lead Assignment', default=True,
        help='Assignment rules skip reps who are not available (on leave, say).')

    def __init__(self, pool, cr):
        """Reps may mark themselves away in their preferences."""
        init_res = super(ResUsers, self).__init__(pool, cr)
        type(self).SELF_WRITEABLE_FIELDS = self.SELF_WRITEABLE_FIELDS + ['sales_assignment_available']
        type(self).SELF_READABLE_FIELDS = self.SELF_READABLE_FIELDS + ['sales_assignment_available']
        return init_res
