"""Unauthenticated /_control endpoints (tests, demos, benchmarks; Entrata has nothing like them):
switch the shared faults and the per-method rate limits, inspect state."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from pmsgate.emulators.control import control_handlers, optional_non_negative_int, positive_number
from pmsgate.emulators.entrata.store import WINDOWS, EntrataStore


def _store(request: Request) -> EntrataStore:
    store: EntrataStore = request.app.state.store
    return store


def state_of(store: EntrataStore) -> dict[str, Any]:
    faults = store.faults.snapshot()
    return {
        "faults": faults["pending"],
        "fired": faults["fired"],
        "limits": {"per_method": store.limits.limits, "window_seconds": store.limits.seconds},
        "counts": store.counts(),
    }


def _apply_limits(store: EntrataStore, body: dict[str, Any]) -> None:
    """{"per_method": {"MINUTE": 150, "HOUR": null, …}, "window_seconds": {"MINUTE": 2}}: a null
    limit switches that window off; window lengths shrink so tests need not wait a minute."""
    limits, seconds = body.get("per_method") or {}, body.get("window_seconds") or {}
    for name in (*limits, *seconds):
        if name not in WINDOWS:
            raise ValueError(f"unknown window {name!r}; known: {', '.join(WINDOWS)}")
    checked = {name: optional_non_negative_int(value, name) for name, value in limits.items()}
    lengths = {name: positive_number(value, name) for name, value in seconds.items()}
    store.limits.limits.update(checked)
    store.limits.seconds.update(lengths)
    store.limits.reset()


def _on_reset(store: EntrataStore) -> None:
    store.limits.reset()


_handlers = control_handlers(_store, state_of, on_reset=_on_reset)
set_faults = _handlers.set_faults
set_limits = _handlers.updater(_apply_limits)
reset = _handlers.reset
state = _handlers.state
