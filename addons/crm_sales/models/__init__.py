from . import crm_lead
from . import res_users
from . import crm_sales_assignment_rule
from . import crm_team
from . import crm_lead_assignment
from . import crm_sales_score_criterion
from . import crm_sales_score_model
from . import crm_lead_score
