from odoo import fields, models


class CrmErpEventType(models.Model):
    """The kinds of ERP and CRM events the bridge reports (data records):
    webhook subscriptions and event rules point at them."""
    _name = 'crm.erp.event.type'
    _description = 'ERP Event Type'
    _order = 'sequence, id'

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, readonly=True,
                       help='Technical name used in webhook payloads and the API, e.g. order_confirmed.')
    sequence = fields.Integer(default=10)
    model = fields.Char(readonly=True, help='Model of the records this event is about.')
    description = fields.Text(translate=True)

    _sql_constraints = [
        ('code_unique', 'unique (code)', 'An event type with this code already exists.'),
    ]
