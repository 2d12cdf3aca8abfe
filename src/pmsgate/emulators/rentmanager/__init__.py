"""An emulator of Rent Manager 12's Web API (WAPI): token login, RQL filters, paged lists,
Save writes with hard-close 412 and concurrency 409, the per-company rate limit and faults."""

from pmsgate.emulators.rentmanager.app import DEFAULT_LOGIN, create_rentmanager_app
from pmsgate.emulators.rentmanager.store import RMLogin, RMStore

__all__ = ["DEFAULT_LOGIN", "RMLogin", "RMStore", "create_rentmanager_app"]
