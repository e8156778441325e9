"""Fixtures of the credit-control tests: a 10 % sale tax, a second currency
worth half the company currency, and helpers setting the credit settings."""
from odoo import fields

from .common import ErpCase


class CreditCase(ErpCase):

    @classmethod
    def setUpClass(cls):
        super(CreditCase, cls).setUpClass()
        env = cls.env
        cls.company = env.user.company_id
        cls.tax = env['account.tax'].create({'name': 'VAT 10% (credit test)', 'amount': 10.0,
                                             'amount_type': 'percent', 'type_tax_use': 'sale'})
        # XTC: 2 XTC for 1 unit of the company currency, whatever its own rate
        company_rate = cls.company.currency_id.with_context(date=fields.Date.today()).rate or 1.0
        cls.xtc = env['res.currency'].create({'name': 'XTC', 'symbol': 'X', 'rounding': 0.01})
        env['res.currency.rate'].create({'currency_id': cls.xtc.id, 'name': '2000-01-01',
                                         'rate': 2.0 * company_rate, 'company_id': cls.company.id})
        cls.xtc_pricelist = env['product.pricelist'].create({'name': 'XTC prices', 'currency_id': cls.xtc.id})
        cls.set_params(active=True, days=30, controller=cls.controller)

    @classmethod
    def set_params(cls, active=True, days=30, controller=None):
        icp = cls.env['ir.config_parameter'].sudo()
        icp.set_param('crm_erp_bridge.credit_check_active', 'True' if active else 'False')
        icp.set_param('crm_erp_bridge.credit_overdue_days', str(days))
        icp.set_param('crm_erp_bridge.credit_controller_id', str(controller.id) if controller else '')

    @classmethod
    def quotation(cls, partner=None, qty=2.0, price=100.0, **values):
        """A quotation (not confirmed) with one line taxed 10 %."""
        vals = {'partner_id': (partner or cls.customer).id, 'user_id': cls.rep.id,
                'order_line': [(0, 0, {'product_id': cls.product.id, 'product_uom_qty': qty,
                                       'price_unit': price, 'tax_id': [(6, 0, cls.tax.ids)]})]}
        vals.update(values)
        return cls.env['sale.order'].create(vals)

    def figures(self, partner=None):
        partner = partner or self.customer
        return partner._crm_erp_credit_figures()[partner.id]
