"""Unauthenticated /_control endpoints: switch faults and limits at runtime, inspect state.

Only for tests, demos and benchmarks; a real PMS has nothing like them.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.sample.store import SampleStore


def _store(request: Request) -> SampleStore:
    store: SampleStore = request.app.state.store
    return store


def state_of(store: SampleStore) -> dict[str, Any]:
    faults = store.faults.snapshot()
    return {
        "faults": faults["pending"],
        "fired": faults["fired"],
        "limits": {
            "requests_per_second": store.limiter.per_second,
            "token_lifetime_s": store.tokens.lifetime_s,
        },
        "counts": store.counts(),
    }


async def _object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    body = json.loads(raw) if raw else {}
    if not isinstance(body, dict):
        raise ValueError("send a JSON object")
    return body


async def set_faults(request: Request) -> Response:
    store = _store(request)
    try:
        store.faults.configure(await _object(request))
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(state_of(store))


async def set_limits(request: Request) -> Response:
    """{"requests_per_second": 5 | null, "token_lifetime_s": 900}: the built-in rate limit and
    how long new tokens live."""
    store = _store(request)
    try:
        body = await _object(request)
        if "requests_per_second" in body:
            rps = body["requests_per_second"]
            if rps is not None and (isinstance(rps, bool) or not isinstance(rps, int | float) or rps < 0):
                raise ValueError("requests_per_second must be a non-negative number or null")
            store.limiter.per_second = rps or None
        if "token_lifetime_s" in body:
            lifetime = body["token_lifetime_s"]
            if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
                raise ValueError("token_lifetime_s must be a positive number")
            store.tokens.lifetime_s = float(lifetime)
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(state_of(store))


async def reset(request: Request) -> Response:
    store = _store(request)
    store.faults.reset()
    return JSONResponse(state_of(store))


async def expire_tokens(request: Request) -> Response:
    return JSONResponse({"expired": _store(request).tokens.expire_all()})


async def state(request: Request) -> Response:
    return JSONResponse(state_of(_store(request)))
