"""The credit-control demo story, built with the ORM so that its dates are
relative to the day the database is created:

* Agrolait has a credit limit of 20,000 and an invoice 15 days overdue
  (below the 30-day threshold: not on hold);
* China Export (limit 5,000) is on credit hold: an invoice of 3,200 is
  70 days overdue (and Odoo's demo orders exceed its limit); its new
  quotation shows why it cannot be confirmed;
* Delta PC has a quotation of 9,000 above its limit of 5,000; Wang Fang, the
  credit controller, granted an exception for it (a bank guarantee);
* Camptocamp has a limit of 15,000 with room left.
"""
import datetime

from odoo import fields

DONE_PARAM = 'crm_erp_bridge.credit_demo_done'
DEMO_LIMITS = [('base.res_partner_2', 20000.0), ('base.res_partner_3', 5000.0),
               ('base.res_partner_4', 5000.0), ('base.res_partner_12', 15000.0)]


def _demo_invoice(env, partner, amount, days_ago, term_days, name):
    account = env['account.account'].search(
        [('user_type_id', '=', env.ref('account.data_account_type_revenue').id),
         ('company_id', '=', env.user.company_id.id)], limit=1)
    if not account:
        return env['account.invoice']
    today = datetime.date.today()
    invoice = env['account.invoice'].create({
        'partner_id': partner.id, 'type': 'out_invoice',
        'date_invoice': fields.Date.to_string(today - datetime.timedelta(days=days_ago)),
        'date_due': fields.Date.to_string(today - datetime.timedelta(days=days_ago - term_days)),
        'invoice_line_ids': [(0, 0, {'name': name, 'quantity': 1, 'price_unit': amount,
                                     'account_id': account.id})],
    })
    invoice.action_invoice_open()
    return invoice


def _demo_quotation(env, partner, product, qty, price, note):
    return env['sale.order'].create({
        'partner_id': partner.id, 'note': note,
        'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': qty, 'price_unit': price,
                               'tax_id': [(6, 0, [])]})],
    })


def build_credit_demo(env):
    """Once per database (the demo file is loaded again on every update)."""
    icp = env['ir.config_parameter'].sudo()
    if icp.get_param(DONE_PARAM):
        return False
    refs = dict((xmlid, env.ref(xmlid, raise_if_not_found=False)) for xmlid, _limit in DEMO_LIMITS)
    if not all(refs.values()):
        return False
    icp.set_param(DONE_PARAM, fields.Date.context_today(env['res.partner']))
    for xmlid, limit in DEMO_LIMITS:
        refs[xmlid].write({'credit_limit': limit})
    _demo_invoice(env, refs['base.res_partner_2'], 4500.0, 45, 30, 'Office chairs (demo)')
    _demo_invoice(env, refs['base.res_partner_3'], 3200.0, 100, 30, 'Conference tables (demo)')
    controller = env.ref('crm_erp_bridge.res_users_credit_controller_demo', raise_if_not_found=False)
    product = env.ref('product.product_product_4', raise_if_not_found=False)
    if not (controller and product):
        return True
    _demo_quotation(env, refs['base.res_partner_3'], product, 4, 750.0,
                    'Demo: the customer is on credit hold, confirming is refused.')
    order = _demo_quotation(env, refs['base.res_partner_4'], product, 12, 750.0,
                            'Demo: above the credit limit, confirmed with an exception.')
    env['crm.erp.credit.exception'].sudo(controller)._crm_erp_grant(
        order.sudo(controller), 'Bank guarantee of 10,000 received from the customer\'s bank (demo).',
        amount_cap=10000.0)
    return True
