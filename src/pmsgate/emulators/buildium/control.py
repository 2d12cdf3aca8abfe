"""Buildium's /_control (tests, demos, benchmarks; Buildium has nothing like them): the shared
faults and the rate limit, `{"requests_per_second": 10 | null}` (Buildium's is 10; null
switches it off)."""

from __future__ import annotations

from pmsgate.emulators.buildium.store import BuildiumStore
from pmsgate.emulators.control import Control, apply_rate_limit, rate_limited_state

CONTROL: Control[BuildiumStore] = Control(rate_limited_state, {"limits": apply_rate_limit})
