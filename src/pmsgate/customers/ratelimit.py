"""Per-customer request limits: a fixed one-minute window.

In-process counters serve the embedded mode; with PMSGATE_REDIS_URL every API process shares
the counters in Redis, so the limit holds across machines; without Redis, the API processes of
`pmsgate serve --processes N` share them in a SQLite file of the data directory. When Redis
cannot be reached, each process limits on its own (a warning says so) and tries Redis again a
few seconds later: an outage loosens the limit to one per process for a while, it never turns
requests into errors.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

WINDOW_SECONDS = 60
REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5  # a request never waits longer than this on an unreachable Redis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Usage:
    limit: int
    remaining: int
    reset_in: int  # seconds until the window resets

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0


class RateLimiter(Protocol):
    def hit(self, key: str, limit: int) -> Usage: ...

    def peek(self, key: str, limit: int) -> Usage:
        """The current window's use, without counting a request."""
        ...


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, int], int] = {}

    def hit(self, key: str, limit: int) -> Usage:
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        with self._lock:
            if len(self._counts) > 10_000:  # drop past windows
                self._counts = {k: v for k, v in self._counts.items() if k[1] == window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
        reset_in = int((window + 1) * WINDOW_SECONDS - now) + 1
        return Usage(limit=limit, remaining=limit - count, reset_in=reset_in)

    def peek(self, key: str, limit: int) -> Usage:
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        with self._lock:
            count = self._counts.get((key, window), 0)
        reset_in = int((window + 1) * WINDOW_SECONDS - now) + 1
        return Usage(limit=limit, remaining=limit - count, reset_in=reset_in)


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        import redis

        self._errors = (redis.RedisError, OSError)
        self._redis = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        self._fallback = MemoryRateLimiter()
        self._retry_at = 0.0

    def hit(self, key: str, limit: int) -> Usage:
        now = time.monotonic()
        if now >= self._retry_at:
            try:
                return self._shared_hit(key, limit)
            except self._errors as exc:
                self._retry_at = now + REDIS_RETRY_SECONDS
                log.warning(
                    "rate limits: Redis unavailable (%s); limiting in this process, retrying Redis in %.0f s",
                    exc,
                    REDIS_RETRY_SECONDS,
                )
        return self._fallback.hit(key, limit)

    def peek(self, key: str, limit: int) -> Usage:
        if time.monotonic() >= self._retry_at:
            try:
                now = time.time()
                window = int(now // WINDOW_SECONDS)
                count = int(self._redis.get(f"pmsgate:ratelimit:{key}:{window}") or 0)
                reset_in = int((window + 1) * WINDOW_SECONDS - now) + 1
                return Usage(limit=limit, remaining=limit - count, reset_in=reset_in)
            except self._errors:
                pass
        return self._fallback.peek(key, limit)

    def _shared_hit(self, key: str, limit: int) -> Usage:
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        redis_key = f"pmsgate:ratelimit:{key}:{window}"
        pipe = self._redis.pipeline()
        pipe.incr(redis_key)
        pipe.expire(redis_key, WINDOW_SECONDS * 2)
        count = int(pipe.execute()[0])
        reset_in = int((window + 1) * WINDOW_SECONDS - now) + 1
        return Usage(limit=limit, remaining=limit - count, reset_in=reset_in)


class SqliteRateLimiter:
    """The counters in a small SQLite file of the data directory, shared by the API processes of
    one machine (`pmsgate serve --processes N` without Redis): one upsert per request, in a file
    of its own so it never waits on the store's writers. If the file cannot be written, this
    process limits on its own for a while, as with Redis."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()
        self._fallback = MemoryRateLimiter()
        self._retry_at = 0.0
        self._swept_window = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, window INTEGER NOT NULL, "
                "count INTEGER NOT NULL, PRIMARY KEY (key, window)) WITHOUT ROWID"
            )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=REDIS_TIMEOUT_SECONDS, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # counters of a minute: no need to survive a crash
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def hit(self, key: str, limit: int) -> Usage:
        now = time.monotonic()
        if now >= self._retry_at:
            try:
                return self._shared(key, limit, 1)
            except sqlite3.Error as exc:
                self._retry_at = now + REDIS_RETRY_SECONDS
                log.warning("rate limits: %s unavailable (%s); limiting in this process", self._path, exc)
        return self._fallback.hit(key, limit)

    def peek(self, key: str, limit: int) -> Usage:
        if time.monotonic() >= self._retry_at:
            try:
                return self._shared(key, limit, 0)
            except sqlite3.Error:
                pass
        return self._fallback.peek(key, limit)

    def _shared(self, key: str, limit: int, add: int) -> Usage:
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        conn = self._conn()
        if add:
            (count,) = conn.execute(
                "INSERT INTO hits (key, window, count) VALUES (?, ?, 1) "
                "ON CONFLICT (key, window) DO UPDATE SET count = count + 1 RETURNING count",
                (key, window),
            ).fetchone()
            if window != self._swept_window:  # once per window per process: drop past windows
                self._swept_window = window
                conn.execute("DELETE FROM hits WHERE window < ?", (window - 1,))
        else:
            row = conn.execute(
                "SELECT count FROM hits WHERE key = ? AND window = ?", (key, window)
            ).fetchone()
            count = row[0] if row else 0
        reset_in = int((window + 1) * WINDOW_SECONDS - now) + 1
        return Usage(limit=limit, remaining=limit - int(count), reset_in=reset_in)
