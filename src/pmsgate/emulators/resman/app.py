"""`create_resman_app`: ResMan's classic partner API (the part pmsgate uses) as an ASGI app.

Every method is `POST /{Area}/{Method}` with a form-encoded body; the answer is JSON when the
request accepts `application/json`, XML otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pmsgate.emulators.app import emulator_app
from pmsgate.emulators.control import store_of
from pmsgate.emulators.resman import writes
from pmsgate.emulators.resman.api import READS, Handler
from pmsgate.emulators.resman.control import CONTROL
from pmsgate.emulators.resman.seed import generate
from pmsgate.emulators.resman.store import PartnerKey, ResManError, ResManStore
from pmsgate.emulators.resman.wire import envelope

DEFAULT_KEY = PartnerKey(
    integration_partner_id="pmsgate-emulator",
    api_key="resman-emulator-api-key",
    account_id="a3f6c1de-0b7e-4c55-9a51-1d2f3e4a5b6c",
)
WRITES: dict[str, Handler] = {"MITS/PostResidentTransactions2_0": writes.post_resident_transactions}


async def _form(request: Request) -> Mapping[str, str]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise ResManError("The request must be form-encoded (application/x-www-form-urlencoded)")
    return dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))


async def call(request: Request) -> Response:
    store: ResManStore = store_of(request)
    method = f"{request.path_params['area']}/{request.path_params['method']}"
    accept = request.headers.get("accept", "")
    form: Mapping[str, str] = {}
    try:
        handler = READS.get(method) or WRITES.get(method)
        if handler is None:
            raise ResManError(f"Method {method} was not found", status=404)
        form = await _form(request)
        store.admit(form, method)
        if method in READS and store.faults.plan.slow_ms:
            store.faults.note("slow_ms")
            await asyncio.sleep(store.faults.plan.slow_ms / 1000)
        property_id, payload = handler(store, form)
        if method in WRITES and store.faults.take("fail_writes_after_commit"):
            raise ResManError("An unexpected error occurred", status=500)
    except ResManError as exc:
        return envelope(
            method,
            accept,
            status="Failed",
            account_id=form.get("AccountID", ""),
            property_id=form.get("PropertyID") or None,
            error=exc.description,
            http_status=exc.status,
            headers=exc.headers,
        )
    return envelope(method, accept, account_id=store.key.account_id, property_id=property_id, payload=payload)


ROUTES = [Route("/{area}/{method}", call, methods=["POST"])]


def create_resman_app(
    *,
    records: int = 200,
    seed: int = 7,
    key: PartnerKey = DEFAULT_KEY,
    requests_per_second: float | None = None,
) -> Starlette:
    """ResMan with about `records` residents of deterministic data, accepting only `key`.
    ResMan publishes no rate limit: none by default (`requests_per_second` or /_control/limits
    sets one). State: `app.state.store`."""
    return emulator_app(ROUTES, ResManStore(generate(records, seed), key, requests_per_second), CONTROL)
