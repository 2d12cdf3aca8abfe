"""The queue's jobs: thin shells around the engines that turn "must wait" into a deferral.

- `sync.run` performs a slice of a run: it may not start while its customer holds more than a
  fair share of the sync lane, sleeps no longer than `throttle_max_sleep_seconds` for the PMS's
  budget, and yields between pages once it has run `sync_slice_seconds` and others wait.
- `write.execute` parks a job whose integration is at `max_job_concurrency` (no re-poll) and
  wakes the oldest waiting jobs when a job ends; a busy PMS defers the job to `run_after`.
- `integration.check_data_access` clears the de-duplication marker as it starts.
Back-pressure is logged at INFO, never as an error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from huey import Huey

from pmsgate import metrics
from pmsgate.config import get_settings
from pmsgate.integrations import tasks as integration_tasks
from pmsgate.integrations.repository import IntegrationRepository
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.deferral import Deferred
from pmsgate.kit.timeutil import utcnow
from pmsgate.sync.engine import execute_run
from pmsgate.worker import fairness
from pmsgate.worker.lanes import SYNC, WRITES
from pmsgate.writes.engine import RetryLater, SlotTaken, execute_write
from pmsgate.writes.repository import WriteRepository

log = logging.getLogger(__name__)
# Set while this process drains (SIGTERM, shutdown): running syncs park at their next page.
stopping = threading.Event()


class Queue(Protocol):
    """What the jobs need of the queue that runs them (`pmsgate.worker.queue.HueyDispatcher`)."""

    @property
    def huey(self) -> Huey: ...

    def sync_run(self, run_id: str, *, delay: float = 0.0) -> None: ...

    def write_job(self, job_id: str, *, delay: float = 0.0) -> None: ...

    def check_started(self, integration_id: str) -> None: ...

    def pending(self, lane: str) -> int: ...


def run_sync(run_id: str, dispatcher: Queue) -> None:
    settings = get_settings()
    factory = session_factory()
    wait = fairness.sync_wait(factory, run_id)
    if wait > 0:
        metrics.DEFERRALS.labels(SYNC, "fair_share").inc()
        log.info(
            "sync.run %s: its customer has its fair share of the sync lane; again in %.1fs", run_id, wait
        )
        dispatcher.sync_run(run_id, delay=wait)
        return
    started = time.monotonic()

    def should_yield() -> bool:
        if stopping.is_set():
            return True
        return time.monotonic() - started >= settings.sync_slice_seconds and dispatcher.pending(SYNC) > 0

    try:
        status = execute_run(
            factory, run_id, max_wait=settings.throttle_max_sleep_seconds, should_yield=should_yield
        )
    except Deferred as deferred:
        reason = "yield" if deferred.delay == 0 else "rate_limit"
        metrics.DEFERRALS.labels(SYNC, reason).inc()
        log.info("sync.run %s parked (%s); continues in %.1fs", run_id, deferred.reason, deferred.delay)
        dispatcher.sync_run(run_id, delay=deferred.delay)
        return
    log.info("sync.run %s -> %s", run_id, status or "held by another worker")


def run_write(job_id: str, dispatcher: Queue) -> None:
    settings = get_settings()
    factory = session_factory()
    try:
        status = execute_write(factory, job_id, max_wait=settings.throttle_max_sleep_seconds)
    except SlotTaken as taken:
        metrics.DEFERRALS.labels(WRITES, "slot").inc()
        log.debug("write.execute %s waits for a slot of its integration: %s", job_id, taken)
        for older in taken.wake:
            dispatcher.write_job(older)
        return  # a finishing job of the integration wakes it
    except RetryLater as busy:
        metrics.DEFERRALS.labels(WRITES, "busy").inc()
        log.info("write.execute %s deferred %.1fs: %s", job_id, busy.delay, busy)
        dispatcher.write_job(job_id, delay=busy.delay)
        status = "DEFERRED"
    else:
        log.info("write.execute %s -> %s", job_id, status or "held by another worker")
        if status is None:
            return
    wake_waiting_writes(job_id, dispatcher, outcome=status)


def wake_waiting_writes(job_id: str, dispatcher: Queue, *, outcome: str | None = None) -> int:
    """A job of the integration ended: send the oldest waiting jobs, one per free slot."""
    settings = get_settings()
    now = utcnow()
    with unit_of_work(session_factory()) as session:
        writes = WriteRepository.from_session(session)
        job = writes.get(job_id)
        if job is None:
            return 0
        if outcome is not None:
            metrics.WRITE_JOBS.labels(job.vendor, outcome).inc()
        integration = IntegrationRepository.from_session(session).get(job.integration_id)
        if integration is None:
            return 0
        stale_before = now - timedelta(seconds=settings.sync_heartbeat_timeout_seconds)
        free = integration.max_job_concurrency - writes.running_count(integration.id, stale_before)
        ready = writes.ready_pending(integration.id, now, free) if free > 0 else []
    for waiting in ready:
        dispatcher.write_job(waiting)
    return len(ready)


def run_check(integration_id: str, dispatcher: Queue) -> None:
    dispatcher.check_started(integration_id)
    integration_tasks.check_data_access(integration_id)  # looked up per call: tests wrap it


def once_per_cluster(dispatcher: Queue, name: str, job: Callable[[], object]) -> bool:
    """Run a periodic job only if no worker of the cluster ran it in this minute: every worker's
    scheduler enqueues it, the first to claim the minute's marker runs it."""
    minute = int(time.time() // 60)
    if not dispatcher.huey.put_if_empty(f"periodic:{name}:{minute}", 1):
        log.debug("%s already ran this minute on another worker", name)
        return False
    dispatcher.huey.delete(f"periodic:{name}:{minute - 2}")
    job()
    return True
