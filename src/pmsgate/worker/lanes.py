"""Lanes: each kind of work has its own queue and its own threads, so a flood in one never
starves another (a burst of writes does not wait behind a portfolio's first sync).

    sync      sync runs, in slices: a run yields its thread between pages when others wait
    writes    write jobs: a job whose integration is at `max_job_concurrency` waits, parked,
              and is woken the moment a slot frees
    checks    data-access checks (de-duplicated per integration)
    control   periodic tasks (scheduler tick, reaper), once per cluster

Huey over the SQLite queue file polls; here an idle consumer is woken by the enqueue itself:
directly in its own process, by a datagram from another (`wakeup.py`: the API processes of
`pmsgate serve --processes N`), and otherwise it polls every `queue_poll_max_seconds` at most.
Huey over Redis blocks on BRPOP, so it reacts at once anyway.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey

from pmsgate.config import Settings
from pmsgate.worker.wakeup import SUPPORTED, WakeAnnouncer

SYNC = "sync"
WRITES = "writes"
CHECKS = "checks"
CONTROL = "control"
LANES = (SYNC, WRITES, CHECKS, CONTROL)


class Wake:
    """A counter with a condition: consumers wait for it to move, enqueues move it."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.seq = 0

    def notify(self) -> None:
        with self._condition:
            self.seq += 1
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        with self._condition:
            if self.seq == seen:
                self._condition.wait(timeout)


class _Wakes:
    """One Wake per lane, keyed by queue name, shared by every Huey of this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_name: dict[str, Wake] = {}

    def __call__(self, name: str) -> Wake:
        with self._lock:
            return self._by_name.setdefault(name, Wake())


wake_for = _Wakes()


class WakingSqliteHuey(SqliteHuey):  # type: ignore[misc]
    """SqliteHuey that wakes the idle consumers of the lane when it enqueues: this process's
    directly, other processes' through `announcer` (None: within this process only)."""

    announcer: WakeAnnouncer | None = None

    def enqueue(self, task: Any) -> Any:
        result = super().enqueue(task)
        wake_for(self.name).notify()
        if self.announcer is not None:
            self.announcer.announce(self.name)
        return result


def queue_name(lane: str) -> str:
    return f"pmsgate-{lane}"


def make_lane_huey(settings: Settings, lane: str) -> Huey:
    if settings.redis_url:
        return RedisHuey(queue_name(lane), url=settings.redis_url, results=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    huey = WakingSqliteHuey(queue_name(lane), filename=str(settings.queue_path), results=False)
    if SUPPORTED:
        huey.announcer = _announcer(wake_directory(settings))
    return huey


def wake_directory(settings: Settings) -> Path:
    """Where the processes consuming the SQLite queue announce that they listen for wake-ups."""
    return settings.queue_path.parent / "wake"


_announcers: dict[Path, WakeAnnouncer] = {}


def _announcer(directory: Path) -> WakeAnnouncer:
    """One per queue directory and process: its socket serves every lane."""
    return _announcers.setdefault(directory, WakeAnnouncer(directory))


def lane_threads(settings: Settings, *, sync_threads: int | None = None) -> dict[str, int]:
    """Threads per lane in this process. `workers` (or `--threads`) sizes the sync lane."""
    syncs = settings.workers if sync_threads is None else sync_threads
    return {SYNC: max(1, syncs), WRITES: settings.write_workers, CHECKS: 1, CONTROL: 1}
