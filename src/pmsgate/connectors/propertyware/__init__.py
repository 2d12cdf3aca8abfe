"""PROPERTYWARE_REST: Propertyware's REST "Open API" (a RealPage company).

Buildings are properties; tenants are contacts of type TENANT; GL accounts play the part of
charge codes (there are none) and are the financial accounts; lease charges, credit memos and
adjustments are resident charges; auto charges are recurring charges. No fees. Writes are
Propertyware BETA features the customer must opt in to (see docs/vendors/propertyware.md).
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.declared import register_vendor
from pmsgate.connectors.propertyware.connector import DEFAULT_BASE_URL, PropertywareConnector
from pmsgate.connectors.propertyware.credentials import PropertywareRestCredentials
from pmsgate.connectors.propertyware.rules import PROPERTYWARE_REST_RULES
from pmsgate.connectors.throttle import RequestBudget

# The spec documents 429s but no numbers; a draft section (commented out, "FUTURE") says 10
# requests a second. Half of that leaves room for the customer's other API clients on the key.
DEFAULT_BUDGET = RequestBudget(5, 1)

register_vendor(
    Vendor.PROPERTYWARE_REST,
    PropertywareConnector,
    PropertywareRestCredentials,
    PROPERTYWARE_REST_RULES,
    DEFAULT_BUDGET,
    DEFAULT_BASE_URL,
)

__all__ = ["DEFAULT_BUDGET", "PropertywareConnector", "PropertywareRestCredentials"]
