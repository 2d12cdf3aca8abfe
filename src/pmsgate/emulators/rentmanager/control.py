"""Unauthenticated /_control endpoints: switch faults and limits at runtime, inspect state.

Only for tests, demos and benchmarks; Rent Manager has nothing like them.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.rentmanager.store import RMStore


def _store(request: Request) -> RMStore:
    store: RMStore = request.app.state.store
    return store


def state_of(store: RMStore) -> dict[str, Any]:
    faults = store.faults.snapshot()
    closed = store.hard_close_through
    return {
        "faults": faults["pending"],
        "fired": faults["fired"],
        "limits": {"requests_per_minute": store.limiter.per_minute, "token_idle_s": store.token_idle_s},
        "hard_close_through": closed.isoformat() if closed else None,
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
    """{"requests_per_minute": 500 | null, "token_idle_s": 900, "hard_close_through": "2026-06-30" | null}"""
    store = _store(request)
    try:
        body = await _object(request)
        if "requests_per_minute" in body:
            rpm = body["requests_per_minute"]
            if rpm is not None and (isinstance(rpm, bool) or not isinstance(rpm, int) or rpm < 0):
                raise ValueError("requests_per_minute must be a non-negative integer or null")
            store.limiter.per_minute = rpm or None
        if "token_idle_s" in body:
            idle = body["token_idle_s"]
            if isinstance(idle, bool) or not isinstance(idle, int | float) or idle <= 0:
                raise ValueError("token_idle_s must be a positive number")
            store.token_idle_s = float(idle)
        if "hard_close_through" in body:
            closed = body["hard_close_through"]
            store.hard_close_through = None if closed is None else date.fromisoformat(str(closed))
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(state_of(store))


async def reset(request: Request) -> Response:
    store = _store(request)
    store.faults.reset()
    return JSONResponse(state_of(store))


async def expire_tokens(request: Request) -> Response:
    return JSONResponse({"expired": _store(request).expire_tokens()})


async def state(request: Request) -> Response:
    return JSONResponse(state_of(_store(request)))
