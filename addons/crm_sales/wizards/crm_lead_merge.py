from odoo import _, api, models
from odoo.exceptions import UserError


class MergeOpportunity(models.TransientModel):
    """Odoo's merge wizard, extended rather than replaced: it already picks
    the lead to keep (the most advanced), merges values (the first
    non-empty one, most advanced first), moves messages and attachments
    and deletes the others. crm_lead_merge.py adds activities, followers,
    our fields, tags and a summary; here we refuse what must not be merged:
    a single lead, leads of different companies, and leads the user may
    not change (Odoo deletes the merged leads as superuser, so a rep, who
    may not delete leads, can merge their own)."""
    _inherit = 'crm.merge.opportunity'

    @api.multi
    def action_merge(self):
        self.ensure_one()
        leads = self.opportunity_ids
        if len(leads) < 2:
            raise UserError(_('Select at least two leads or opportunities to merge.'))
        companies = leads.mapped('company_id')
        if len(companies) > 1 or (companies and not all(leads.mapped('company_id'))):
            raise UserError(_('Leads of different companies cannot be merged: %s.') % ', '.join(
                '%s (%s)' % (lead.name, lead.company_id.name or _('no company')) for lead in leads))
        leads.check_access_rights('write')
        leads.check_access_rule('write')
        return super(MergeOpportunity, self).action_merge()
