import base64
import io
import threading

import xlrd

import odoo
from odoo.exceptions import UserError
from odoo.tests.common import BaseCase, SavepointCase

from tests.common import create_user

from .common import csv_bytes, import_wizard, xlsx_bytes

HEADERS_EN = ['Company', 'Contact', 'Phone', 'Mobile', 'Email', 'Country', 'Province', 'City',
              'Source', 'Industry', 'VAT', 'Notes']
HEADERS_ZH = ['公司名称', '联系人', '电话', '手机', '邮箱', '国家', '省份', '城市', '来源', '行业',
              '税号', '备注']


class TestLeadImport(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestLeadImport, cls).setUpClass()
        cls.rep = create_user(cls.env, 'import.rep', ['crm_sales.group_sales_rep'])
        cls.industry = cls.env['res.partner.industry'].create({'name': 'Ceramics Test'})
        cls.source = cls.env['utm.source'].create({'name': 'Trade Fair Test'})
        cls.cn = cls.env.ref('base.cn')
        cls.good = [
            ['Hangzhou Ceramics Co., Ltd.', 'Li Na', '0571 8888 6666', '+86 138 0013 8000',
             'li.na@hzceramics.example.com', 'China', 'Zhejiang', 'Hangzhou', 'Trade Fair Test',
             'Ceramics Test', '91330100MA0001', 'met at the fair'],
            ['杭州玻璃有限公司', '王伟', '', '13900139000', 'wang@glass.example.cn', '中国', '浙江省',
             '杭州', '官网', '', '', ''],
        ]

    def counts(self):
        return (self.env['crm.lead'].with_context(active_test=False).search_count([]),
                self.env['res.partner'].with_context(active_test=False).search_count([]),
                self.env['mail.message'].search_count([]),
                self.env['utm.source'].search_count([]))

    def wizard(self, rows, headers=HEADERS_EN, filename='leads.xlsx', user=None, **values):
        content = xlsx_bytes([headers] + rows) if filename.endswith('.xlsx') \
            else csv_bytes([headers] + rows)
        env = self.env(user=(user or self.rep).id)
        return import_wizard(env, content, filename, **values)

    def errors(self, wizard):
        """The rows of the downloadable report: (row, column, value, error)."""
        content = base64.b64decode(wizard.report_file)
        if wizard.report_filename.endswith('.csv'):
            import csv
            rows = list(csv.reader(io.StringIO(content.decode('utf-8-sig'))))
            return [(int(r[0]), r[1], r[2], r[3]) for r in rows[1:]]
        sheet = xlrd.open_workbook(file_contents=content).sheet_by_index(0)
        return [(int(sheet.cell_value(i, 0)), sheet.cell_value(i, 1), sheet.cell_value(i, 2),
                 sheet.cell_value(i, 3)) for i in range(1, sheet.nrows)]

    # mapping and preview

    def test_headers_mapped_in_english_and_chinese(self):
        expected = ['partner_name', 'contact_name', 'phone', 'mobile', 'email_from',
                    'country_id', 'state_id', 'city', 'source_id', 'industry_id', 'vat',
                    'description']
        for headers in (HEADERS_EN, HEADERS_ZH):
            wizard = self.wizard(self.good, headers=headers)
            self.assertEqual(wizard.state, 'map')
            self.assertEqual(wizard.column_ids.sorted('index').mapped('target'), expected)
            self.assertEqual(wizard.row_count, 2)

    def test_preview_shows_the_first_rows(self):
        wizard = self.wizard(self.good)
        self.assertIn('Hangzhou Ceramics Co., Ltd.', wizard.preview_html)
        self.assertIn('杭州玻璃有限公司', wizard.preview_html)
        self.assertIn('<th>Company</th>', wizard.preview_html)

    def test_manual_override_of_the_mapping(self):
        rows = [['ACME', 'Zhang San', 'zhang@acme.example.com', 'x']]
        wizard = self.wizard(rows, headers=['Firm', 'Who', 'Email', 'Whatever'])
        columns = wizard.column_ids.sorted('index')
        self.assertEqual(columns.mapped('target'), [False, False, 'email_from', False])
        columns[0].target = 'partner_name'
        columns[1].target = 'contact_name'
        wizard.action_import()
        self.assertEqual(wizard.state, 'done', wizard.result_html)
        lead = wizard.lead_ids
        self.assertEqual((lead.partner_name, lead.contact_name, lead.name),
                         ('ACME', 'Zhang San', 'ACME'))

    # a good import

    def test_import_creates_complete_leads(self):
        before = self.counts()
        wizard = self.wizard(self.good)
        wizard.action_import()
        self.assertEqual(wizard.state, 'done', wizard.result_html)
        self.assertEqual(wizard.lead_count, 2)
        leads = wizard.lead_ids.sorted('id')
        first, second = leads
        self.assertEqual(first.name, 'Hangzhou Ceramics Co., Ltd.')
        self.assertEqual(first.country_id, self.cn)
        self.assertEqual(first.state_id.code, 'ZJ')
        self.assertEqual(first.industry_id, self.industry)
        self.assertEqual(first.source_id, self.source)
        self.assertEqual(first.mobile_normalized, '+8613800138000')
        self.assertEqual(first.phone_normalized, '+8657188886666')
        self.assertEqual(first.company_normalized, 'hangzhouceramics')
        self.assertEqual(first.type, 'lead')
        self.assertEqual(first.create_uid, self.rep)
        self.assertEqual(second.state_id.code, 'ZJ')
        self.assertEqual(second.source_id.name, '官网')      # created
        after = self.counts()
        self.assertEqual(after[0] - before[0], 2)
        self.assertEqual(after[3] - before[3], 1)
        message = self.env['mail.message'].search([('model', '=', 'crm.lead'),
                                                   ('res_id', '=', first.id)])
        self.assertEqual(len(message), 1)
        self.assertIn('leads.xlsx, row 2', message.body)
        self.assertEqual(message.author_id, self.rep.partner_id)
        self.assertEqual(message.subtype_id, self.env.ref('crm.mt_lead_create'))
        self.assertIn(self.rep.partner_id, first.message_partner_ids)

    def test_imported_lead_is_as_complete_as_a_form_lead(self):
        """Every stored field of an imported lead equals that of the same
        lead created through create(), but for ids and timestamps."""
        team = self.env['crm.team'].create({'name': 'Import Team', 'member_ids': [(4, self.rep.id)]})
        self.env['mail.followers'].create({
            'res_model': 'crm.team', 'res_id': team.id,
            'partner_id': self.env['res.partner'].create({'name': 'Team Watcher'}).id,
            'subtype_ids': [(6, 0, self.env.ref('crm.mt_salesteam_lead').ids)]})
        row = self.good[0]
        wizard = self.wizard([row], team_id=team.id)
        wizard.action_import()
        imported = wizard.lead_ids
        self.assertEqual(len(imported), 1, wizard.result_html)
        Lead = self.env['crm.lead'].sudo(self.rep).with_context(default_type='lead')
        formed = Lead.create({
            'name': row[0], 'partner_name': row[0], 'contact_name': row[1], 'phone': row[2],
            'mobile': row[3], 'email_from': row[4], 'country_id': self.cn.id,
            'state_id': imported.state_id.id, 'city': row[7], 'source_id': self.source.id,
            'industry_id': self.industry.id, 'vat': row[10], 'description': row[11],
            'type': 'lead', 'team_id': team.id, 'user_id': False,
            'company_id': self.rep.company_id.id})
        skip = {'id', 'create_date', 'write_date', 'write_uid', 'date_open', 'date_last_stage_update',
                '__last_update', 'message_last_post', 'date_action_last',
                'score_date'}  # when the score was computed: the clock may tick between the two
        stored = [name for name, field in Lead._fields.items()
                  if field.store and field.column_type and name not in skip]
        imported.invalidate_cache()
        for name in stored:
            self.assertEqual(imported[name], formed[name], 'field %s differs' % name)
        for lead in (imported, formed):
            self.assertTrue(lead.date_open)
            self.assertTrue(lead.score_date)
        # chatter and followers

        def followers(lead):
            return {(f.partner_id.id, f.channel_id.id, tuple(sorted(f.subtype_ids.ids)))
                    for f in lead.message_follower_ids}
        self.assertEqual(followers(imported), followers(formed))
        for lead in (imported, formed):
            messages = lead.message_ids
            self.assertEqual(len(messages), 1)
        self.assertEqual(imported.message_ids.subtype_id, formed.message_ids.subtype_id)
        self.assertEqual(imported.message_ids.author_id, formed.message_ids.author_id)
        self.assertEqual(imported.message_ids.message_type, formed.message_ids.message_type)

    # bad input

    def test_wrong_file_type_and_empty_file(self):
        Wizard = self.env['crm.sales.lead.import'].sudo(self.rep)
        for content, name, text in (
                (b'%PDF-1.4 binary', 'leads.pdf', 'Wrong file type'),
                (b'', 'leads.csv', 'empty'),
                (b'\n\n', 'leads.csv', 'empty'),
                (b'Company,Email\n', 'leads.csv', 'no lead'),
                (b'PK\x03\x04garbage', 'leads.xlsx', 'cannot be read')):
            wizard = Wizard.create({'file': base64.b64encode(content) or False, 'filename': name}) \
                if content else Wizard.new({'filename': name})
            with self.assertRaisesRegex(UserError, text):
                wizard.action_parse()

    def test_missing_required_columns(self):
        before = self.counts()
        wizard = self.wizard([['x@example.com', 'China']], headers=['Email', 'Country'])
        wizard.action_import()
        self.assertEqual(wizard.state, 'map')
        self.assertIn('needs a column for the lead', wizard.result_html)
        self.assertEqual(self.counts(), before)

    def test_each_error_with_its_row_and_column(self):
        rows = [
            ['Good Co', 'A', '', '13800138001', 'a@good.example.com', 'China', '', '', '', '', '', ''],
            ['', '', '', '', 'b@example.com', '', '', '', '', '', '', ''],                # no name
            ['Bad Mail', '', '', '', 'not-an-email', '', '', '', '', '', '', ''],
            ['Bad Phone', '', '12345', '', '', 'China', '', '', '', '', '', ''],
            ['Nowhere', '', '', '', '', 'Atlantis', '', '', '', '', '', ''],
            ['Bad Province', '', '', '', '', 'China', 'Gotham', '', '', '', '', ''],
            ['Bad Industry', '', '', '', '', '', '', '', '', 'Alchemy', '', ''],
            ['Same Mail', '', '', '', 'A@Good.example.com', '', '', '', '', '', '', ''],
            ['Same Phone', '', '', '+86 138 0013 8001', '', '', '', '', '', '', '', ''],
        ]
        before = self.counts()
        wizard = self.wizard(rows)
        wizard.action_import()
        self.assertEqual(wizard.state, 'map')
        self.assertEqual(self.counts(), before, 'nothing may be written')
        errors = self.errors(wizard)
        found = {(e[0], e[1]): e[3] for e in errors}
        self.assertIn('title, a company or a contact', found[(3, 'Company, Contact')])
        self.assertEqual(found[(4, 'Email')], 'Not a valid e-mail address.')
        self.assertIn('Not a valid phone number for CN', found[(5, 'Phone')])
        self.assertEqual(found[(6, 'Country')], 'Unknown country.')
        self.assertIn('No such province', found[(7, 'Province')])
        self.assertIn('Unknown industry', found[(8, 'Industry')])
        self.assertEqual(found[(9, 'Email')], 'Same e-mail as row 2.')
        self.assertEqual(found[(10, 'Mobile')], 'Same phone number as row 2.')
        self.assertEqual(len(errors), 8)
        self.assertEqual(wizard.error_count, 8)
        self.assertEqual(wizard.error_row_count, 8)
        self.assertIn('Not a valid e-mail address.', wizard.result_html)
        # the same report as CSV
        wizard.report_format = 'csv'
        wizard.action_check()
        self.assertTrue(wizard.report_filename.endswith('.csv'))
        self.assertEqual(len(self.errors(wizard)), 8)

    def test_csv_delimiters_and_encodings(self):
        rows = [HEADERS_ZH] + self.good
        for content in (csv_bytes(rows, ';', 'gbk'), b'\xef\xbb\xbf' + csv_bytes(rows, '\t'),
                        csv_bytes(rows, ',', 'utf-8')):
            wizard = import_wizard(self.env(user=self.rep.id), content, 'leads.csv')
            self.assertEqual(wizard.column_ids.sorted('index')[0].target, 'partner_name')
            wizard.action_check()
            self.assertFalse(wizard.error_count, wizard.result_html)

    def test_duplicates_of_existing_leads(self):
        self.env['crm.lead'].create({'name': 'Known', 'email_from': 'li.na@hzceramics.example.com',
                                     'user_id': False})
        self.env['crm.lead'].create({'name': 'Known 2', 'phone': '+86 139 0013 9000',
                                     'country_id': self.cn.id, 'user_id': False})
        before = self.counts()
        wizard = self.wizard(self.good)
        wizard.action_import()
        self.assertEqual(self.counts(), before)
        errors = self.errors(wizard)
        self.assertEqual([(e[0], e[1]) for e in errors], [(2, 'Email'), (3, 'Mobile')])
        self.assertIn('Already in the CRM', errors[0][3])
        # skipping known leads imports the others only: none here
        wizard.skip_existing = True
        wizard.action_import()
        self.assertEqual(wizard.state, 'done')
        self.assertEqual((wizard.lead_count, wizard.skipped_count), (0, 2))

    def test_lead_linked_to_the_matching_partner(self):
        partner = self.env['res.partner'].create({'name': 'Li Na', 'email': 'LI.NA@hzceramics.example.com'})
        wizard = self.wizard(self.good[:1])
        wizard.action_import()
        self.assertEqual(wizard.lead_ids.partner_id, partner)

    def test_garbage_rows_are_reported_capped_on_screen(self):
        rows = [['', 'x%d' % i, 'bad', '', 'nope%d' % i, 'Mars', '', '', '', '', '', '']
                for i in range(3000)]
        before = self.counts()
        wizard = self.wizard(rows, filename='garbage.csv')
        wizard.action_import()
        self.assertEqual(self.counts(), before)
        self.assertEqual(wizard.error_row_count, 3000)
        self.assertEqual(wizard.error_count, 9000)
        self.assertEqual(wizard.result_html.count('<tr>'), 201)   # header + 200
        self.assertIn('all 9000', wizard.result_html)
        self.assertEqual(len(self.errors(wizard)), 9000)

    def test_rep_needs_lead_create_rights(self):
        user = create_user(self.env, 'import.nobody', ['base.group_user'])
        wizard = self.wizard(self.good, user=self.rep)
        with self.assertRaises(odoo.exceptions.AccessError):
            wizard.sudo(user).with_env(wizard.env(user=user.id))._create_leads(wizard._validate())


