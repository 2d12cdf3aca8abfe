"""Unauthenticated /_control endpoints (tests, demos, benchmarks; Buildium has nothing like
them): switch the shared faults and the rate limit, inspect state."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from pmsgate.emulators.buildium.store import BuildiumStore
from pmsgate.emulators.control import control_handlers, optional_non_negative


def _store(request: Request) -> BuildiumStore:
    store: BuildiumStore = request.app.state.store
    return store


def state_of(store: BuildiumStore) -> dict[str, Any]:
    faults = store.faults.snapshot()
    return {
        "faults": faults["pending"],
        "fired": faults["fired"],
        "limits": {"requests_per_second": store.limiter.per_second},
        "counts": store.counts(),
    }


def _apply_limits(store: BuildiumStore, body: dict[str, Any]) -> None:
    """{"requests_per_second": 10 | null}: Buildium's limit is 10; null switches it off."""
    rps = optional_non_negative(body.get("requests_per_second"), "requests_per_second")
    store.limiter.per_second = rps or None


_handlers = control_handlers(_store, state_of)
set_faults = _handlers.set_faults
set_limits = _handlers.updater(_apply_limits)
reset = _handlers.reset
state = _handlers.state
