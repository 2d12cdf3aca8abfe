"""`create_propertyware_app`: Propertyware's REST Open API (the parts pmsgate uses) as an ASGI
app under `/pw/api/rest/v1`, plus the unauthenticated `/_control` endpoints."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Mount, Route

from pmsgate.emulators.app import emulator_app
from pmsgate.emulators.propertyware import api, writes
from pmsgate.emulators.propertyware.control import CONTROL
from pmsgate.emulators.propertyware.seed import generate
from pmsgate.emulators.propertyware.store import DEFAULT_KEY, ApiKey, PwStore
from pmsgate.emulators.propertyware.wire import PwError

BASE_PATH = "/pw/api/rest/v1"
_LISTS = {
    "/portfolios": "portfolios",
    "/buildings": "buildings",
    "/units": "units",
    "/contacts": "contacts",
    "/leases": "leases",
    "/accounting/glaccounts": "glaccounts",
    "/leases/charges": "charges",
    "/leases/creditmemos": "creditmemos",
    "/leases/adjustments": "adjustments",
    "/leases/payments": "payments",
    "/leases/autocharges": "autocharges",
}
_WRITES = [
    Route("/leases/charges", writes.creator("charges", writes.save_charge), methods=["POST"]),
    Route("/leases/charges/bulk", writes.create_charges_bulk, methods=["POST"]),
    Route("/leases/adjustments", writes.creator("adjustments", writes.save_adjustment), methods=["POST"]),
    Route("/leases/payments", writes.creator("payments", writes.save_payment), methods=["POST"]),
    Route("/leases/autocharges", writes.create_autocharges, methods=["POST"]),
]
API_ROUTES = [
    Route("/health", api.health, methods=["GET"]),
    *_WRITES,
    *(Route(path, api.lister(name), methods=["GET"]) for path, name in _LISTS.items()),
    Route("/leases/{lease_id:int}", api.get_lease, methods=["GET"]),
]
ROUTES = [Mount(BASE_PATH, routes=API_ROUTES)]
_HTTP_MESSAGES = {404: "Entity not found.", 405: "Method not allowed."}


def _unrouted(exc: HTTPException) -> Response:
    """Unrouted paths and methods answer in the vendor's ErrorResponse shape too."""
    return PwError(exc.status_code, _HTTP_MESSAGES.get(exc.status_code, str(exc.detail))).response()


def create_propertyware_app(
    *, records: int = 200, seed: int = 7, key: ApiKey = DEFAULT_KEY, requests_per_second: float | None = None
) -> Starlette:
    """Propertyware with `records` tenants of deterministic data, accepting only `key`. State
    lives on `app.state.store` (a `PwStore`)."""
    data, last_id = generate(records, seed)
    store = PwStore(data, last_id, key=key, requests_per_second=requests_per_second)
    return emulator_app(ROUTES, store, CONTROL, error=PwError, unrouted=_unrouted)
