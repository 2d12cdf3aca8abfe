"""Unauthenticated /_control endpoints (tests, demos, benchmarks; Yardi has nothing like them):
switch the shared faults and the rate limit, deny operations (-1) or properties (-2) to the
interface entity, inspect state."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request

from pmsgate.emulators.control import control_handlers, optional_non_negative
from pmsgate.emulators.yardi.store import YardiStore


def _store(request: Request) -> YardiStore:
    store: YardiStore = request.app.state.store
    return store


def state_of(store: YardiStore) -> dict[str, Any]:
    faults = store.faults.snapshot()
    return {
        "faults": faults["pending"],
        "fired": faults["fired"],
        "limits": {"requests_per_second": store.limiter.per_second},
        "access": {
            "denied_operations": sorted(store.login.denied_operations),
            "denied_properties": sorted(store.login.denied_properties),
        },
        "counts": store.counts(),
        "calls": dict(store.calls),
    }


def _apply_limits(store: YardiStore, body: dict[str, Any]) -> None:
    """{"requests_per_second": n | null} (null: unlimited)."""
    rps = optional_non_negative(body.get("requests_per_second"), "requests_per_second")
    store.limiter.per_second = rps or None


def _apply_access(store: YardiStore, body: dict[str, Any]) -> None:
    """{"denied_operations": [...], "denied_properties": [...]}: what the entity may not do."""
    login = store.login
    for name in ("denied_operations", "denied_properties"):
        if name in body:
            value = body[name]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{name} must be a list of strings")
            login = replace(login, **{name: frozenset(value)})  # type: ignore[arg-type]
    store.login = login


def _reset_access(store: YardiStore) -> None:
    store.login = replace(store.login, denied_operations=frozenset(), denied_properties=frozenset())


_handlers = control_handlers(_store, state_of, on_reset=_reset_access)
set_faults = _handlers.set_faults
set_limits = _handlers.updater(_apply_limits)
set_access = _handlers.updater(_apply_access)
reset = _handlers.reset
state = _handlers.state
