from . import api
from . import portal_order
