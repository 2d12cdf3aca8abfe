"""BUILDIUM: Buildium's Open API v1 (https://api.buildium.com/v1), key-pair header auth.

Reads rentals, units, tenants, leases (+ residents-to-leases), GL accounts, lease ledgers
(charges, credits as negative charges, payments + allocations) and recurring charges. Buildium
has no charge codes (GL accounts play that part) and no fees: those models are not offered.
See docs/vendors/buildium.md.
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.buildium.connector import BuildiumConnector
from pmsgate.connectors.buildium.credentials import BuildiumCredentials
from pmsgate.connectors.buildium.rules import BUILDIUM_RULES
from pmsgate.connectors.buildium.streams import MODELS
from pmsgate.connectors.declared import register_vendor
from pmsgate.connectors.throttle import RequestBudget

BASE_URL = "https://api.buildium.com"
BUDGET = RequestBudget(10, 1)  # "10 concurrent requests per second"

register_vendor(Vendor.BUILDIUM, BuildiumConnector, BuildiumCredentials, BUILDIUM_RULES, BUDGET, BASE_URL)

__all__ = ["BASE_URL", "MODELS", "BuildiumConnector", "BuildiumCredentials"]
