"""YARDI: Yardi Voyager's SOAP "Standard Interfaces" (Billing & Payments, System Batch, Common
Data), one ASMX endpoint per interface under the client's Voyager URL.

Reads properties, units, residents and leases (+ residents-to-leases), charge codes, GL
accounts, resident charges and payments (MITS resident transactions, 31-day windows) and
recurring lease charges. Yardi's resident transactions do not say which charge a payment paid,
so there are no allocations; Yardi has no fees model here. Writes charges, receipts and charge
batches. See docs/vendors/yardi.md.
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.declared import register_vendor
from pmsgate.connectors.throttle import RequestBudget
from pmsgate.connectors.yardi.connector import YardiConnector
from pmsgate.connectors.yardi.credentials import YardiCredentials
from pmsgate.connectors.yardi.rules import YARDI_RULES
from pmsgate.connectors.yardi.streams import MODELS

# Yardi publishes no request limit (Common Data's GetRateLimits is per client); 10 a second keeps
# a sync polite to a client's own Voyager server.
BUDGET = RequestBudget(10, 1)

# No public URL: each client runs its own Voyager server.
register_vendor(Vendor.YARDI, YardiConnector, YardiCredentials, YARDI_RULES, BUDGET)

__all__ = ["MODELS", "YardiConnector", "YardiCredentials"]
