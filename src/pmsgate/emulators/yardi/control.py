"""Yardi's /_control (tests, demos, benchmarks; Yardi has nothing like them): the shared faults,
the rate limit, `{"requests_per_second": n | null}` (null: unlimited), and operations (-1) or
properties (-2) denied to the interface entity (`POST /_control/access`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pmsgate.emulators.control import Control, apply_rate_limit
from pmsgate.emulators.yardi.store import YardiStore


def _state(store: YardiStore) -> dict[str, Any]:
    return {
        "limits": {"requests_per_second": store.limiter.per_second},
        "access": {
            "denied_operations": sorted(store.login.denied_operations),
            "denied_properties": sorted(store.login.denied_properties),
        },
        "counts": store.counts(),
        "calls": dict(store.calls),
    }


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


CONTROL: Control[YardiStore] = Control(
    _state, updaters={"limits": apply_rate_limit, "access": _apply_access}, on_reset=_reset_access
)
