"""How services hand work to the workers. Services call a Dispatcher after commit; the queue
behind it (`pmsgate.worker.queue.HueyDispatcher`) is a SQLite file (embedded) or Redis
(scale-out); services see only this Protocol, so they never import the worker. The database row of each job is
the truth; the queue only carries ids, so a lost queue message is recovered by the reaper."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.orm import Session

from pmsgate.kit.db import after_commit

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    def sync_run(self, run_id: str) -> None: ...

    def data_access_check(self, integration_id: str) -> None: ...

    def write_job(self, job_id: str) -> None: ...


def dispatch_after_commit(session: Session, send: Callable[[], None]) -> None:
    """`send` is a zero-argument callable that enqueues; it runs only once the data is durable.
    If the queue cannot be reached (a Redis outage), the work is already stored: the caller still
    gets its answer and the reaper sends the work once the queue is back."""

    def send_or_leave_to_the_reaper() -> None:
        try:
            send()
        except Exception as exc:  # the queue's client raises its own error types
            log.warning("queue unreachable (%s); the reaper re-sends the stored work", type(exc).__name__)

    after_commit(session, send_or_leave_to_the_reaper)


class RecordingDispatcher:
    """Collects what would be enqueued; for tests and tools that run jobs themselves."""

    def __init__(self) -> None:
        self.sync_runs: list[str] = []
        self.data_access_checks: list[str] = []
        self.write_jobs: list[str] = []

    def sync_run(self, run_id: str, *, delay: float = 0.0) -> None:
        self.sync_runs.append(run_id)

    def data_access_check(self, integration_id: str) -> None:
        self.data_access_checks.append(integration_id)

    def write_job(self, job_id: str, *, delay: float = 0.0) -> None:
        self.write_jobs.append(job_id)
