from odoo import _, api, fields, models

from .normalize import normalize_company, normalize_email, normalize_phone, normalize_vat

# how a lead matches another lead or a partner: (lead column, other columns)
_MATCH_KEYS = [
    ('email_normalized', ('email_normalized',)),
    ('phone_normalized', ('phone_normalized', 'mobile_normalized')),
    ('mobile_normalized', ('phone_normalized', 'mobile_normalized')),
    ('company_normalized', ('company_normalized',)),
    ('vat_normalized', ('vat_normalized',)),
]


class CrmLead(models.Model):
    """Likely duplicates of a lead among leads and partners.

    Leads and partners carry the same normalised, indexed keys (e-mail,
    phone and mobile in E.164, company name without legal form, tax ID);
    two records sharing a key are likely duplicates. The keys are filled
    by the ORM (stored computes) and, for imports, directly by the bulk
    insert (crm_lead_bulk.py) with the same functions.
    """
    _inherit = 'crm.lead'

    # duplicate keys (normalised, indexed)
    email_normalized = fields.Char(
        'Normalised E-mail', compute='_compute_duplicate_keys', store=True, index=True)
    phone_normalized = fields.Char(
        'Normalised Phone', compute='_compute_duplicate_keys', store=True, index=True,
        help='The phone number in E.164 form (+8613800138000), for the region of the '
             "lead's country, else of its company.")
    mobile_normalized = fields.Char(
        'Normalised Mobile', compute='_compute_duplicate_keys', store=True, index=True)
    company_normalized = fields.Char(
        'Normalised Company Name', compute='_compute_duplicate_keys', store=True, index=True,
        help='The company name without case, spaces, punctuation or legal form '
             '(Co., Ltd., 有限公司...).')
    vat_normalized = fields.Char(
        'Normalised Tax ID', compute='_compute_duplicate_keys', store=True, index=True)

    # likely duplicates
    duplicate_lead_ids = fields.Many2many(
        'crm.lead', string='Similar Leads', compute='_compute_duplicates',
        help='Open leads and opportunities sharing an e-mail, a phone number, the company '
             'name or the tax ID with this one (those you may read).')
    duplicate_partner_ids = fields.Many2many(
        'res.partner', string='Matching Contacts', compute='_compute_duplicates',
        help='Contacts and companies sharing an e-mail, a phone number, the company name or '
             'the tax ID with this lead.')
    duplicate_count = fields.Integer('# Similar', compute='_compute_duplicates')
    duplicate_hidden_count = fields.Integer(
        'Similar Leads of Colleagues', compute='_compute_duplicates',
        help='Similar leads you may not open: a colleague of another team works them.')

    @api.model
    def _duplicate_region(self, country, company):
        return (country.code or company.country_id.code
                or self.env.user.company_id.country_id.code)

    @api.depends('email_from', 'phone', 'mobile', 'partner_name', 'vat', 'country_id', 'company_id')
    def _compute_duplicate_keys(self):
        for lead in self:
            region = self._duplicate_region(lead.country_id, lead.company_id)
            lead.email_normalized = normalize_email(lead.email_from)
            lead.phone_normalized = normalize_phone(lead.phone, region)
            lead.mobile_normalized = normalize_phone(lead.mobile, region)
            lead.company_normalized = normalize_company(lead.partner_name)
            lead.vat_normalized = normalize_vat(lead.vat)

    @api.multi
    def _duplicate_pairs(self, table):
        """{lead id: set of ids of `table` ('crm_lead' or 'res_partner')
        sharing a key with it}: one query for the whole recordset."""
        ids = tuple(i for i in self.ids if isinstance(i, int))
        result = {i: set() for i in ids}
        if not ids:
            return result
        self.flush_keys()
        same_company = '(o.company_id IS NULL OR l.company_id IS NULL OR o.company_id = l.company_id)'
        queries = []
        for mine, theirs in _MATCH_KEYS:
            for other in theirs:
                # table/column names come from the constants above, never from input
                queries.append(
                    'SELECT l.id, o.id FROM crm_lead l JOIN {table} o ON o.{other} = l.{mine} '
                    'WHERE l.id IN %(ids)s AND o.active AND {same} {not_self}'.format(
                        table=table, other=other, mine=mine, same=same_company,
                        not_self='AND o.id != l.id' if table == 'crm_lead' else ''))
        self.env.cr.execute(' UNION '.join(queries), {'ids': ids})
        for lead_id, other_id in self.env.cr.fetchall():
            result[lead_id].add(other_id)
        return result

    @api.multi
    def flush_keys(self):
        """Write pending recomputations of the keys before SQL reads them."""
        if self.env.has_todo():
            self.recompute()

    @api.multi
    def _compute_duplicates(self):
        leads = self._duplicate_pairs('crm_lead')
        partners = self._duplicate_pairs('res_partner')
        all_leads = set().union(*leads.values()) if leads else set()
        all_partners = set().union(*partners.values()) if partners else set()
        # only what the user may read; the others are counted, not shown
        readable = set(self.env['crm.lead'].search([('id', 'in', list(all_leads))]).ids)
        readable_partners = set(
            self.env['res.partner'].search([('id', 'in', list(all_partners))]).ids)
        for lead in self:
            found = leads.get(lead.id, set())
            shown = sorted(found & readable)
            lead.duplicate_lead_ids = [(6, 0, shown)]
            lead.duplicate_hidden_count = len(found) - len(shown)
            lead.duplicate_partner_ids = [(6, 0, sorted(partners.get(lead.id, set())
                                                        & readable_partners))]
            lead.duplicate_count = len(shown)

    @api.multi
    def _crm_sales_pipeline(self):
        res = super(CrmLead, self)._crm_sales_pipeline()
        self._crm_sales_link_partners()
        return res

    @api.multi
    def _crm_sales_link_partners(self):
        """Link leads without a customer to the one partner they match, by
        e-mail first, then tax ID (companies), then phone; a key matching
        several partners links nothing. Set-based: one query per key."""
        if not self:
            return
        self.flush_keys()
        cr = self.env.cr
        rules = [
            ('p.email_normalized = l.email_normalized', ''),
            ('p.vat_normalized = l.vat_normalized', 'AND p.is_company'),
            ('p.phone_normalized IN (l.phone_normalized, l.mobile_normalized)'
             ' OR p.mobile_normalized IN (l.phone_normalized, l.mobile_normalized)', ''),
        ]
        linked = {}
        for join, extra in rules:
            todo = tuple(set(self.ids) - set(linked))
            if not todo:
                break
            # join and extra are the constants above
            cr.execute("""
                SELECT l.id, min(p.id) FROM crm_lead l
                  JOIN res_partner p ON ({join}) AND p.active {extra}
                   AND (p.company_id IS NULL OR l.company_id IS NULL OR p.company_id = l.company_id)
                 WHERE l.id IN %s AND l.partner_id IS NULL
                 GROUP BY l.id HAVING count(DISTINCT p.commercial_partner_id) = 1
            """.format(join=join, extra=extra), (todo,))
            linked.update(cr.fetchall())
        if not linked:
            return
        cr.execute('UPDATE crm_lead l SET partner_id = v.pid '
                   'FROM unnest(%s::int[], %s::int[]) AS v(lid, pid) WHERE l.id = v.lid',
                   (list(linked), list(linked.values())))
        leads = self.browse(list(linked))
        leads.modified(['partner_id'])
        leads.recompute()

    @api.multi
    def action_view_duplicates(self):
        self.ensure_one()
        action = self.env.ref('crm.crm_lead_all_leads').read()[0]
        action.update({
            'name': _('Similar to %s') % self.name,
            'domain': [('id', 'in', self.duplicate_lead_ids.ids + self.ids)],
            'context': {'active_test': True, 'create': False},
            'view_mode': 'tree,form',
            'views': [(False, 'tree'), (False, 'form')],
        })
        return action

    @api.multi
    def action_merge_duplicates(self):
        """Open the merge wizard on this lead and its similar leads."""
        self.ensure_one()
        leads = self | self.duplicate_lead_ids
        return {
            'type': 'ir.actions.act_window',
            'name': _('Merge'),
            'res_model': 'crm.merge.opportunity',
            'view_mode': 'form',
            'target': 'new',
            'context': {'active_model': 'crm.lead', 'active_ids': leads.ids,
                        'active_id': self.id},
        }
