"""`create_buildium_app`: Buildium's Open API v1 (the part pmsgate and public Buildium clients
read, and the lease writes pmsgate makes) as an ASGI app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from pmsgate.emulators.app import emulator_app
from pmsgate.emulators.buildium import api, writes
from pmsgate.emulators.buildium.control import CONTROL
from pmsgate.emulators.buildium.seed import generate
from pmsgate.emulators.buildium.store import ApiKey, BuildiumError, BuildiumStore

DEFAULT_KEY = ApiKey("pmsgate-emulator", "buildium-emulator-secret")
_LEASE = "/v1/leases/{lease_id:int}"

ROUTES = [
    Route("/v1/rentals", api.list_of("rentals"), methods=["GET"]),
    Route("/v1/rentals/units", api.list_of("units"), methods=["GET"]),
    Route("/v1/rentals/units/{unit_id:int}", api.one_of("units", "unit_id"), methods=["GET"]),
    Route("/v1/rentals/{property_id:int}", api.one_of("rentals", "property_id"), methods=["GET"]),
    Route("/v1/leases/tenants", api.list_of("tenants"), methods=["GET"]),
    Route("/v1/leases/tenants/{tenant_id:int}", api.one_of("tenants", "tenant_id"), methods=["GET"]),
    Route("/v1/leases/recurringtransactions", api.list_of("recurring"), methods=["GET"]),
    Route("/v1/leases/outstandingbalances", api.outstanding_balances, methods=["GET"]),
    Route("/v1/leases", api.list_of("leases"), methods=["GET"]),
    Route(_LEASE, api.one_of("leases", "lease_id"), methods=["GET"]),
    Route("/v1/glaccounts", api.list_of("glaccounts"), methods=["GET"]),
    Route("/v1/glaccounts/{account_id:int}", api.one_of("glaccounts", "account_id"), methods=["GET"]),
    Route("/v1/generalledger/transactions", api.general_ledger, methods=["GET"]),
    Route(f"{_LEASE}/transactions", api.lease_transactions, methods=["GET"]),
    Route(f"{_LEASE}/charges", api.lease_charges, methods=["GET"]),
    Route(f"{_LEASE}/recurringtransactions", api.lease_recurring, methods=["GET"]),
    Route(f"{_LEASE}/transactions/{{record_id:int}}", api.lease_transaction, methods=["GET"]),
    Route(f"{_LEASE}/recurringcharges/{{record_id:int}}", api.recurring_charge, methods=["GET"]),
    Route(f"{_LEASE}/charges", api.creator(writes.post_charge), methods=["POST"]),
    Route(f"{_LEASE}/credits", api.creator(writes.post_credit), methods=["POST"]),
    Route(f"{_LEASE}/payments", api.creator(writes.post_payment), methods=["POST"]),
    Route(f"{_LEASE}/recurringcharges", api.creator(writes.post_recurring_charge), methods=["POST"]),
]
_CODES = {404: "NotFound", 405: "MethodNotAllowed"}


def _unrouted(exc: HTTPException) -> Response:
    """Unrouted paths (Buildium's are case-sensitive) answer in its error shape too."""
    code = _CODES.get(exc.status_code, "InvalidRequest")
    return BuildiumError(exc.status_code, code, str(exc.detail)).response()


def create_buildium_app(
    *, records: int = 200, seed: int = 7, key: ApiKey = DEFAULT_KEY, requests_per_second: float | None = 10
) -> Starlette:
    """Buildium with about `records` tenants of deterministic data, accepting only `key`, and
    limiting to Buildium's 10 requests a second (None: unlimited). State: `app.state.store`."""
    store = BuildiumStore(generate(records, seed), key, requests_per_second)
    return emulator_app(ROUTES, store, CONTROL, error=BuildiumError, unrouted=_unrouted)
