from odoo import api, fields, models


class CrmErpApiKeyReveal(models.TransientModel):
    """Shows a newly generated API key, once.

    The key is not stored here: `action_generate` passes it in the action's
    context and the field is computed from it when the browser reads the
    wizard; reopening the wizard later shows nothing."""
    _name = 'crm.erp.api.key.reveal'
    _description = 'New API Key'

    key_id = fields.Many2one('crm.erp.api.key', 'API Key', required=True, readonly=True,
                             ondelete='cascade')
    key = fields.Char(compute='_compute_key', help='Copy it now: it is shown only this once.')

    @api.depends('key_id')
    def _compute_key(self):
        plain = self.env.context.get('crm_erp_api_plain_key') or False
        for wizard in self:
            wizard.key = plain
