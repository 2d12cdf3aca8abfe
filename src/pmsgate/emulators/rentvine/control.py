"""Unauthenticated /_control endpoints: switch faults and the rate limit, inspect state.

Only for tests, demos and benchmarks; Rentvine has nothing like them.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.rentvine.api import store_of
from pmsgate.emulators.rentvine.store import RentvineStore


def state_of(store: RentvineStore) -> dict[str, Any]:
    faults = store.faults.snapshot()
    return {
        "faults": faults["pending"],
        "fired": faults["fired"],
        "limits": {"requests_per_second": store.limiter.per_second},
        "counts": store.counts(),
    }


async def _object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    body = json.loads(raw) if raw else {}
    if not isinstance(body, dict):
        raise ValueError("send a JSON object")
    return body


async def set_faults(request: Request) -> Response:
    store = store_of(request)
    try:
        store.faults.configure(await _object(request))
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(state_of(store))


async def set_limits(request: Request) -> Response:
    """{"requests_per_second": 5 | null}: the emulator's own rate limit (off by default)."""
    store = store_of(request)
    try:
        body = await _object(request)
        rps = body.get("requests_per_second")
        if rps is not None and (isinstance(rps, bool) or not isinstance(rps, int | float) or rps < 0):
            raise ValueError("requests_per_second must be a non-negative number or null")
        store.limiter.per_second = rps or None
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(state_of(store))


async def reset(request: Request) -> Response:
    store = store_of(request)
    store.faults.reset()
    return JSONResponse(state_of(store))


async def state(request: Request) -> Response:
    return JSONResponse(state_of(store_of(request)))
