"""Lead import: the wizard end to end on a generated 50,000-row .xlsx,
side by side with Odoo's base_import `load()` and a `create()` loop with
tracking off on smaller slices of the same rows, in the same run.

Works through the ORM on `crm_bench` as the administrator, inside one
transaction that is rolled back at the end (crm_bench is left as found).
"""
import base64
import io
import os
import random
import sys
import time

import xlsxwriter

from common import DB, ROOT, report

sys.path.insert(0, ROOT)
import odoo  # noqa: E402

ROWS = int(os.environ.get('BENCH_IMPORT_ROWS', 50000))
LOAD_ROWS = 1000
CREATE_ROWS = 500
HEADERS = ['Company', 'Contact', 'Phone', 'Mobile', 'Email', 'Country', 'Province', 'City',
           'Source', 'Notes']
PROVINCES = ['Zhejiang', '江苏', '广东省', 'Shanghai', 'Beijing', '四川']


def generate(n, token):
    rnd = random.Random(42)
    rows = []
    for i in range(n):
        rows.append([
            'Bench %s Trading %d Co., Ltd.' % (token, i), 'Contact %d' % i,
            '0571 %04d %04d' % (5000 + i // 10000, i % 10000),
            '+86 13%d %04d %04d' % (rnd.choice([5, 6, 7, 8, 9]), i // 10000, i % 10000),
            'lead%d.%s@bench.example.com' % (i, token), rnd.choice(['China', '中国', 'CN']),
            rnd.choice(PROVINCES), 'Hangzhou', rnd.choice(['Trade Fair', 'Website', '官网']),
            'generated row %d' % i])
    return rows


def xlsx(rows):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {'in_memory': True, 'constant_memory': False})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return out.getvalue()


def main():
    os.chdir(ROOT)      # odoo.conf's paths are relative to the repository root
    odoo.tools.config.parse_config(['-c', os.path.join(ROOT, 'odoo.conf'), '-d', DB,
                                    '--log-level=warn'])
    token = '%x' % random.randrange(16 ** 6)
    rows = generate(ROWS + LOAD_ROWS + CREATE_ROWS, token)
    content = xlsx(rows[:ROWS])
    registry = odoo.registry(DB)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            # base_import's load() on 1,000 rows of the same kind
            load_rows = rows[ROWS:ROWS + LOAD_ROWS]
            fields = ['partner_name', 'contact_name', 'phone', 'mobile', 'email_from',
                      'country_id', 'city', 'description', 'name']
            data = [[r[0], r[1], r[2], r[3], r[4], 'China', r[7], r[9], r[0]] for r in load_rows]
            started = time.perf_counter()
            res = env['crm.lead'].load(fields, data)
            load_s = time.perf_counter() - started
            assert len([i for i in res['ids'] or [] if i]) == LOAD_ROWS, res['messages'][:3]
            # a create() loop with tracking off
            Lead = env['crm.lead'].with_context(tracking_disable=True)
            started = time.perf_counter()
            for r in rows[ROWS + LOAD_ROWS:]:
                Lead.create({'name': r[0], 'partner_name': r[0], 'contact_name': r[1],
                             'phone': r[2], 'mobile': r[3], 'email_from': r[4],
                             'country_id': env.ref('base.cn').id, 'city': r[7]})
            create_s = time.perf_counter() - started
            # the wizard, end to end: read, map, validate, insert, pipeline
            started = time.perf_counter()
            wizard = env['crm.sales.lead.import'].create({
                'file': base64.b64encode(content), 'filename': 'bench.xlsx'})
            wizard.action_parse()
            parsed = time.perf_counter()
            wizard.action_import()
            import_s = time.perf_counter() - started
            assert wizard.state == 'done', wizard.result_html[:2000]
            assert wizard.lead_count == ROWS, wizard.lead_count
            lead = wizard.lead_ids[-1]
            assert lead.message_ids and lead.message_follower_ids and lead.state_id
        finally:
            cr.rollback()
    load_rate = LOAD_ROWS / load_s
    import_rate = ROWS / import_s
    print('read+map %.1f s, check+insert+pipeline %.1f s' % (parsed - started, import_s - (parsed - started)))
    report('lead import `load()` (base_import), same rows', '%d rows' % LOAD_ROWS,
           '%.1f s, %.0f rows/s' % (load_s, load_rate), 'baseline')
    report('lead `create()` loop, tracking off', '%d rows' % CREATE_ROWS,
           '%.1f s, %.0f rows/s' % (create_s, CREATE_ROWS / create_s), 'baseline')
    report('lead import wizard, .xlsx end to end (read, check, insert, chatter, '
           'followers, pipeline)', '%d rows' % ROWS,
           '%.1f s, %.0f rows/s (%.1fx `load()`)' % (import_s, import_rate, import_rate / load_rate),
           '< 180 s, >= 10x `load()`')


if __name__ == '__main__':
    main()