class TestConcurrentImport(BaseCase):
    """Two reps import the same file at the same time: one import creates
    the leads, the other is serialised after it and reports them as
    already in the CRM. Real cursors and threads, committed data (cleaned
    up at the end)."""

    def setUp(self):
        super(TestConcurrentImport, self).setUp()
        self.registry = odoo.registry(odoo.tests.common.get_db_name())
        self.content = xlsx_bytes([['Company', 'Email'],
                                   ['Race Ltd', 'race.%s@example.com' % id(self)]])
        self.addCleanup(self.cleanup)

    def cleanup(self):
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env['crm.lead'].with_context(active_test=False).search(
                [('partner_name', '=', 'Race Ltd')]).unlink()

    def run_import(self, barrier, results, key):
        from psycopg2.extensions import TransactionRollbackError
        with odoo.api.Environment.manage():
            for attempt in range(3):     # as Odoo's RPC layer retries
                try:
                    with self.registry.cursor() as cr:
                        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                        wizard = import_wizard(env, self.content, 'race.xlsx')
                        cr.commit()  # pylint: disable=invalid-commit
                        if attempt == 0:
                            barrier.wait(timeout=30)
                        wizard.action_import()
                        results[key] = (wizard.state, wizard.lead_count, wizard.result_html)
                        cr.commit()  # pylint: disable=invalid-commit
                        return
                except TransactionRollbackError:
                    results.setdefault('retries', []).append(key)
                    continue

    def test_two_imports_cannot_create_the_same_lead_twice(self):
        barrier = threading.Barrier(2)
        results = {}
        threads = [threading.Thread(target=self.run_import, args=(barrier, results, k))
                   for k in ('a', 'b')]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        states = sorted((results['a'][0], results['b'][0]))
        self.assertEqual(states, ['done', 'map'], results)
        self.assertEqual(results['a'][1] + results['b'][1], 1)
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM crm_lead WHERE partner_name = 'Race Ltd'")
            self.assertEqual(cr.fetchone()[0], 1)
