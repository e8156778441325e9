from unittest import skipIf

from odoo.tests.common import TransactionCase
from odoo.tools import config


@skipIf(config.get('without_demo'), 'needs the demo data')
class TestErpDemo(TransactionCase):
    """The demo story is there and tells it (installed with demo data)."""

    def test_bright_textiles_story(self):
        bright = self.env.ref('crm_service.res_partner_bright_textiles_demo', raise_if_not_found=False)
        if not bright:
            self.skipTest('no demo data')
        chen = self.env.ref('crm_service.res_partner_chen_jie_demo')
        # the contact shows the company's figures
        for partner in (bright, chen):
            self.assertGreaterEqual(partner.erp_delivery_late_count, 1)
            self.assertGreaterEqual(partner.erp_invoice_overdue_count, 1)
            self.assertGreaterEqual(partner.erp_quotation_count, 1)
            self.assertGreater(partner.erp_revenue, 0)
            self.assertTrue(partner.erp_last_email_date)
            self.assertTrue(partner.erp_last_call_date)
        summary = chen._crm_erp_360_summary()[bright.id]
        kinds = {row['kind'] for row in summary['timeline']}
        self.assertTrue(kinds & {'email', 'call', 'ticket'}, kinds)
        nordic = self.env.ref('crm_service.res_partner_nordic_home_demo')
        self.assertGreaterEqual(nordic.erp_delivery_open_count, 1)
        self.assertEqual(nordic.erp_delivery_late_count, 0)
        self.assertGreaterEqual(nordic.erp_invoice_open_count, 1)
        self.assertEqual(nordic.erp_invoice_overdue_count, 0)
