"""PROPERTYWARE_REST: Propertyware's REST "Open API" (a RealPage company).

Buildings are properties; tenants are contacts of type TENANT; GL accounts play the part of
charge codes (there are none) and are the financial accounts; lease charges, credit memos and
adjustments are resident charges; auto charges are recurring charges. No fees. Writes are
Propertyware BETA features the customer must opt in to (see docs/vendors/propertyware.md).
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.propertyware.connector import DEFAULT_BASE_URL, PropertywareConnector
from pmsgate.connectors.propertyware.credentials import PropertywareRestCredentials
from pmsgate.connectors.propertyware.rules import PROPERTYWARE_REST_RULES
from pmsgate.connectors.propertyware.streams import MODELS
from pmsgate.connectors.registry import VendorDefinition, register
from pmsgate.connectors.throttle import RequestBudget

# The spec documents 429s but no numbers; a draft section (commented out, "FUTURE") says 10
# requests a second. Half of that leaves room for the customer's other API clients on the key.
DEFAULT_BUDGET = RequestBudget(5, 1)

register(
    VendorDefinition(
        vendor=Vendor.PROPERTYWARE_REST,
        credentials_model=PropertywareRestCredentials,
        factory=PropertywareConnector,
        default_base_url=lambda _credentials: DEFAULT_BASE_URL,
        default_budget=DEFAULT_BUDGET,
        models=MODELS,
        write_rules=PROPERTYWARE_REST_RULES,
        docs="docs/vendors/propertyware.md",
    )
)

__all__ = ["DEFAULT_BUDGET", "PropertywareConnector", "PropertywareRestCredentials"]
