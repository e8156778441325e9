"""Customer 360: opening a big customer's form, as the web client does.

Data (made here by set-based SQL, deleted afterwards): one customer company
(with a contact) with 5,000 sales orders, 5,000 outgoing deliveries (4,500
done, 400 open, 100 late) and 5,000 invoices with 4 lines each (20,000
invoice lines; 4,000 paid, 1,000 open of which 300 overdue); all of them the
rep's, so the rep sees everything through the record rules.

Load: Odoo with 2 workers on loopback, one client at a time; an "open" is
the JSON-RPC read of every field of the partner form (the 360 figures
included) followed by the first page (80 rows) of the customer's timeline
(search_read plus its count, as the list view asks). 20 opens as the rep
(record rules and the timeline's per-source visibility apply) and 20 as
admin (no rules). Target: p95 < 500 ms.
"""
import itertools
import time

from common import DB, login, odoo_env, odoo_server, report, summary

ORDERS, PICKINGS, INVOICES, LINES_PER_INVOICE = 5000, 5000, 5000, 4
OPENS = 20
LOGIN = 'bench.erp360.rep'
TAG = 'bench-erp360'


def clone(cr, table, template_id, count, overrides, params):
    """`count` copies of row `template_id` of `table`, with `overrides`
    ({column: SQL expression of g, 1..count}); returns the new ids in order.
    Tables, columns and expressions are this script's code; values go in
    `params`."""
    cr.execute("""SELECT column_name FROM information_schema.columns
                   WHERE table_name = %s AND column_name <> 'id'""", (table,))
    columns = [row[0] for row in cr.fetchall() if row[0] not in overrides]
    names = ', '.join('"%s"' % c for c in columns + list(overrides))
    values = ', '.join(['t."%s"' % c for c in columns] + list(overrides.values()))
    cr.execute('INSERT INTO ' + table + ' (' + names + ') SELECT ' + values + ' FROM ' + table +
               ' t, generate_series(1, %(count)s) g WHERE t.id = %(template)s ORDER BY g RETURNING id',
               dict(params, count=count, template=template_id))
    return [row[0] for row in cr.fetchall()]


