from odoo import fields, models


class CrmServiceTag(models.Model):
    _name = 'crm.service.tag'
    _description = 'Ticket Tag'
    _order = 'name'

    name = fields.Char(required=True, translate=True)
    color = fields.Integer('Color Index')

    _sql_constraints = [
        ('name_uniq', 'unique (name)', 'A tag with this name already exists.'),
    ]
