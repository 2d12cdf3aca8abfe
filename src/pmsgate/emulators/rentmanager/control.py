"""Unauthenticated /_control endpoints: switch faults and limits at runtime, inspect state.

Only for tests, demos and benchmarks; Rent Manager has nothing like them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.control import control_handlers, optional_non_negative_int, positive_number
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


def _apply_limits(store: RMStore, body: dict[str, Any]) -> None:
    """{"requests_per_minute": 500 | null, "token_idle_s": 900, "hard_close_through": "2026-06-30" | null}"""
    if "requests_per_minute" in body:
        rpm = optional_non_negative_int(body["requests_per_minute"], "requests_per_minute")
        store.limiter.per_minute = rpm or None
    if "token_idle_s" in body:
        store.token_idle_s = positive_number(body["token_idle_s"], "token_idle_s")
    if "hard_close_through" in body:
        closed = body["hard_close_through"]
        store.hard_close_through = None if closed is None else date.fromisoformat(str(closed))


_handlers = control_handlers(_store, state_of)
set_faults = _handlers.set_faults
set_limits = _handlers.updater(_apply_limits)
reset = _handlers.reset
state = _handlers.state


async def expire_tokens(request: Request) -> Response:
    return JSONResponse({"expired": _store(request).expire_tokens()})
