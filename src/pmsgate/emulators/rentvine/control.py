"""Rentvine's /_control (tests, demos, benchmarks; Rentvine has nothing like them): the shared
faults and the emulator's own rate limit, `{"requests_per_second": 5 | null}` (off by default)."""

from __future__ import annotations

from pmsgate.emulators.control import Control, apply_rate_limit, rate_limited_state
from pmsgate.emulators.rentvine.store import RentvineStore

CONTROL: Control[RentvineStore] = Control(rate_limited_state, {"limits": apply_rate_limit})
