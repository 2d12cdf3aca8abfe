"""Unauthenticated /_control endpoints: switch faults and limits at runtime, inspect state.

Only for tests, demos and benchmarks; the real Propertyware has nothing like them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request

from pmsgate.emulators.control import control_handlers, optional_non_negative
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


def _apply_limits(store: PwStore, body: dict[str, Any]) -> None:
    """{"requests_per_second": 10 | null}: the built-in rate limit (off by default)."""
    rps = optional_non_negative(body.get("requests_per_second"), "requests_per_second")
    store.limiter.per_second = rps or None


def _apply_key(store: PwStore, body: dict[str, Any]) -> None:
    """{"denied": ["GL ACCOUNTS"], "beta_writes": false}: what the API key may do."""
    denied = body.get("denied", sorted(store.key.denied))
    beta = body.get("beta_writes", store.key.beta_writes)
    if (
        not isinstance(denied, list)
        or not all(isinstance(d, str) for d in denied)
        or not isinstance(beta, bool)
    ):
        raise ValueError("denied must be a list of permission blocks and beta_writes a boolean")
    store.key = replace(store.key, denied=frozenset(denied), beta_writes=beta)


def _clear_limit(store: PwStore) -> None:
    store.limiter.per_second = None


_handlers = control_handlers(_store, state_of, on_reset=_clear_limit)
set_faults = _handlers.set_faults
set_limits = _handlers.updater(_apply_limits)
set_key = _handlers.updater(_apply_key)
reset = _handlers.reset
state = _handlers.state
