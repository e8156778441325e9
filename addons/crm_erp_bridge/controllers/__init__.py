from . import portal_order
