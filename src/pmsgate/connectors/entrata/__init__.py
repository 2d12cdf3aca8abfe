"""ENTRATA: Entrata's JSON-RPC API, `https://{companyId}.entrata.com/api/v1/{service}`.

API-key (or legacy HTTP Basic) auth, one POST per method call keyed on `method.name`, Entrata's
error envelope, Mountain Time dates, per-method rate limits read from its response headers.
Reads properties, units, customers, leases (+ residents-to-leases), AR codes, the chart of
accounts, lease ledgers, payments with allocations and scheduled charges; writes charges and
credits (sendLeaseArTransactions) and recurring charges (sendScheduledCharges); payments are not
supported (405), as at Propexo. See docs/vendors/entrata.md.
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.declared import register_vendor
from pmsgate.connectors.entrata.connector import EntrataConnector
from pmsgate.connectors.entrata.credentials import HOST, EntrataCredentials
from pmsgate.connectors.entrata.rules import ENTRATA_RULES
from pmsgate.connectors.entrata.streams import MODELS
from pmsgate.connectors.throttle import RequestBudget

# Entrata's limits differ per method and per client (e.g. 150/MINUTE;1000/HOUR;15000/DAY); this is
# the minute limit seen most, the response headers tighten it as they say.
BUDGET = RequestBudget(150, 60)

# One host per client: https://{companyId}.entrata.com/api/v1.
register_vendor(Vendor.ENTRATA, EntrataConnector, EntrataCredentials, ENTRATA_RULES, BUDGET, HOST.url)

__all__ = ["MODELS", "EntrataConnector", "EntrataCredentials"]
