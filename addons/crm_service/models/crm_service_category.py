from odoo import fields, models


class CrmServiceCategory(models.Model):
    """What a ticket is about: inquiry, complaint, repair, return, ..."""
    _name = 'crm.service.category'
    _description = 'Ticket Category'
    _order = 'sequence, name'

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    is_complaint = fields.Boolean(
        'Complaint', help='Tickets of this category are complaints: they need a severity, '
                          'and cannot be closed without a resolution.')

    _sql_constraints = [
        ('name_uniq', 'unique (name)', 'A category with this name already exists.'),
    ]
