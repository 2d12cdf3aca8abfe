"""A request budget shared by every worker process on every machine (scale-out mode).

The in-process TokenBucket holds a PMS's limit only within one process. With Redis configured,
the budget is kept in Redis instead, as GCRA (a "theoretical arrival time" per integration),
updated atomically by a Lua script with Redis's own clock so machines' clocks need not agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pmsgate.connectors.budget import RequestBudget, WaitingBucket

# Returns the seconds to wait before the request may go ("0" when it may go now, and then it
# has been counted). Capacity `burst` lets that many requests through back to back.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - (burst - 1) * interval - now
if wait > 0 then return tostring(wait) end
local new_tat = tat + interval
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1000)
return '0'
"""

# The PMS asked us to back off for ARGV[1] seconds: nobody sends before then (the arrival time
# moves past the whole burst allowance, so no burst follows the pause either).
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local until_ = now + tonumber(ARGV[1]) + (tonumber(ARGV[3]) - 1) * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < until_ then
  redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil((until_ - now) * 1000) + 1000)
end
return 1
"""


class RedisTokenBucket(WaitingBucket):
    def __init__(
        self, client: Any, key: str, budget: RequestBudget, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.budget = budget
        self._key = f"pmsgate:throttle:{key}"
        self._client = client
        self._sleep = sleep
        self._acquire = client.register_script(_ACQUIRE)
        self._pause = client.register_script(_PAUSE)
        self._interval = 1 / budget.rate
        self._burst = max(1, int(budget.requests))

    def try_acquire(self) -> float:
        """0.0 if a request may go now (and it is counted), else the seconds to wait."""
        return float(self._acquire(keys=[self._key], args=[self._interval, self._burst]))

    def available(self) -> float:
        """Requests that could go now without waiting, from the arrival time stored in Redis."""
        pipe = self._client.pipeline(transaction=False)
        pipe.time()
        pipe.get(self._key)
        (seconds, micros), stored = pipe.execute()
        now = seconds + micros / 1_000_000
        backlog = max(0.0, float(stored) - now) if stored is not None else 0.0
        return min(float(self._burst), self._burst - backlog / self._interval)

    def pause(self, seconds: float) -> None:
        self._pause(keys=[self._key], args=[max(0.0, seconds), self._interval, self._burst])
