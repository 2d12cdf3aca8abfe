"""Entrata's /_control (tests, demos, benchmarks; Entrata has nothing like them): the shared
faults and the per-method rate limits."""

from __future__ import annotations

from typing import Any

from pmsgate.emulators.control import Control, optional_non_negative_int, positive_number
from pmsgate.emulators.entrata.store import WINDOWS, EntrataStore


def _state(store: EntrataStore) -> dict[str, Any]:
    return {
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


def _reset_limits(store: EntrataStore) -> None:
    store.limits.reset()


CONTROL: Control[EntrataStore] = Control(_state, {"limits": _apply_limits}, on_reset=_reset_limits)