def make_data(odoo):
    with odoo.api.Environment.manage():
        with odoo.registry(DB).cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            rep = env['res.users'].with_context(no_reset_password=True).create({
                'name': '%s rep' % TAG, 'login': LOGIN, 'password': LOGIN,
                'groups_id': [(6, 0, [env.ref('base.group_user').id,
                                      env.ref('crm_sales.group_sales_rep').id])]})
            company = env['res.partner'].create({'name': '%s customer' % TAG, 'is_company': True,
                                                 'customer': True, 'user_id': rep.id})
            contact = env['res.partner'].create({'name': '%s contact' % TAG, 'parent_id': company.id})
            product = env['product.product'].create({'name': '%s product' % TAG, 'type': 'product'})
            order = env['sale.order'].create({'partner_id': company.id, 'user_id': rep.id, 'order_line': [
                (0, 0, {'product_id': product.id, 'product_uom_qty': 1, 'price_unit': 100})]})
            out_type = env['stock.warehouse'].search([('company_id', '=', env.user.company_id.id)],
                                                     limit=1).out_type_id
            picking = env['stock.picking'].create({
                'partner_id': contact.id, 'picking_type_id': out_type.id,
                'location_id': out_type.default_location_src_id.id,
                'location_dest_id': env.ref('stock.stock_location_customers').id})
            account = env['account.account'].search(
                [('user_type_id', '=', env.ref('account.data_account_type_revenue').id)], limit=1)
            invoice = env['account.invoice'].create({
                'partner_id': company.id, 'type': 'out_invoice', 'user_id': rep.id,
                'invoice_line_ids': [(0, 0, {'name': 'bench', 'quantity': 1, 'price_unit': 250,
                                             'account_id': account.id})]})
            p = {'tag': TAG, 'company': company.id, 'contact': contact.id, 'rep': rep.id}
            # orders g: confirmed over the last 5,000 hours, every other one the contact's
            orders = clone(cr, 'sale_order', order.id, ORDERS, {
                'name': "%(tag)s || '-SO' || g", 'state': "'sale'",
                'partner_id': 'CASE WHEN g %% 2 = 0 THEN %(contact)s ELSE %(company)s END',
                'date_order': "now() at time zone 'utc' - (g || ' hours')::interval",
                'confirmation_date': "now() at time zone 'utc' - (g || ' hours')::interval",
                'amount_untaxed': '100 + g %% 50', 'amount_total': '115 + g %% 50'}, p)
            p['orders'] = orders
            pickings = clone(cr, 'stock_picking', picking.id, PICKINGS, {
                'name': "%(tag)s || '-OUT' || g", 'sale_id': '(%(orders)s::int[])[g]',
                'state': "CASE WHEN g <= 500 THEN 'assigned' ELSE 'done' END",
                'scheduled_date': "now() at time zone 'utc' + CASE WHEN g <= 100 THEN interval '-2 days' "
                                  "ELSE (g || ' hours')::interval END",
                'date_done': "CASE WHEN g > 500 THEN now() at time zone 'utc' "
                             "- (g || ' hours')::interval END"}, p)
            invoices = clone(cr, 'account_invoice', invoice.id, INVOICES, {
                'number': "%(tag)s || '-INV' || g",
                'state': "CASE WHEN g <= 1000 THEN 'open' ELSE 'paid' END",
                'date_invoice': "(now() - (g || ' hours')::interval)::date",
                'date_due': "(now() - (g || ' hours')::interval)::date + CASE WHEN g <= 300 THEN -1 "
                            "WHEN g <= 1000 THEN 400 ELSE 30 END",
                'amount_untaxed': '1000', 'amount_untaxed_signed': '1000', 'amount_total': '1000',
                'amount_total_signed': '1000', 'amount_total_company_signed': '1000',
                'residual': 'CASE WHEN g <= 1000 THEN 1000 ELSE 0 END',
                'residual_signed': 'CASE WHEN g <= 1000 THEN 1000 ELSE 0 END',
                'residual_company_signed': 'CASE WHEN g <= 1000 THEN 1000 ELSE 0 END'}, p)
            p['invoices'] = invoices
            # the templates themselves must not count: a draft transfer is an open one
            cr.execute("UPDATE stock_picking SET state = 'cancel' WHERE id = %s", (picking.id,))
            template_line = invoice.invoice_line_ids.id
            cr.execute("""SELECT column_name FROM information_schema.columns
                           WHERE table_name = 'account_invoice_line'
                             AND column_name NOT IN ('id', 'invoice_id')""")
            columns = ', '.join('"%s"' % row[0] for row in cr.fetchall())
            cr.execute('INSERT INTO account_invoice_line (invoice_id, ' + columns + ') SELECT i, ' + columns +
                       ' FROM account_invoice_line, unnest(%s::int[]) i, generate_series(1, %s) k'
                       ' WHERE account_invoice_line.id = %s RETURNING id',
                       (invoices, LINES_PER_INVOICE, template_line))
            lines = [row[0] for row in cr.fetchall()]
            for table in ('sale_order', 'stock_picking', 'account_invoice', 'account_invoice_line'):
                cr.execute('ANALYZE ' + table)
            cr.commit()
            return {'rep': rep.id, 'partners': [contact.id, company.id], 'product': product.id,
                    'orders': orders, 'pickings': pickings, 'invoices': invoices, 'lines': lines,
                    'templates': {'sale.order': order.id, 'stock.picking': picking.id,
                                  'account.invoice': invoice.id}}


def drop_data(odoo, made):
    with odoo.api.Environment.manage():
        with odoo.registry(DB).cursor() as cr:
            cr.execute('DELETE FROM account_invoice_line WHERE id = ANY(%s)', (made['lines'],))
            cr.execute('DELETE FROM account_invoice WHERE id = ANY(%s)', (made['invoices'],))
            cr.execute('DELETE FROM stock_picking WHERE id = ANY(%s)', (made['pickings'],))
            cr.execute('DELETE FROM sale_order WHERE id = ANY(%s)', (made['orders'],))
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            for model, res_id in made['templates'].items():
                env[model].browse(res_id).unlink()
            env['product.product'].browse(made['product']).unlink()
            env['res.users'].browse(made['rep']).unlink()
            cr.execute('DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)',
                       ('res.partner', made['partners']))
            cr.execute('DELETE FROM res_partner WHERE id = ANY(%s)', (made['partners'][::-1],))
            cr.commit()


