"""`create_entrata_app`: Entrata's JSON-RPC API (the part pmsgate uses) as an ASGI app.

One endpoint per service, `POST /api/v1/{service}`, keyed on the body's `method.name`; the
method's `version` must be one it has; params are validated against `methods.py`. Lease-shaped
lists page by the `page_no`/`per_page` query parameters. Every answer carries the per-method
X-RateLimit-* headers; the order of checks is auth, rate limit, faults, method, params.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pmsgate.emulators.app import emulator_app
from pmsgate.emulators.entrata.control import CONTROL
from pmsgate.emulators.entrata.methods import METHODS, validate
from pmsgate.emulators.entrata.reads import READS, Paging
from pmsgate.emulators.entrata.seed import generate
from pmsgate.emulators.entrata.store import ApiKey, EntrataError, EntrataStore
from pmsgate.emulators.entrata.wire import JsonResponse
from pmsgate.emulators.entrata.writes import WRITES

BASE_PATH = "/api/v1"
DEFAULT_KEY = ApiKey("entrata-emulator-key", "pmsgate", "entrata-emulator-password")
MAX_PER_PAGE = 1000
HANDLERS = {**READS, **WRITES}


def _paging(request: Request, paged: bool) -> Paging:
    if not paged or "page_no" not in request.query_params:
        return Paging(None, MAX_PER_PAGE)
    try:
        page = int(request.query_params["page_no"])
        per_page = int(request.query_params.get("per_page", "100"))
    except ValueError:
        raise EntrataError(302, "page_no and per_page must be integers") from None
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise EntrataError(302, f"page_no must be at least 1 and per_page between 1 and {MAX_PER_PAGE}")
    return Paging(page, per_page)


async def _call(request: Request) -> Response:
    store: EntrataStore = request.app.state.store
    headers: dict[str, str] = {}
    request_id = None
    try:
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise EntrataError(302, "The request body must be JSON") from None
        if not isinstance(body, dict) or not isinstance(body.get("method"), dict):
            raise EntrataError(302, "The request body needs a method object")
        request_id = body.get("requestId")
        name = str(body["method"].get("name") or "")
        caller = store.authenticate(request.headers, body.get("auth"))
        if name in store.key.denied:
            raise EntrataError(102, f"This API key has no access to {name}")
        allowed, headers = store.limits.take(caller, name)
        if not allowed or store.faults.take("rate_limit_burst"):
            store.faults.note("rate_limit")
            raise EntrataError(429, "API rate limit exceeded for this method", headers)
        if store.faults.take("server_errors"):
            raise EntrataError(503, "The service is temporarily unavailable", headers)
        method = METHODS.get((request.path_params["service"], name))
        if method is None:
            raise EntrataError(
                301, f"Method {name!r} is not available in service {request.path_params['service']!r}"
            )
        version = str(body["method"].get("version") or method.versions[0])
        if version not in method.versions:
            raise EntrataError(
                301, f"Version {version!r} of {name} is not available; use {', '.join(method.versions)}"
            )
        params = body["method"].get("params") or {}
        issues = validate(method, params)
        if issues:
            raise EntrataError(302, "Invalid parameters: " + "; ".join(issues))
        paging = _paging(request, method.paged)
        if store.faults.plan.slow_ms and not method.write:
            store.faults.note("slow_ms")
            await asyncio.sleep(store.faults.plan.slow_ms / 1000)
        result: Any = HANDLERS[name](store, params, paging)
        if method.write and store.faults.take("fail_writes_after_commit"):
            raise EntrataError(500, "An unexpected error occurred", headers)
    except EntrataError as error:
        error.request_id = request_id
        error.headers = {**headers, **error.headers}
        return error.response()
    body_out = {"response": {"requestId": request_id, "code": 200, "result": result}}
    return JsonResponse(body_out, headers=headers)


ROUTES = [Route(f"{BASE_PATH}/{{service}}", _call, methods=["POST"])]


def create_entrata_app(*, records: int = 200, seed: int = 7, key: ApiKey = DEFAULT_KEY) -> Starlette:
    """Entrata with about `records` customers of deterministic data, accepting only `key` (as
    X-Api-Key, or its username/password as HTTP Basic). State: `app.state.store`."""
    return emulator_app(ROUTES, EntrataStore(generate(records, seed), key), CONTROL)
