"""`GatedStore`: what every emulator's store shares when its vendor has a plain rate limit: a
lock for the tables, the live faults and the rate limiter, and the gateway's verdict on a request
before the application (and its authentication) sees it."""

from __future__ import annotations

import threading

from pmsgate.emulators.faults import Faults, RateLimiter


class GatedStore:
    def __init__(self, requests_per_second: float | None) -> None:
        self.lock = threading.RLock()
        self.faults = Faults()
        self.limiter = RateLimiter(requests_per_second)

    def outage(self) -> int | None:
        """429 over the rate limit (fired as `rate_limit`) or in a 429 burst, 503 in a run of
        server errors, None to go on: the status the vendor's gateway answers first."""
        if not self.limiter.allow():
            self.faults.note("rate_limit")
            return 429
        if self.faults.take("rate_limit_burst"):
            return 429
        if self.faults.take("server_errors"):
            return 503
        return None
