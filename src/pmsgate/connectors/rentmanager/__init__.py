"""RENTMANAGER: Rent Manager 12's Web API (WAPI), `https://{companyId}.api.rentmanager.com`.

Token login (user or partner token), RQL-filtered paged reads of every billing model RM has
(no fees), resident-anchored Save writes including batch charges. See docs/vendors/rentmanager.md.
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.registry import VendorDefinition, register
from pmsgate.connectors.rentmanager.connector import RentManagerConnector
from pmsgate.connectors.rentmanager.credentials import RentManagerCredentials, public_url
from pmsgate.connectors.rentmanager.rules import WRITE_RULES
from pmsgate.connectors.rentmanager.streams import MODELS
from pmsgate.connectors.throttle import RequestBudget

register(
    VendorDefinition(
        vendor=Vendor.RENTMANAGER,
        credentials_model=RentManagerCredentials,
        factory=RentManagerConnector,
        # One host per company: https://{companyId}.api.rentmanager.com.
        default_base_url=public_url,
        models=MODELS,
        default_budget=RequestBudget(500, 60),  # 500 requests per rolling minute per company
        write_rules=WRITE_RULES,
        docs="docs/vendors/rentmanager.md",
    )
)

__all__ = ["RentManagerConnector", "RentManagerCredentials"]
