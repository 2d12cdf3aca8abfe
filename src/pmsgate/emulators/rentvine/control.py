"""Unauthenticated /_control endpoints: switch faults and the rate limit, inspect state.

Only for tests, demos and benchmarks; Rentvine has nothing like them.
"""

from __future__ import annotations

from typing import Any

from pmsgate.emulators.control import control_handlers, optional_non_negative
from pmsgate.emulators.rentvine.api import store_of
from pmsgate.emulators.rentvine.store import RentvineStore


def state_of(store: RentvineStore) -> dict[str, Any]:
    faults = store.faults.snapshot()
    return {
        "faults": faults["pending"],
        "fired": faults["fired"],
        "limits": {"requests_per_second": store.limiter.per_second},
        "counts": store.counts(),
    }


def _apply_limits(store: RentvineStore, body: dict[str, Any]) -> None:
    """{"requests_per_second": 5 | null}: the emulator's own rate limit (off by default)."""
    rps = optional_non_negative(body.get("requests_per_second"), "requests_per_second")
    store.limiter.per_second = rps or None


_handlers = control_handlers(store_of, state_of)
set_faults = _handlers.set_faults
set_limits = _handlers.updater(_apply_limits)
reset = _handlers.reset
state = _handlers.state
