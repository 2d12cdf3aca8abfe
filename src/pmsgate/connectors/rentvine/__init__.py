"""RENTVINE: Rentvine's manager API (`https://{companyId}.rentvine.com/api/manager`).

HTTP Basic auth with an API key and secret; reads properties, units, tenant contacts, leases
(with their tenants), the chart of accounts, ledger transactions (charges, credits as negative
charges, payments with allocations) and recurring charges; writes lease-anchored charges,
credits, payments and recurring charges (see `rules.py`, docs/vendors/rentvine.md). Rentvine has
no charge codes and no fees.
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.registry import VendorDefinition, register
from pmsgate.connectors.rentvine.connector import RentvineConnector
from pmsgate.connectors.rentvine.credentials import RentvineCredentials, public_url
from pmsgate.connectors.rentvine.rules import RENTVINE_RULES
from pmsgate.connectors.rentvine.streams import MODELS
from pmsgate.connectors.throttle import RequestBudget

# Rentvine publishes no rate limit; 5 requests a second is a conservative default that an
# integration's max_request_frequency/max_request_cadence overrides.
BUDGET = RequestBudget(5, 1)

register(
    VendorDefinition(
        vendor=Vendor.RENTVINE,
        credentials_model=RentvineCredentials,
        factory=RentvineConnector,
        default_base_url=public_url,  # https://{companyId}.rentvine.com/api/manager
        default_budget=BUDGET,
        models=MODELS | {Model.RESIDENTS_TO_LEASES},  # read with the leases' tenants
        write_rules=RENTVINE_RULES,
        docs="docs/vendors/rentvine.md",
    )
)

__all__ = ["RentvineConnector"]
