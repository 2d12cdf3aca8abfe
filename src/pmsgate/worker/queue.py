"""The job queue: one Huey per lane over a SQLite file (embedded) or Redis (scale-out), and the
Dispatcher that services use. Job names are `noun.verb`; messages carry ids only."""

from __future__ import annotations

import logging
import time
from typing import Any

from huey import Huey, crontab

from pmsgate.config import Settings
from pmsgate.worker import jobs
from pmsgate.worker.lanes import CHECKS, CONTROL, LANES, SYNC, WRITES, make_lane_huey
from pmsgate.worker.periodic import reap, tick

log = logging.getLogger(__name__)
# A data-access check still marked as queued after this long is taken as lost and sent again.
_CHECK_DEDUPE_SECONDS = 600


class HueyDispatcher:
    """Registers every task on its lane's Huey; calling a task enqueues it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lanes: dict[str, Huey] = {lane: make_lane_huey(settings, lane) for lane in LANES}
        self._sync_run = self.lanes[SYNC].task(name="sync.run")(lambda run_id: jobs.run_sync(run_id, self))
        self._write_job = self.lanes[WRITES].task(name="write.execute")(
            lambda job_id: jobs.run_write(job_id, self)
        )
        self._data_access = self.lanes[CHECKS].task(name="integration.check_data_access")(
            lambda integration_id: jobs.run_check(integration_id, self)
        )
        control = self.lanes[CONTROL]
        control.periodic_task(crontab(minute="*"), name="scheduler.tick")(
            lambda: jobs.once_per_cluster(self, "scheduler.tick", lambda: tick(self))
        )
        control.periodic_task(crontab(minute="*"), name="jobs.reap")(
            lambda: jobs.once_per_cluster(self, "jobs.reap", lambda: reap(self))
        )

    @property
    def huey(self) -> Huey:
        """The control lane's Huey (its key-value store holds cluster-wide markers)."""
        return self.lanes[CONTROL]

    def sync_run(self, run_id: str, *, delay: float = 0.0) -> None:
        if delay > 0:
            self._sync_run.schedule(args=(run_id,), delay=delay)
        else:
            self._sync_run(run_id)

    def write_job(self, job_id: str, *, delay: float = 0.0) -> None:
        if delay > 0:
            self._write_job.schedule(args=(job_id,), delay=delay)
        else:
            self._write_job(job_id)

    def data_access_check(self, integration_id: str) -> None:
        """At most one check of an integration is queued at a time: a burst of requests for the
        same integration costs one check (it starts after the last request was made)."""
        key = f"check-queued:{integration_id}"
        if not self.huey.put_if_empty(key, time.time()):
            queued_at = self.huey.get(key, peek=True)
            if isinstance(queued_at, float) and time.time() - queued_at < _CHECK_DEDUPE_SECONDS:
                return
            self.huey.delete(key)
            self.huey.put_if_empty(key, time.time())
        self._data_access(integration_id)

    def check_started(self, integration_id: str) -> None:
        self.huey.delete(f"check-queued:{integration_id}")

    def pending(self, lane: str) -> int:
        return int(self.lanes[lane].pending_count())

    def close(self) -> None:
        for huey in self.lanes.values():
            storage: Any = huey.storage
            close = getattr(storage, "close", None)
            if close is not None:
                close()
