"""Switchable faults shared by every emulator.

A fault is a counter or a setting: counters (`rate_limit_burst`, `server_errors`,
`fail_writes_after_commit`) are spent one request at a time, settings (`slow_ms`,
`malformed_every`) apply until reset. `fired` counts what was injected so a test can assert that
the client really met (and survived) the fault rather than the fault never triggering.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class FaultPlan:
    rate_limit_burst: int = 0  # the next N API requests answer 429
    server_errors: int = 0  # the next N API requests answer 503
    slow_ms: int = 0  # each list page sleeps this long
    malformed_every: int = 0  # every Nth record of list pages is malformed (0 = none)
    fail_writes_after_commit: int = 0  # the next N writes are stored but answered 500


COUNTERS = ("rate_limit_burst", "server_errors", "fail_writes_after_commit")
FAULT_NAMES = tuple(f.name for f in fields(FaultPlan))


class Faults:
    """The live fault plan of one emulator; thread-safe (uvicorn serves requests concurrently)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plan = FaultPlan()
        self.fired: Counter[str] = Counter()

    @property
    def plan(self) -> FaultPlan:
        return self._plan

    def configure(self, values: Mapping[str, object]) -> FaultPlan:
        """Set the given faults, leave the others; raises ValueError on an unknown or bad value."""
        changes: dict[str, int] = {}
        for name, value in values.items():
            if name not in FAULT_NAMES:
                raise ValueError(f"unknown fault {name!r}; known faults: {', '.join(FAULT_NAMES)}")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"fault {name!r} needs a non-negative integer, got {value!r}")
            changes[name] = value
        with self._lock:
            self._plan = replace(self._plan, **changes)
            return self._plan

    def reset(self) -> None:
        with self._lock:
            self._plan = FaultPlan()
            self.fired.clear()

    def take(self, counter: str) -> bool:
        """Spend one unit of `counter`; True when the current request must fail with it."""
        with self._lock:
            remaining: int = getattr(self._plan, counter)
            if remaining <= 0:
                return False
            self._plan = replace(self._plan, **{counter: remaining - 1})
            self.fired[counter] += 1
            return True

    def note(self, name: str, count: int = 1) -> None:
        """Record a setting-type fault that was applied (slow page, malformed record)."""
        with self._lock:
            self.fired[name] += count

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {"pending": asdict(self._plan), "fired": dict(self.fired)}


class RateLimiter:
    """At most `per_second` requests in any one-second window; None = unlimited (the default)."""

    def __init__(
        self, per_second: float | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._recent: deque[float] = deque()
        self.per_second = per_second

    def allow(self) -> bool:
        if not self.per_second:
            return True
        with self._lock:
            now = self._clock()
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.per_second:
                return False
            self._recent.append(now)
            return True
