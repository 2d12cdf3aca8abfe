"""`create_sample_app`: SamplePMS v2 as an ASGI app, and its route table."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from pmsgate.emulators.app import emulator_app
from pmsgate.emulators.sample import api
from pmsgate.emulators.sample.auth import DEFAULT_TOKEN_LIFETIME_S, SampleCredentials
from pmsgate.emulators.sample.control import CONTROL
from pmsgate.emulators.sample.seed import generate
from pmsgate.emulators.sample.store import SampleStore
from pmsgate.emulators.sample.wire import FaultError

ROUTES = [
    Route("/api/v2/auth/token", api.issue_token, methods=["POST"]),
    Route("/api/v2/charges", api.create_charge, methods=["POST"]),
    Route("/api/v2/credits", api.create_credit, methods=["POST"]),
    Route("/api/v2/receipts", api.create_receipt, methods=["POST"]),
    Route("/api/v2/recurring", api.create_recurring, methods=["POST"]),
    Route("/api/v2/recurring/{record_id:int}", api.update_recurring, methods=["PATCH"]),
    Route("/api/v2/{collection}", api.list_records, methods=["GET"]),
    Route("/api/v2/{collection}/{record_id:int}", api.get_record, methods=["GET"]),
]
_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def _unrouted(exc: HTTPException) -> Response:
    """Unrouted paths and methods answer in the vendor's fault shape too."""
    return FaultError(exc.status_code, _HTTP_CODES.get(exc.status_code, "BAD_REQUEST"), exc.detail).response()


def create_sample_app(
    *,
    records: int = 200,
    seed: int = 7,
    credentials: SampleCredentials | None = None,
    token_lifetime_s: float = DEFAULT_TOKEN_LIFETIME_S,
    requests_per_second: float | None = None,
) -> Starlette:
    """SamplePMS v2 with `records` tenants of deterministic data; `credentials=None` accepts any
    login. State lives on `app.state.store` (a `SampleStore`)."""
    store = SampleStore(
        generate(records, seed),
        credentials=credentials,
        token_lifetime_s=token_lifetime_s,
        requests_per_second=requests_per_second,
    )
    return emulator_app(ROUTES, store, CONTROL, error=FaultError, unrouted=_unrouted)
