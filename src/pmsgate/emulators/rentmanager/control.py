"""Rent Manager's /_control (tests, demos, benchmarks; Rent Manager has nothing like them): the
shared faults, the per-company rate limit, token lifetime and hard close, and expiring every
token (`POST /_control/expire-tokens`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pmsgate.emulators.control import Control, optional_non_negative_int, positive_number
from pmsgate.emulators.rentmanager.store import RMStore


def _state(store: RMStore) -> dict[str, Any]:
    closed = store.hard_close_through
    return {
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


def _expire_tokens(store: RMStore) -> dict[str, Any]:
    return {"expired": store.expire_tokens()}


CONTROL: Control[RMStore] = Control(
    _state, updaters={"limits": _apply_limits}, actions={"expire-tokens": _expire_tokens}
)
