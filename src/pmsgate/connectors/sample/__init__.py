"""SAMPLE1 and SAMPLE2: the demo vendors, both served by SamplePMS v2 (`pmsgate.emulators.sample`).

They differ in the credentials shape they accept (Propexo's `Sample1` and `Sample2`) and in how
they write: SAMPLE1 is lease-anchored and returns created ids, SAMPLE2 is resident-anchored and
does not return the ids of created charges and credits (see `rules.py`, docs/vendors/sample.md).
There is no public default URL: pmsgate supplies the embedded emulator's URL, or the
integration names a server.
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.declared import register_vendor
from pmsgate.connectors.sample.connector import SampleConnector
from pmsgate.connectors.sample.credentials import Sample1Credentials, Sample2Credentials
from pmsgate.connectors.sample.rules import SAMPLE1_RULES, SAMPLE2_RULES
from pmsgate.connectors.throttle import RequestBudget

_BUDGET = RequestBudget(20, 1)  # SamplePMS allows 20 requests a second

for vendor, credentials, rules in (
    (Vendor.SAMPLE1, Sample1Credentials, SAMPLE1_RULES),
    (Vendor.SAMPLE2, Sample2Credentials, SAMPLE2_RULES),
):
    register_vendor(vendor, SampleConnector, credentials, rules, _BUDGET)  # no public URL

__all__ = ["SampleConnector"]
