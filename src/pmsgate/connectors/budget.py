"""An integration's request budget: `max_request_frequency` requests per `max_request_cadence`.
The buckets that enforce it are in `pmsgate.connectors.throttle` (one process) and
`pmsgate.connectors.shared_throttle` (every worker, through Redis); both wait the same way
(`WaitingBucket`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

CADENCE_SECONDS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400, "WEEK": 604800, "MONTH": 2592000}


@dataclass(frozen=True)
class RequestBudget:
    requests: float
    per_seconds: float

    @classmethod
    def from_integration(cls, frequency: float, cadence: str) -> RequestBudget:
        # "Requests cannot be made less frequently than once per minute" (the spec).
        per = CADENCE_SECONDS[cadence]
        return cls(requests=frequency, per_seconds=per) if frequency / per >= 1 / 60 else cls(1, 60)

    @property
    def rate(self) -> float:
        return self.requests / self.per_seconds


class WaitingBucket(ABC):
    """A bucket that says how long until a request may go (`try_acquire`) and, to `acquire`,
    sleeps that long as often as it takes."""

    _sleep: Callable[[float], None]

    @abstractmethod
    def try_acquire(self) -> float:
        """0.0 if a request may go now (and it is counted), else the seconds to wait."""

    def acquire(self) -> float:
        """Take one token, sleeping until one is available; returns the seconds waited."""
        waited = 0.0
        while (delay := self.try_acquire()) > 0:
            self._sleep(delay)
            waited += delay
        return waited
