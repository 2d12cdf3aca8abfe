"""SamplePMS v2: the built-in emulated PMS behind the SAMPLE1/SAMPLE2 demo vendors.

Its native API is deliberately unlike pmsgate's (camelCase, US dates, Chicago-offset
timestamps, decimal-string money, base64 cursors, `{"fault": ...}` errors); see
docs/emulators/sample.md.
"""

from pmsgate.emulators.sample.app import create_sample_app
from pmsgate.emulators.sample.auth import SampleCredentials
from pmsgate.emulators.sample.store import SampleStore

__all__ = ["SampleCredentials", "SampleStore", "create_sample_app"]
