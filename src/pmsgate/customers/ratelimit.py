"""Per-customer request limits: a fixed one-minute window.

In-process counters serve the embedded mode; with PMSGATE_REDIS_URL every API process shares
the counters in Redis, so the limit holds across machines; without Redis, the API processes of
`pmsgate serve --processes N` share them in a memory-mapped file of the data directory. When Redis
cannot be reached, each process limits on its own (a warning says so) and tries Redis again a
few seconds later: an outage loosens the limit to one per process for a while, it never turns
requests into errors.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import mmap
import os
import struct
import threading
import time
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
    # Whether a hit is quick enough to run on the event loop (no network, no waiting on disk).
    inline: bool

    def hit(self, key: str, limit: int) -> Usage: ...

    def peek(self, key: str, limit: int) -> Usage:
        """The current window's use, without counting a request."""
        ...


class MemoryRateLimiter:
    inline = True

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
    inline = False

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


class SharedFileRateLimiter:
    """The counters in a small memory-mapped file of the data directory, shared by the API
    processes of one machine (`pmsgate serve --processes N` without Redis).

    The file is a table of slots (key hash, window, count: three little-endian 64-bit integers),
    found by open addressing from the key's hash; a slot of a past window is reused. Each hit
    holds an exclusive `flock` of the file for the few microseconds of its read-modify-write,
    and the kernel hands the lock to the next process at once. (The SQLite file this replaces
    took a write transaction per request and, under two processes, SQLite's busy handler slept
    for milliseconds between retries: two processes served fewer requests than one.) A key that
    finds no slot (more customers in one minute than slots), or a file that cannot be used, is
    limited in this process alone, with a warning."""

    SLOTS = 16_384
    PROBES = 64
    inline = True  # a few microseconds under a lock that is never held longer
    _SLOT = struct.Struct("<QQQ")

    def __init__(self, path: Path, slots: int = SLOTS) -> None:
        self._path = path
        self._slots = slots
        self._lock = threading.Lock()  # flock excludes processes; this, the threads of one
        self._fallback = MemoryRateLimiter()
        self._retry_at = 0.0
        self._opened_by: int | None = None
        self._fd = -1
        self._map: mmap.mmap | None = None
        path.parent.mkdir(parents=True, exist_ok=True)

    def hit(self, key: str, limit: int) -> Usage:
        return self._use(key, limit, 1)

    def peek(self, key: str, limit: int) -> Usage:
        return self._use(key, limit, 0)

    def _use(self, key: str, limit: int, add: int) -> Usage:
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        count: int | None = None
        if time.monotonic() >= self._retry_at:
            try:
                count = self._count(_key_hash(key), window, add)
            except OSError as exc:
                self._retry_at = time.monotonic() + REDIS_RETRY_SECONDS
                log.warning("rate limits: %s unavailable (%s); limiting in this process", self._path, exc)
        if count is None:
            return self._fallback.hit(key, limit) if add else self._fallback.peek(key, limit)
        reset_in = int((window + 1) * WINDOW_SECONDS - now) + 1
        return Usage(limit=limit, remaining=limit - count, reset_in=reset_in)

    def _table(self) -> mmap.mmap:
        """The mapped file, opened by this process (a forked child opens its own: a `flock` is
        shared by every holder of the same open file)."""
        if self._map is None or self._opened_by != os.getpid():
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            size = self._slots * self._SLOT.size
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if os.fstat(fd).st_size < size:
                    os.ftruncate(fd, size)  # zeros: empty slots
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._fd, self._map, self._opened_by = fd, mmap.mmap(fd, size), os.getpid()
        return self._map

    def _count(self, key_hash: int, window: int, add: int) -> int | None:
        with self._lock:
            table = self._table()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                return self._count_locked(table, key_hash, window, add)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _count_locked(self, table: mmap.mmap, key_hash: int, window: int, add: int) -> int | None:
        free: int | None = None
        for probe in range(self.PROBES):
            offset = ((key_hash + probe) % self._slots) * self._SLOT.size
            slot_key, slot_window, slot_count = self._SLOT.unpack_from(table, offset)
            if slot_key == key_hash:
                count = (slot_count if slot_window == window else 0) + add
                if add:
                    self._SLOT.pack_into(table, offset, key_hash, window, count)
                return count
            if free is None and (slot_key == 0 or slot_window < window):
                free = offset  # an empty slot or one of a past window
            if slot_key == 0:  # slots are never emptied: the key is not further on
                break
        if not add:
            return 0
        if free is None:
            log.warning("rate limits: no free slot in %s; limiting this key in this process", self._path)
            return None
        self._SLOT.pack_into(table, free, key_hash, window, add)
        return add


def _key_hash(key: str) -> int:
    """A nonzero 64-bit hash of the key (zero marks an empty slot)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") or 1
