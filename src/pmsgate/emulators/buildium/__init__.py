"""An emulator of Buildium's Open API v1: key-pair header auth, limit/offset pages with
X-Total-Count, lastupdatedfrom / transactiondatefrom filters, 10 requests a second, lease-ledger
writes, ApiErrorResponse bodies and the shared faults behind /_control."""

from pmsgate.emulators.buildium.app import DEFAULT_KEY, create_buildium_app
from pmsgate.emulators.buildium.store import ApiKey, BuildiumStore

__all__ = ["DEFAULT_KEY", "ApiKey", "BuildiumStore", "create_buildium_app"]
