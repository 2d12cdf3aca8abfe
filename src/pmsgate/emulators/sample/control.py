"""Unauthenticated /_control endpoints: switch faults and limits at runtime, inspect state.

Only for tests, demos and benchmarks; a real PMS has nothing like them.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.control import control_handlers, optional_non_negative, positive_number
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


def _apply_limits(store: SampleStore, body: dict[str, Any]) -> None:
    """{"requests_per_second": 5 | null, "token_lifetime_s": 900}: the built-in rate limit and
    how long new tokens live."""
    if "requests_per_second" in body:
        rps = optional_non_negative(body["requests_per_second"], "requests_per_second")
        store.limiter.per_second = rps or None
    if "token_lifetime_s" in body:
        store.tokens.lifetime_s = positive_number(body["token_lifetime_s"], "token_lifetime_s")


_handlers = control_handlers(_store, state_of)
set_faults = _handlers.set_faults
set_limits = _handlers.updater(_apply_limits)
reset = _handlers.reset
state = _handlers.state


async def expire_tokens(request: Request) -> Response:
    return JSONResponse({"expired": _store(request).tokens.expire_all()})
