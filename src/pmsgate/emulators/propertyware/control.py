"""Unauthenticated /_control endpoints: switch faults and limits at runtime, inspect state.

Only for tests, demos and benchmarks; the real Propertyware has nothing like them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.propertyware.store import PwStore


def _store(request: Request) -> PwStore:
    store: PwStore = request.app.state.store
    return store


def state_of(store: PwStore) -> dict[str, Any]:
    faults = store.faults.snapshot()
    return {
        "faults": faults["pending"],
        "fired": faults["fired"],
        "limits": {"requests_per_second": store.limiter.per_second},
        "key": {"denied": sorted(store.key.denied), "beta_writes": store.key.beta_writes},
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
    """{"requests_per_second": 10 | null}: the built-in rate limit (off by default)."""
    store = _store(request)
    try:
        body = await _object(request)
        rps = body.get("requests_per_second")
        if rps is not None and (isinstance(rps, bool) or not isinstance(rps, int | float) or rps < 0):
            raise ValueError("requests_per_second must be a non-negative number or null")
        store.limiter.per_second = rps or None
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(state_of(store))


async def set_key(request: Request) -> Response:
    """{"denied": ["GL ACCOUNTS"], "beta_writes": false}: what the API key may do."""
    store = _store(request)
    try:
        body = await _object(request)
        denied = body.get("denied", sorted(store.key.denied))
        beta = body.get("beta_writes", store.key.beta_writes)
        if (
            not isinstance(denied, list)
            or not all(isinstance(d, str) for d in denied)
            or not isinstance(beta, bool)
        ):
            raise ValueError("denied must be a list of permission blocks and beta_writes a boolean")
        store.key = replace(store.key, denied=frozenset(denied), beta_writes=beta)
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(state_of(store))


async def reset(request: Request) -> Response:
    store = _store(request)
    store.faults.reset()
    store.limiter.per_second = None
    return JSONResponse(state_of(store))


async def state(request: Request) -> Response:
    return JSONResponse(state_of(_store(request)))
