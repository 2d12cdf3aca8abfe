"""`create_rentmanager_app`: Rent Manager 12's Web API as an ASGI app, and its route table."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pmsgate.emulators.rentmanager import api, control
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
    Route("/_control/faults", control.set_faults, methods=["POST"]),
    Route("/_control/limits", control.set_limits, methods=["POST"]),
    Route("/_control/reset", control.reset, methods=["POST"]),
    Route("/_control/expire-tokens", control.expire_tokens, methods=["POST"]),
    Route("/_control/state", control.state, methods=["GET"]),
]


async def _rm_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RMError)
    return exc.response()


async def _http_error(_request: Request, exc: Exception) -> Response:
    """An unknown route answers RM's bare `{"Message": …}`."""
    assert isinstance(exc, HTTPException)
    return rm_json(
        {"Message": f"No HTTP resource was found that matches the request ({exc.detail})."}, exc.status_code
    )


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
    app = Starlette(routes=ROUTES, exception_handlers={RMError: _rm_error, HTTPException: _http_error})
    app.state.store = store
    return app
