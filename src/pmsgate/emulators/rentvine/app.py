"""`create_rentvine_app`: Rentvine's manager API as an ASGI app, and its route table."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from pmsgate.emulators.app import emulator_app
from pmsgate.emulators.rentvine import api, browse, writes
from pmsgate.emulators.rentvine.control import CONTROL
from pmsgate.emulators.rentvine.seed import generate
from pmsgate.emulators.rentvine.store import RentvineLogin, RentvineStore
from pmsgate.emulators.rentvine.wire import RentvineError

BASE_PATH = "/api/manager"
_LEASE = BASE_PATH + "/leases/{lease_id:int}"
_LEDGER = BASE_PATH + "/accounting/leases/{lease_id:int}"

ROUTES = [
    # What public clients browse (get-by-id, nested units, portfolios, ledgers).
    Route(f"{BASE_PATH}/properties", api.properties, methods=["GET"]),
    Route(f"{BASE_PATH}/properties/{{property_id:int}}", browse.property_one, methods=["GET"]),
    Route(f"{BASE_PATH}/properties/{{property_id:int}}/units", browse.property_units, methods=["GET"]),
    Route(f"{BASE_PATH}/leases", api.leases, methods=["GET"]),
    Route(f"{BASE_PATH}/leases/{{lease_id:int}}", browse.lease_one, methods=["GET"]),
    Route(f"{BASE_PATH}/tenants", api.tenants, methods=["GET"]),
    Route(f"{BASE_PATH}/portfolios", browse.portfolios, methods=["GET"]),
    Route(f"{BASE_PATH}/accounting/ledgers/search", browse.ledgers, methods=["GET"]),
    Route(f"{BASE_PATH}/properties/export", api.properties, methods=["GET"]),
    Route(f"{BASE_PATH}/properties/units/export", api.units, methods=["GET"]),
    Route(f"{BASE_PATH}/tenants/search", api.tenants, methods=["GET"]),
    Route(f"{BASE_PATH}/leases/export", api.leases, methods=["GET"]),
    Route(f"{BASE_PATH}/accounting/accounts", api.accounts, methods=["GET"]),
    Route(f"{BASE_PATH}/accounting/transactions/search", api.transactions, methods=["GET"]),
    Route(f"{BASE_PATH}/accounting/transactions/{{transaction_id:int}}", api.transaction, methods=["GET"]),
    Route(f"{_LEASE}/recurring-charges", api.recurring_charges, methods=["GET"]),
    Route(f"{_LEASE}/recurring-charges", writes.create_recurring, methods=["POST"]),
    Route(f"{_LEASE}/recurring-charges/{{charge_id:int}}", api.recurring_charge, methods=["GET"]),
    Route(f"{_LEASE}/recurring-charges/{{charge_id:int}}", writes.update_recurring, methods=["POST"]),
    Route(f"{_LEDGER}/charges", writes.create_charge, methods=["POST"]),
    Route(f"{_LEDGER}/credits", writes.create_credit, methods=["POST"]),
    Route(f"{_LEDGER}/payments", writes.create_payment, methods=["POST"]),
]


def _unrouted(exc: HTTPException) -> Response:
    """Unrouted paths and methods answer in Rentvine's error shape too."""
    return RentvineError(exc.status_code, exc.detail).response()


def create_rentvine_app(
    *,
    records: int = 60,
    seed: int = 7,
    login: RentvineLogin | None = None,
    requests_per_second: float | None = None,
) -> Starlette:
    """Rentvine with `records` tenant contacts of deterministic data, accepting `login` (a
    default key and secret when None). State lives on `app.state.store`."""
    store = RentvineStore(generate(records, seed), login=login, requests_per_second=requests_per_second)
    return emulator_app(ROUTES, store, CONTROL, error=RentvineError, unrouted=_unrouted)
