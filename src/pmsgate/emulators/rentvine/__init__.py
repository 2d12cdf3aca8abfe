"""Rentvine's manager API (`https://{account}.rentvine.com/api/manager`) as an ASGI app.

HTTP Basic auth (API key : secret), `page`/`pageSize` paging over bare JSON arrays of
entity-wrapped rows (`[{"lease": {...}, "balances": {...}}]`), `dateTimeModifiedMin/Max` on the
exports, `datePostedMin/Max` on transaction search, POST for every write including updates.
Where Rentvine's behaviour is not public the choices are listed in docs/vendors/rentvine.md.
"""

from pmsgate.emulators.rentvine.app import create_rentvine_app
from pmsgate.emulators.rentvine.store import RentvineLogin, RentvineStore

__all__ = ["RentvineLogin", "RentvineStore", "create_rentvine_app"]
