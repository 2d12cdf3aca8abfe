"""Starting and stopping the workers of a process: the queue lanes, plus anything else that
must run beside them (helpers add a starter to STARTERS, e.g. the webhook delivery loop).

`pmsgate serve` (embedded) and `pmsgate worker` (scale-out) both call `start_workers` and
`Workers.stop`. Stopping drains: no new work is taken, a running sync parks at its next page
and goes back to the queue, a write in flight finishes; whatever is still running after
`worker_shutdown_seconds` is abandoned to the reaper (the claims make that safe).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from huey import Huey
from huey.consumer import Consumer, Worker

from pmsgate.config import Settings
from pmsgate.worker import jobs
from pmsgate.worker.lanes import CONTROL, LANES, Wake, lane_threads, queue_name, wake_directory, wake_for
from pmsgate.worker.queue import HueyDispatcher
from pmsgate.worker.wakeup import SUPPORTED, WakeListener

log = logging.getLogger(__name__)


class Running(Protocol):
    """Something a starter started: `stop` must return within about `timeout` seconds."""

    def stop(self, timeout: float) -> None: ...


Starter = Callable[[Settings, HueyDispatcher], Running | None]


class _WakeableWorker(Worker):  # type: ignore[misc]
    """Huey's worker, but an idle one sleeps until its lane's next enqueue (or the poll bound)."""

    wake: Wake
    delay: float
    max_delay: float
    backoff: float

    def loop(self, now: Any = None) -> None:
        self._seen = self.wake.seq
        super().loop(now)

    def sleep(self) -> None:
        self.delay = min(self.delay, self.max_delay)
        self.wake.wait(self._seen, self.delay)
        self.delay *= self.backoff


class LaneConsumer(Consumer):  # type: ignore[misc]
    """One lane's consumer. Signals are the process's business (see `run_until_signalled`)."""

    def __init__(self, huey: Huey, *, threads: int, periodic: bool, poll_max: float, timeout: float) -> None:
        self._wake = wake_for(huey.name)
        super().__init__(
            huey,
            workers=threads,
            worker_type="thread",
            periodic=periodic,
            initial_delay=0.01,
            backoff=1.5,
            max_delay=poll_max,
            scheduler_interval=1,
            check_worker_health=True,
            shutdown_timeout=timeout,
        )

    def _create_worker(self) -> Worker:
        worker = _WakeableWorker(
            huey=self.huey,
            stop_flag=self.stop_flag,
            default_delay=self.default_delay,
            max_delay=self.max_delay,
            backoff=self.backoff,
        )
        worker.wake = self._wake
        return worker

    def _set_signal_handlers(self) -> None:
        return None

    def stop(self, graceful: bool = False) -> None:
        self.stop_flag.set()
        self._wake.notify()  # idle workers see the stop flag now, not after their poll delay
        super().stop(graceful=graceful)


@dataclass
class _LaneRunning:
    consumer: LaneConsumer

    def stop(self, timeout: float) -> None:
        self.consumer.shutdown_timeout = timeout
        self.consumer.stop(graceful=True)


def queue_lanes(
    settings: Settings, dispatcher: HueyDispatcher, *, sync_threads: int | None = None
) -> list[Running]:
    threads = lane_threads(settings, sync_threads=sync_threads)
    started: list[Running] = []
    for lane, huey in dispatcher.lanes.items():
        consumer = LaneConsumer(
            huey,
            threads=threads[lane],
            periodic=lane == CONTROL,
            poll_max=settings.queue_poll_max_seconds,
            timeout=settings.worker_shutdown_seconds,
        )
        consumer.start()
        started.append(_LaneRunning(consumer))
    if settings.redis_url is None and SUPPORTED:
        # Enqueues by other processes (the API processes of `serve --processes N`) wake these
        # consumers at once instead of at their next poll.
        started.append(
            WakeListener(
                wake_directory(settings),
                lambda name: wake_for(name).notify(),
                frozenset(queue_name(lane) for lane in LANES),
            )
        )
    log.info("worker lanes started: %s", ", ".join(f"{lane}: {n}" for lane, n in threads.items()))
    return started


# Started beside the queue lanes in `serve` and `pmsgate worker`. Webhooks: append your
# delivery loop's starter here (it receives the settings and the dispatcher).
STARTERS: list[Starter] = []


@dataclass
class Workers:
    running: list[Running] = field(default_factory=list)

    def stop(self, timeout: float) -> None:
        """Drain every lane at once; returns within about `timeout` seconds."""
        jobs.stopping.set()
        deadline = time.monotonic() + timeout
        threads = [
            threading.Thread(target=part.stop, args=(timeout,), name="stop-lane", daemon=True)
            for part in self.running
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()) + 1)
        jobs.stopping.clear()


def start_workers(
    settings: Settings, dispatcher: HueyDispatcher, *, sync_threads: int | None = None
) -> Workers:
    jobs.stopping.clear()
    running = queue_lanes(settings, dispatcher, sync_threads=sync_threads)
    for starter in STARTERS:
        extra = starter(settings, dispatcher)
        if extra is not None:
            running.append(extra)
    return Workers(running)


def start_background(settings: Settings, dispatcher: Any) -> Callable[[], None]:
    """The workers, the scheduler and the webhook lane of this process; returns their stop.
    `pmsgate serve` runs them in exactly one process: the app's own when it serves alone,
    the parent of the API processes otherwise (cli.server), which so never loads the web
    framework."""
    if settings.workers <= 0:
        return lambda: None
    from pmsgate.webhooks.loop import start_delivery_loop

    workers = start_workers(settings, dispatcher)
    webhooks = start_delivery_loop(settings)  # the webhook lane

    def stop() -> None:
        webhooks.stop()
        workers.stop(settings.worker_shutdown_seconds)

    return stop


def run_until_signalled(settings: Settings, dispatcher: HueyDispatcher, *, sync_threads: int) -> None:
    """`pmsgate worker`: run until SIGTERM or SIGINT, then drain within the shutdown bound."""
    received = threading.Event()

    def handle(signum: int, _frame: Any) -> None:
        log.info(
            "received %s: draining (at most %ss)",
            signal.Signals(signum).name,
            settings.worker_shutdown_seconds,
        )
        received.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    workers = start_workers(settings, dispatcher, sync_threads=sync_threads)
    while not received.wait(1.0):
        pass
    workers.stop(settings.worker_shutdown_seconds)
    log.info("worker stopped")
