from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase
from odoo.tools.safe_eval import safe_eval

from tests.common import create_user


class TestServiceRoles(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestServiceRoles, cls).setUpClass()
        cls.agent = create_user(cls.env, 'test_agent', ['crm_service.group_service_agent'])
        cls.manager = create_user(cls.env, 'test_service_manager', ['crm_service.group_service_manager'])
        cls.technician = create_user(cls.env, 'test_technician', ['crm_service.group_field_technician'])
        cls.calendar = cls.env['resource.calendar'].create({'name': 'Service desk hours'})

    def test_manager_holds_every_service_role(self):
        self.assertTrue(self.manager.has_group('crm_service.group_service_agent'))
        self.assertTrue(self.manager.has_group('crm_service.group_field_technician'))
        self.assertFalse(self.agent.has_group('crm_service.group_field_technician'))
        self.assertFalse(self.technician.has_group('crm_service.group_service_agent'))

    def test_agent_creates_customers_technician_does_not(self):
        customer = self.env['res.partner'].sudo(self.agent).create({'name': 'Walk-in customer'})
        self.assertTrue(customer.customer)
        with self.assertRaises(AccessError):
            self.env['res.partner'].sudo(self.technician).create({'name': 'Not allowed'})

    def test_only_manager_edits_working_hours(self):
        self.calendar.sudo(self.manager).write({'name': 'Service desk 8-18'})
        self.assertEqual(self.calendar.name, 'Service desk 8-18')
        with self.assertRaises(AccessError):
            self.calendar.sudo(self.agent).write({'name': 'Longer hours'})
        self.assertEqual(self.calendar.name, 'Service desk 8-18')

    def test_customers_action_lists_customers_only(self):
        action = self.env.ref('crm_service.res_partner_action_service')
        vendor = self.env['res.partner'].create({'name': 'Vendor', 'customer': False, 'supplier': True})
        customer = self.env['res.partner'].create({'name': 'Customer', 'customer': True})
        found = self.env['res.partner'].sudo(self.agent).search(safe_eval(action.domain))
        self.assertIn(customer, found)
        self.assertNotIn(vendor, found)
