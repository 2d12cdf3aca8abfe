"""Request budgets (`pmsgate.connectors.budget`), enforced by a token bucket shared by every
connector of an integration: in this process (embedded mode), or across every worker through
Redis when PMSGATE_REDIS_URL is set (`pmsgate.connectors.shared_throttle`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import redis

from pmsgate.config import get_settings
from pmsgate.connectors.budget import CADENCE_SECONDS, RequestBudget, WaitingBucket
from pmsgate.connectors.shared_throttle import RedisTokenBucket

__all__ = ["CADENCE_SECONDS", "RequestBudget", "TokenBucket", "bucket_for", "budget_available"]


class TokenBucket(WaitingBucket):
    def __init__(
        self,
        budget: RequestBudget,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.budget = budget
        self._capacity = max(1.0, budget.requests)
        self._tokens = self._capacity
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = threading.Lock()

    def try_acquire(self) -> float:
        """0.0 if a token was taken, else the seconds until one is available (nothing taken)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self.budget.rate)
            self._updated = now
            # The epsilon: float refills land a hair under 1 (0.9999999999998), and a clock
            # that cannot represent the remaining wait would never get there.
            if self._tokens >= 1 - 1e-9:
                self._tokens = max(0.0, self._tokens - 1)
                return 0.0
            return max((1 - self._tokens) / self.budget.rate, 1e-6)

    def pause(self, seconds: float) -> None:
        """The vendor asked us to back off: drain the bucket for `seconds`."""
        with self._lock:
            self._tokens = min(self._tokens, 1 - seconds * self.budget.rate)

    def available(self) -> float:
        """Requests that could go now, without taking any (negative while paused)."""
        with self._lock:
            elapsed = self._clock() - self._updated
            return min(self._capacity, self._tokens + elapsed * self.budget.rate)


_buckets: dict[str, TokenBucket] = {}
_buckets_lock = threading.Lock()


def bucket_for(key: str, budget: RequestBudget) -> TokenBucket:
    """The bucket of one integration's budget (`key` is its id)."""
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None or bucket.budget != budget:
            bucket = _buckets[key] = _new_bucket(key, budget)
        return bucket


def budget_available(key: str, budget: RequestBudget) -> float:
    """How much of an integration's budget is free now (requests that could go at once), as
    every worker sharing it sees it. Read-only; the admin rate-limits endpoint reads this."""
    return bucket_for(key, budget).available()


def _new_bucket(key: str, budget: RequestBudget) -> TokenBucket:
    redis_url = get_settings().redis_url
    if not redis_url:
        return TokenBucket(budget)
    return RedisTokenBucket(redis.Redis.from_url(redis_url), key, budget)  # type: ignore[return-value]
