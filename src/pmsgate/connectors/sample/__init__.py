"""SAMPLE1 and SAMPLE2: the demo vendors, both served by SamplePMS v2 (`pmsgate.emulators.sample`).

They differ only in the credentials shape they accept (Propexo's `Sample1` and `Sample2`).
There is no public default URL: pmsgate supplies the embedded emulator's URL, or the
integration names a server.
"""

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.registry import VendorDefinition, register
from pmsgate.connectors.sample.connector import SampleConnector
from pmsgate.connectors.sample.credentials import Sample1Credentials, Sample2Credentials

_DOCS = "docs/emulators/sample.md"

register(
    VendorDefinition(
        vendor=Vendor.SAMPLE1,
        credentials_model=Sample1Credentials,
        factory=SampleConnector,
        default_base_url=None,
        docs=_DOCS,
    )
)
register(
    VendorDefinition(
        vendor=Vendor.SAMPLE2,
        credentials_model=Sample2Credentials,
        factory=SampleConnector,
        default_base_url=None,
        docs=_DOCS,
    )
)

__all__ = ["SampleConnector"]
