"""RENTVINE: Rentvine's manager API (`https://{companyId}.rentvine.com/api/manager`).

HTTP Basic auth with an API key and secret; reads properties, units, tenant contacts, leases
(with their tenants), the chart of accounts, ledger transactions (charges, credits as negative
charges, payments with allocations) and recurring charges; writes lease-anchored charges,
credits, payments and recurring charges (see `rules.py`, docs/vendors/rentvine.md). Rentvine has
no charge codes and no fees.
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.declared import register_vendor
from pmsgate.connectors.rentvine.connector import RentvineConnector
from pmsgate.connectors.rentvine.credentials import HOST, RentvineCredentials
from pmsgate.connectors.rentvine.rules import RENTVINE_RULES
from pmsgate.connectors.throttle import RequestBudget

# Rentvine publishes no rate limit; 5 requests a second is a conservative default that an
# integration's max_request_frequency/max_request_cadence overrides.
BUDGET = RequestBudget(5, 1)

# One host per account: https://{companyId}.rentvine.com/api/manager.
register_vendor(Vendor.RENTVINE, RentvineConnector, RentvineCredentials, RENTVINE_RULES, BUDGET, HOST.url)

__all__ = ["RentvineConnector"]
