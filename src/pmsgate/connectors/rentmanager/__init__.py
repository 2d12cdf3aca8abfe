"""RENTMANAGER: Rent Manager 12's Web API (WAPI), `https://{companyId}.api.rentmanager.com`.

Token login (user or partner token), RQL-filtered paged reads of every billing model RM has
(no fees), resident-anchored Save writes including batch charges. See docs/vendors/rentmanager.md.
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.declared import register_vendor
from pmsgate.connectors.rentmanager.connector import RentManagerConnector
from pmsgate.connectors.rentmanager.credentials import HOST, RentManagerCredentials
from pmsgate.connectors.rentmanager.rules import WRITE_RULES
from pmsgate.connectors.throttle import RequestBudget

BUDGET = RequestBudget(500, 60)  # 500 requests per rolling minute per company

# One host per company: https://{companyId}.api.rentmanager.com.
register_vendor(
    Vendor.RENTMANAGER, RentManagerConnector, RentManagerCredentials, WRITE_RULES, BUDGET, HOST.url
)

__all__ = ["RentManagerConnector", "RentManagerCredentials"]
