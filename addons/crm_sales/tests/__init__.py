from . import test_sales_target
from . import test_visit_plan
from . import test_sales_visibility
