"""An integration's request budget: `max_request_frequency` requests per `max_request_cadence`.
The buckets that enforce it are in `pmsgate.connectors.throttle` (one process) and
`pmsgate.connectors.shared_throttle` (every worker, through Redis)."""

from __future__ import annotations

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
