"""Propertyware's /_control (tests, demos, benchmarks; the real Propertyware has nothing like
them): the shared faults, the built-in rate limit, `{"requests_per_second": 10 | null}` (off by
default and after a reset), and what the API key may do (`POST /_control/key`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pmsgate.emulators.control import Control, apply_rate_limit
from pmsgate.emulators.propertyware.store import PwStore


def _state(store: PwStore) -> dict[str, Any]:
    return {
        "limits": {"requests_per_second": store.limiter.per_second},
        "key": {"denied": sorted(store.key.denied), "beta_writes": store.key.beta_writes},
        "counts": store.counts(),
    }


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


CONTROL: Control[PwStore] = Control(
    _state, updaters={"limits": apply_rate_limit, "key": _apply_key}, on_reset=_clear_limit
)
