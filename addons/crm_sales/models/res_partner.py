from odoo import api, fields, models

from .normalize import normalize_company, normalize_email, normalize_phone, normalize_vat


class ResPartner(models.Model):
    """The normalised keys leads are matched against (see crm_lead_duplicate)."""
    _inherit = 'res.partner'

    # duplicate keys (normalised, indexed)
    email_normalized = fields.Char(
        'Normalised E-mail', compute='_compute_duplicate_keys', store=True, index=True)
    phone_normalized = fields.Char(
        'Normalised Phone', compute='_compute_duplicate_keys', store=True, index=True,
        help='The phone number in E.164 form (+8613800138000).')
    mobile_normalized = fields.Char(
        'Normalised Mobile', compute='_compute_duplicate_keys', store=True, index=True)
    company_normalized = fields.Char(
        'Normalised Company Name', compute='_compute_duplicate_keys', store=True, index=True,
        help='The company name without case, spaces, punctuation or legal form.')
    vat_normalized = fields.Char(
        'Normalised Tax ID', compute='_compute_duplicate_keys', store=True, index=True)

    @api.depends('email', 'phone', 'mobile', 'vat', 'name', 'is_company',
                 'commercial_company_name', 'country_id', 'company_id')
    def _compute_duplicate_keys(self):
        default_region = self.env.user.company_id.country_id.code
        for partner in self:
            region = (partner.country_id.code or partner.company_id.country_id.code
                      or default_region)
            partner.email_normalized = normalize_email(partner.email)
            partner.phone_normalized = normalize_phone(partner.phone, region)
            partner.mobile_normalized = normalize_phone(partner.mobile, region)
            partner.company_normalized = normalize_company(
                partner.commercial_company_name or (partner.is_company and partner.name))
            partner.vat_normalized = normalize_vat(partner.vat)
