import base64
import csv
import io

try:
    import xlsxwriter
except ImportError:  # declared in the manifest's external_dependencies
    xlsxwriter = None

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_escape

from ..models.normalize import (
    COUNTRY_ZH, CN_PROVINCES, normalize_company, normalize_email, normalize_name,
    normalize_phone, normalize_province, normalize_vat)
from .lead_file import FileError, guess_target, read_table

SCREEN_ERRORS = 200     # errors listed on screen; the report holds them all
PREVIEW_ROWS = 10

TARGETS = [
    ('name', 'Lead Title'), ('partner_name', 'Company'), ('contact_name', 'Contact'),
    ('email_from', 'E-mail'), ('phone', 'Phone'), ('mobile', 'Mobile'),
    ('country_id', 'Country'), ('state_id', 'Province / State'), ('city', 'City'),
    ('zip', 'Zip'), ('street', 'Street'), ('source_id', 'Source'), ('industry_id', 'Industry'),
    ('vat', 'Tax ID'), ('function', 'Job Position'), ('website', 'Website'),
    ('product_interest_id', 'Product'), ('planned_revenue', 'Expected Revenue'),
    ('description', 'Notes'),
]
NAME_TARGETS = ('name', 'partner_name', 'contact_name')


class CrmLeadImport(models.TransientModel):
    """Import leads from a spreadsheet: upload, map columns, check, import.

    Every row is validated before anything is written; one error anywhere
    and nothing is imported (all or nothing). Valid files are inserted set-
    based by crm.lead._crm_sales_bulk_create and go through the pipeline
    (partner linking, assignment, scoring) in batches.

    Decisions: the lead's title is the Title column, else the company, else
    the contact; unknown sources are created (a free list marketing grows),
    unknown industries, products, countries and provinces are errors (lists
    kept by administrators). Rows sharing an e-mail or a phone number with
    another row or with an open lead are errors, unless "Skip leads already
    in the CRM" is ticked (then the rows matching an open lead are skipped
    and counted). Matching a partner is no error: the lead is linked to it.
    """
    _name = 'crm.sales.lead.import'
    _description = 'Lead Import'

    # the file
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection([('upload', 'Upload'), ('map', 'Map and Check'), ('done', 'Done')],
                             default='upload', required=True)
    company_id = fields.Many2one('res.company', default=lambda self: self.env.user.company_id,
                                 required=True)
    # options
    lead_type = fields.Selection([('lead', 'Lead'), ('opportunity', 'Opportunity')],
                                 'Import As', default='lead', required=True)
    team_id = fields.Many2one('crm.team', 'Sales Channel',
                              help='Left empty: your own sales channel, as for a lead you '
                                   'create; the assignment rules may change it.')
    user_id = fields.Many2one('res.users', 'Salesperson',
                              help='Left empty: the assignment rules pick a salesperson.')
    skip_existing = fields.Boolean(
        'Skip leads already in the CRM',
        help='Rows whose e-mail or phone is already on an open lead are skipped instead of '
             'stopping the import.')
    # mapping and preview
    column_ids = fields.One2many('crm.sales.lead.import.column', 'wizard_id', 'Columns')
    preview_html = fields.Html('Preview', readonly=True, sanitize=False)
    # check result
    checked = fields.Boolean(readonly=True)
    row_count = fields.Integer('Rows', readonly=True)
    error_count = fields.Integer('Errors', readonly=True)
    error_row_count = fields.Integer('Rows with Errors', readonly=True)
    skipped_count = fields.Integer('Rows Skipped', readonly=True)
    result_html = fields.Html('Check Result', readonly=True, sanitize=False)
    report_format = fields.Selection([('xlsx', 'Excel (.xlsx)'), ('csv', 'CSV (.csv)')],
                                     default='xlsx', required=True)
    report_file = fields.Binary('Error Report', readonly=True, attachment=False)
    report_filename = fields.Char(readonly=True)
    lead_count = fields.Integer('Leads Created', readonly=True)
    lead_ids = fields.Many2many('crm.lead', string='Imported Leads', readonly=True)

    # ------------------------------------------------------------------ steps

    @api.multi
    def _read(self):
        self.ensure_one()
        try:
            return read_table(base64.b64decode(self.file or b''), self.filename)
        except FileError as exc:
            raise UserError(_('The file cannot be imported: %s') % exc)

    @api.multi
    def _reopen(self):
        return {'type': 'ir.actions.act_window', 'res_model': self._name, 'res_id': self.id,
                'view_mode': 'form', 'target': 'new', 'name': _('Import Leads')}

    @api.multi
    def action_parse(self):
        """Read the file, map its columns from their titles, show a preview."""
        self.ensure_one()
        headers, rows = self._read()
        self.column_ids.unlink()
        used = set()
        lines = []
        for index, header in enumerate(headers):
            target = guess_target(header)
            if target in used:
                target = False
            used.add(target)
            sample = next((row[index] for row in rows[:20] if row[index]), '')
            lines.append((0, 0, {'index': index, 'header': header, 'sample': sample[:60],
                                 'target': target or False}))
        self.write({'column_ids': lines, 'state': 'map', 'checked': False,
                    'preview_html': self._preview_html(headers, rows[:PREVIEW_ROWS]),
                    'row_count': len(rows)})
        return self._reopen()

    @api.model
    def _preview_html(self, headers, rows):
        head = ''.join('<th>%s</th>' % html_escape(h) for h in headers)
        body = ''.join('<tr>%s</tr>' % ''.join('<td>%s</td>' % html_escape(c) for c in row)
                       for row in rows)
        return ('<table class="table table-condensed o_crm_sales_import_preview">'
                '<thead><tr>%s</tr></thead><tbody>%s</tbody></table>' % (head, body))

    @api.multi
    def action_check(self):
        """Validate every row and show (and offer to download) the errors."""
        self.ensure_one()
        result = self._validate()
        self._store_result(result)
        return self._reopen()

    @api.multi
    def action_import(self):
        """Validate again under the company's import lock, then import all
        rows, or none when any row is wrong."""
        self.ensure_one()
        self.env['crm.lead']._crm_sales_import_lock(self.company_id.id)
        result = self._validate()
        self._store_result(result)
        if result['errors']:
            return self._reopen()
        leads = self._create_leads(result)
        self.write({'state': 'done', 'lead_count': len(leads), 'lead_ids': [(6, 0, leads.ids)]})
        return self._reopen()

    @api.multi
    def action_open_leads(self):
        self.ensure_one()
        return {'type': 'ir.actions.act_window', 'res_model': 'crm.lead',
                'name': _('Imported Leads'), 'view_mode': 'tree,form',
                'views': [(False, 'tree'), (False, 'form')],
                'domain': [('id', 'in', self.lead_ids.ids)]}

    # ------------------------------------------------------------ validation

    @api.multi
    def _mapping(self):
        """{field: column index}; raises on a column mapped twice."""
        mapping, seen = {}, {}
        for column in self.column_ids.sorted('index'):
            if not column.target:
                continue
            if column.target in mapping:
                raise UserError(_('Columns "%(first)s" and "%(second)s" are both mapped to '
                                  '%(field)s: map one of them to nothing.') % {
                    'first': seen[column.target], 'second': column.header,
                    'field': dict(TARGETS)[column.target]})
            mapping[column.target] = column.index
            seen[column.target] = column.header
        return mapping

    @api.multi
    def _lookups(self):
        """Name -> id dictionaries for the many2one columns (a few queries)."""
        env = self.env
        countries, country_codes = {}, {}
        for country in env['res.country'].search([]):
            for key in (country.code, country.name):
                countries[normalize_name(key)] = country.id
            country_codes[country.id] = country.code
        by_code = {code: country_id for country_id, code in country_codes.items()}
        zh = env['res.lang'].search([('code', '=', 'zh_CN')], limit=1)
        if zh:
            for country in env['res.country'].with_context(lang='zh_CN').search([]):
                countries.setdefault(normalize_name(country.name), country.id)
        for name, code in COUNTRY_ZH.items():
            if code in by_code:
                countries.setdefault(normalize_name(name), by_code[code])
        pinyin = {zh_name: en for _code, en, zh_name in CN_PROVINCES}
        states = {}
        for state in env['res.country.state'].search([]):
            for key in (state.code, state.name):
                states[(state.country_id.id, normalize_province(key))] = state.id
            if state.country_id.code == 'CN':
                for zh_name, en in pinyin.items():
                    if en == state.name:
                        states[(state.country_id.id, normalize_province(zh_name))] = state.id
        sources = {normalize_name(s.name): s.id for s in env['utm.source'].search([])}
        industries = {}
        for industry in env['res.partner.industry'].search([]):
            industries.setdefault(normalize_name(industry.full_name), industry.id)
            industries.setdefault(normalize_name(industry.name), industry.id)
        products = {}
        for product in env['product.template'].search([('sale_ok', '=', True)]):
            products.setdefault(normalize_name(product.name), (product.id, product.categ_id.id))
            if product.default_code:
                products.setdefault(normalize_name(product.default_code),
                                    (product.id, product.categ_id.id))
        company_country = self.company_id.country_id
        return {
            'countries': countries, 'country_codes': country_codes, 'states': states,
            'states_by_country': set(k[0] for k in states), 'sources': sources,
            'industries': industries, 'products': products,
            'default_country': company_country.id, 'default_region': company_country.code,
        }

    @api.multi
    def _validate(self):
        """Check every row. Returns {'errors': [(row, column, value, message)],
        'rows': [(row number, vals)], 'new_sources': {key: name}, 'skipped': n}."""
        self.ensure_one()
        headers, rows = self._read()
        mapping = self._mapping()
        header_of = {target: headers[index] for target, index in mapping.items()}
        errors = []
        if not any(t in mapping for t in NAME_TARGETS):
            errors.append((0, _('(columns)'), '', _(
                'The file needs a column for the lead\'s name: Title, Company or Contact '
                '(标题, 公司名称 or 联系人). Map one in the column list.')))
            return {'errors': errors, 'rows': [], 'new_sources': {}, 'skipped': 0,
                    'row_count': len(rows)}
        look = self._lookups()
        messages = {
            'name': _('A lead needs a title, a company or a contact.'),
            'email': _('Not a valid e-mail address.'),
            'phone': _('Not a valid phone number for %s.'),
            'country': _('Unknown country.'),
            'state': _('No such province or state in %s.'),
            'industry': _('Unknown industry (see Contacts > Configuration > Industries).'),
            'product': _('Unknown product.'),
            'revenue': _('Not a number.'),
            'dup_email': _('Same e-mail as row %d.'),
            'dup_phone': _('Same phone number as row %d.'),
        }
        text = {t: mapping.get(t) for t, _label in TARGETS}
        new_sources = {}
        valid = []
        seen_email, seen_phone = {}, {}
        phone_cache = {}
        for number, row in enumerate(rows, start=2):     # row 1 is the header
            def cell(target):
                index = text[target]
                return row[index].strip() if index is not None else ''
            row_errors = []

            def error(target, message):
                row_errors.append((number, header_of[target], cell(target), message))
            vals = {}
            for target in ('partner_name', 'contact_name', 'city', 'zip', 'street', 'function',
                           'website', 'description', 'vat', 'email_from', 'phone', 'mobile'):
                value = cell(target)
                if value:
                    vals[target] = value
            vals['name'] = cell('name') or vals.get('partner_name') or vals.get('contact_name')
            if not vals['name']:
                row_errors.append((number, ', '.join(header_of[t] for t in NAME_TARGETS
                                                     if t in header_of), '', messages['name']))
            # country and province
            country_id = False
            if cell('country_id'):
                country_id = look['countries'].get(normalize_name(cell('country_id')))
                if not country_id:
                    error('country_id', messages['country'])
            if cell('state_id'):
                state_country = country_id or look['default_country']
                state_id = look['states'].get((state_country, normalize_province(cell('state_id'))))
                if state_id:
                    vals['state_id'] = state_id
                elif country_id or not cell('country_id'):
                    error('state_id', messages['state'] % (
                        self.env['res.country'].browse(state_country).name or _('the country')))
            if country_id:
                vals['country_id'] = country_id
            region = look['country_codes'].get(country_id) or look['default_region']
            # e-mail and phones
            if 'email_from' in vals:
                email = normalize_email(vals['email_from'])
                if not email:
                    error('email_from', messages['email'])
                else:
                    vals['email_normalized'] = email
                    if email in seen_email:
                        error('email_from', messages['dup_email'] % seen_email[email])
                    else:
                        seen_email[email] = number
            for target in ('phone', 'mobile'):
                if target not in vals:
                    continue
                key = (vals[target], region)
                if key not in phone_cache:
                    phone_cache[key] = normalize_phone(vals[target], region)
                phone = phone_cache[key]
                if not phone:
                    error(target, messages['phone'] % (region or _('an unknown country')))
                    continue
                vals[target + '_normalized'] = phone
                if phone in seen_phone and seen_phone[phone] != number:
                    error(target, messages['dup_phone'] % seen_phone[phone])
                else:
                    seen_phone[phone] = number
            # lists
            if cell('source_id'):
                key = normalize_name(cell('source_id'))
                if key in look['sources']:
                    vals['source_id'] = look['sources'][key]
                else:
                    new_sources.setdefault(key, cell('source_id'))
                    vals['source_id'] = key
            if cell('industry_id'):
                industry = look['industries'].get(normalize_name(cell('industry_id')))
                if industry:
                    vals['industry_id'] = industry
                else:
                    error('industry_id', messages['industry'])
            if cell('product_interest_id'):
                product = look['products'].get(normalize_name(cell('product_interest_id')))
                if product:
                    vals['product_interest_id'], vals['product_categ_id'] = product
                else:
                    error('product_interest_id', messages['product'])
            if cell('planned_revenue'):
                try:
                    vals['planned_revenue'] = float(cell('planned_revenue').replace(',', ''))
                except ValueError:
                    error('planned_revenue', messages['revenue'])
            vals['company_normalized'] = normalize_company(vals.get('partner_name'))
            vals['vat_normalized'] = normalize_vat(vals.get('vat'))
            for key in ('email_normalized', 'phone_normalized', 'mobile_normalized'):
                vals.setdefault(key, None)
            if row_errors:
                errors.extend(row_errors)
            else:
                valid.append((number, vals))
        valid, skipped = self._check_existing(valid, errors, header_of)
        return {'errors': errors, 'rows': valid, 'new_sources': new_sources,
                'skipped': skipped, 'row_count': len(rows)}

    @api.multi
    def _check_existing(self, valid, errors, header_of):
        """Rows whose e-mail or phone is on an open lead of the company:
        errors, or skipped with skip_existing. One query per key kind; SQL
        on purpose: a rep must not re-import a colleague's lead either."""
        cr = self.env.cr
        emails = list({v['email_normalized'] for _n, v in valid if v.get('email_normalized')})
        phones = list({v[k] for _n, v in valid for k in ('phone_normalized', 'mobile_normalized')
                       if v.get(k)})
        known = {}
        if emails:
            cr.execute("""SELECT email_normalized, id, name FROM crm_lead
                           WHERE email_normalized = ANY(%s) AND active
                             AND (company_id = %s OR company_id IS NULL)""",
                       (emails, self.company_id.id))
            for key, lead_id, name in cr.fetchall():
                known.setdefault(('email_from', key), (lead_id, name))
        if phones:
            for column in ('phone_normalized', 'mobile_normalized'):
                # column is one of two constants
                cr.execute("""SELECT {col}, id, name FROM crm_lead
                               WHERE {col} = ANY(%s) AND active
                                 AND (company_id = %s OR company_id IS NULL)""".format(col=column),
                           (phones, self.company_id.id))
                for key, lead_id, name in cr.fetchall():
                    known.setdefault(('phone', key), (lead_id, name))
        if not known:
            return valid, 0
        kept, skipped = [], 0
        message = _('Already in the CRM: lead #%(id)d "%(name)s".')
        for number, vals in valid:
            hits = []
            if ('email_from', vals.get('email_normalized')) in known:
                hits.append(('email_from', known[('email_from', vals['email_normalized'])]))
            for target in ('phone', 'mobile'):
                key = ('phone', vals.get(target + '_normalized'))
                if key in known:
                    hits.append((target, known[key]))
            if not hits:
                kept.append((number, vals))
            elif self.skip_existing:
                skipped += 1
            else:
                for target, (lead_id, name) in hits:
                    errors.append((number, header_of[target], vals.get(target, ''),
                                   message % {'id': lead_id, 'name': name}))
        return kept, skipped

    # ------------------------------------------------------------- reporting

    @api.multi
    def _store_result(self, result):
        errors = result['errors']
        values = {
            'checked': True, 'row_count': result['row_count'], 'error_count': len(errors),
            'error_row_count': len({e[0] for e in errors}), 'skipped_count': result['skipped'],
            'result_html': self._result_html(result), 'report_file': False,
            'report_filename': False,
        }
        if errors:
            content, extension = self._report(errors)
            values['report_file'] = base64.b64encode(content)
            values['report_filename'] = '%s-errors.%s' % (
                (self.filename or 'leads').rsplit('.', 1)[0], extension)
        self.write(values)

    @api.multi
    def _result_html(self, result):
        errors = result['errors']
        if not errors:
            text = _('%(rows)d rows checked: no error. %(leads)d leads will be created.') % {
                'rows': result['row_count'], 'leads': len(result['rows'])}
            if result['skipped']:
                text += ' ' + _('%d rows already in the CRM will be skipped.') % result['skipped']
            if result['new_sources']:
                text += ' ' + _('New sources: %s.') % ', '.join(sorted(result['new_sources'].values()))
            return '<div class="alert alert-success">%s</div>' % html_escape(text)
        counts = {}
        for error in errors:
            counts[error[3].split('#')[0]] = counts.get(error[3].split('#')[0], 0) + 1
        summary = _('%(errors)d errors in %(bad)d of %(rows)d rows: nothing was imported. '
                    'Correct the file and upload it again, or download the full error '
                    'report.') % {'errors': len(errors), 'bad': len({e[0] for e in errors}),
                                  'rows': result['row_count']}
        kinds = ''.join('<li>%s: %d</li>' % (html_escape(k), n)
                        for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        shown = errors[:SCREEN_ERRORS]
        lines = ''.join('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>' % (
            e[0] or '', html_escape(e[1]), html_escape(e[2][:80]), html_escape(e[3]))
            for e in shown)
        more = ''
        if len(errors) > len(shown):
            more = '<p>%s</p>' % html_escape(_('The first %(shown)d errors are shown; the report '
                                               'holds all %(all)d.') % {'shown': len(shown),
                                                                        'all': len(errors)})
        return ('<div class="alert alert-danger">%s<ul>%s</ul></div>%s'
                '<table class="table table-condensed"><thead><tr><th>%s</th><th>%s</th>'
                '<th>%s</th><th>%s</th></tr></thead><tbody>%s</tbody></table>' % (
                    html_escape(summary), kinds, more, _('Row'), _('Column'), _('Value'),
                    _('Error'), lines))

    @api.multi
    def _report(self, errors):
        """The full error report as (bytes, extension)."""
        header = [_('Row'), _('Column'), _('Value'), _('Error')]
        if self.report_format == 'csv':
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(errors)
            return out.getvalue().encode('utf-8-sig'), 'csv'
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {'constant_memory': True, 'in_memory': True})
        sheet = book.add_worksheet(_('Errors'))
        bold = book.add_format({'bold': True})
        sheet.write_row(0, 0, header, bold)
        for i, error in enumerate(errors, start=1):
            sheet.write_number(i, 0, error[0])
            sheet.write_string(i, 1, error[1] or '')
            sheet.write_string(i, 2, error[2] or '')
            sheet.write_string(i, 3, error[3])
        book.close()
        return out.getvalue(), 'xlsx'

    # -------------------------------------------------------------- creation

    @api.multi
    def _prepare_lead_values(self, vals, sources):
        vals = dict(vals, type=self.lead_type)
        if isinstance(vals.get('source_id'), str):
            vals['source_id'] = sources[vals['source_id']]
        if self.team_id:
            vals['team_id'] = self.team_id.id
        vals['user_id'] = self.user_id.id or False
        vals['company_id'] = self.company_id.id
        return vals

    @api.multi
    def _create_leads(self, result):
        sources = {}
        for key, name in result['new_sources'].items():
            sources[key] = self.env['utm.source'].create({'name': name}).id
        template = _('Imported from %(file)s, row %(row)d.')
        filename = self.filename or _('a file')
        vals_list, bodies = [], []
        for number, vals in result['rows']:
            vals_list.append(self._prepare_lead_values(vals, sources))
            bodies.append('<p>%s</p>' % html_escape(template % {'file': filename, 'row': number}))
        Lead = self.env['crm.lead'].with_context(default_type=self.lead_type)
        if self.team_id:
            Lead = Lead.with_context(default_team_id=self.team_id.id)
        return Lead._crm_sales_bulk_create(vals_list, bodies)


class CrmLeadImportColumn(models.TransientModel):
    """A column of the uploaded file and the lead field it fills."""
    _name = 'crm.sales.lead.import.column'
    _description = 'Lead Import Column'
    _order = 'index'

    wizard_id = fields.Many2one('crm.sales.lead.import', required=True, ondelete='cascade')
    index = fields.Integer(required=True)
    header = fields.Char('Column', readonly=True)
    sample = fields.Char('Example', readonly=True)
    target = fields.Selection(TARGETS, 'Lead Field',
                              help='Leave empty to ignore the column.')
