"""RESMAN: ResMan's classic partner API (https://api.myresman.com/{Area}/{Method}), form-encoded
POSTs carrying the partner's credentials, answered in ResMan's `Status` envelope (JSON or XML);
ledgers as MITS XML documents.

Reads properties, units, current residents and their leases (+ residents-to-leases), charge
codes, GL accounts, the MITS ledger (charges, concessions as negative charges, payments) and
recurring charges, property by property. Writes charges, payments and batches of charges as
partner transactions that ResMan holds pending until the property manager approves them.
See docs/vendors/resman.md (which shapes are inferred).
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.declared import register_vendor
from pmsgate.connectors.resman.connector import ResManConnector
from pmsgate.connectors.resman.credentials import ResManCredentials
from pmsgate.connectors.resman.rules import RESMAN_RULES
from pmsgate.connectors.resman.streams import MODELS
from pmsgate.connectors.throttle import RequestBudget

BASE_URL = "https://api.myresman.com"
# ResMan publishes no limit (partner docs are gated); 5 a second is our inferred, polite default.
BUDGET = RequestBudget(5, 1)

register_vendor(Vendor.RESMAN, ResManConnector, ResManCredentials, RESMAN_RULES, BUDGET, BASE_URL)

__all__ = ["BASE_URL", "MODELS", "ResManConnector", "ResManCredentials"]