def rpc(session, url, route, params):
    res = session.post(url + route, json={'jsonrpc': '2.0', 'method': 'call', 'params': params}, timeout=60)
    res.raise_for_status()
    body = res.json()
    if 'error' in body:
        raise RuntimeError(body['error'])
    return body['result']


def call_kw(session, url, model, method, args, kwargs=None):
    return rpc(session, url, '/web/dataset/call_kw/%s/%s' % (model, method),
               {'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}})


def open_customer(session, url, partner_id, form_fields, list_fields):
    """The requests of the web client opening the form, then the timeline."""
    started = time.perf_counter()
    record = call_kw(session, url, 'res.partner', 'read', [[partner_id], form_fields],
                     {'context': {'bin_size': True}})[0]
    form = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    page = rpc(session, url, '/web/dataset/search_read', {
        'model': 'crm.erp.timeline', 'fields': list_fields, 'domain': [('partner_id', '=', partner_id)],
        'limit': 80, 'sort': 'date DESC, id DESC', 'context': {}})
    timeline = (time.perf_counter() - started) * 1000
    return record, page, form, timeline


def measure(url, login_name, password, partner_id):
    session = login(url, login_name, password)
    views = call_kw(session, url, 'res.partner', 'fields_view_get', [], {'view_type': 'form'})
    form_fields = sorted(views['fields'])
    list_view = call_kw(session, url, 'crm.erp.timeline', 'fields_view_get', [], {'view_type': 'tree'})
    list_fields = sorted(list_view['fields'])
    record, page, _f, _t = open_customer(session, url, partner_id, form_fields, list_fields)   # warm-up
    assert 'erp_invoice_overdue_count' in form_fields, 'the 360 fields are not on the form'
    assert record['erp_order_count'] == ORDERS, record['erp_order_count']
    assert record['erp_delivery_late_count'] == 100, record['erp_delivery_late_count']
    assert record['erp_invoice_overdue_count'] == 300, record['erp_invoice_overdue_count']
    assert len(page['records']) == 80 and page['length'] >= ORDERS + PICKINGS + INVOICES, page['length']
    totals, forms, timelines, odoo_own = [], [], [], []
    own_fields = [name for name in form_fields if not name.startswith('erp_')]
    for _i in range(OPENS):
        _r, _p, form, timeline = open_customer(session, url, partner_id, form_fields, list_fields)
        forms.append(form)
        timelines.append(timeline)
        totals.append(form + timeline)
        # the baseline, in turn with the measure: the same form without the 360 fields
        started = time.perf_counter()
        call_kw(session, url, 'res.partner', 'read', [[partner_id], own_fields],
                {'context': {'bin_size': True}})
        odoo_own.append((time.perf_counter() - started) * 1000)
    return len(form_fields), summary(totals), summary(forms), summary(timelines), summary(odoo_own)


def main():
    odoo = odoo_env()
    made = make_data(odoo)
    try:
        size = ('1 customer: %d orders, %d deliveries, %d invoices / %d invoice lines; %d opens, one client'
                % (ORDERS, PICKINGS, INVOICES, INVOICES * LINES_PER_INVOICE, OPENS))
        with odoo_server(workers=2) as url:
            company = made['partners'][1]
            for who, (name, password) in zip(('rep (rules apply)', 'admin'),
                                             itertools.chain([(LOGIN, LOGIN), ('admin', 'admin')])):
                nfields, total, form, timeline, own = measure(url, name, password, company)
                report('Customer 360: open a customer (form read of %d fields + timeline page), as %s'
                       % (nfields, who), size,
                       'p50 %s ms, p95 %s ms (form p50 %s, timeline p50 %s ms; the form without the '
                       '360 fields, Odoo alone: p50 %s ms)' % (
                           total['p50_ms'], total['p95_ms'], form['p50_ms'], timeline['p50_ms'],
                           own['p50_ms']), 'p95 < 500 ms')
    finally:
        drop_data(odoo, made)


if __name__ == '__main__':
    main()
