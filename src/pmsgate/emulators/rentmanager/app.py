"""`create_rentmanager_app`: Rent Manager 12's Web API as an ASGI app, and its route table."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from pmsgate.emulators.app import emulator_app
from pmsgate.emulators.rentmanager import api
from pmsgate.emulators.rentmanager.control import CONTROL
from pmsgate.emulators.rentmanager.seed import generate
from pmsgate.emulators.rentmanager.store import RATE_LIMIT_PER_MINUTE, RMLogin, RMStore
from pmsgate.emulators.rentmanager.wire import RMError, rm_json

# The demo login `pmsgate emulate rentmanager` prints; not a secret of any real system.
DEFAULT_LOGIN = RMLogin(username="apiuser", password="rm-demo-password", partner_token="rm-partner-token")  # noqa: S106

ROUTES = [
    Route("/Authentication/AuthorizeUser", api.authorize_user, methods=["POST"]),
    Route("/RecurringCharges/{record_id:int}", api.save_recurring, methods=["POST"]),
    Route("/{resource}", api.list_records, methods=["GET"]),
    Route("/{resource}", api.save_collection, methods=["POST"]),
    Route("/{resource}/{record_id:int}", api.get_record, methods=["GET"]),
    Route("/Tenants/{record_id:int}/{child}", api.tenant_children, methods=["GET"]),
]


def _unrouted(exc: HTTPException) -> Response:
    """An unknown route answers RM's bare `{"Message": …}`."""
    message = f"No HTTP resource was found that matches the request ({exc.detail})."
    return rm_json({"Message": message}, exc.status_code)


def create_rentmanager_app(
    *,
    records: int = 200,
    seed: int = 7,
    login: RMLogin = DEFAULT_LOGIN,
    requests_per_minute: int | None = RATE_LIMIT_PER_MINUTE,
) -> Starlette:
    """Rent Manager 12 with `records` tenants of deterministic data. State lives on
    `app.state.store` (an `RMStore`)."""
    store = RMStore(generate(records, seed), login=login, requests_per_minute=requests_per_minute)
    return emulator_app(ROUTES, store, CONTROL, error=RMError, unrouted=_unrouted)
