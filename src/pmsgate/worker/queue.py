"""The job queue: Huey over a SQLite file (embedded) or Redis (scale-out), and the Dispatcher
that services use. Job names are `noun.verb`."""

from __future__ import annotations

from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab

from pmsgate.config import Settings


def make_huey(settings: Settings) -> Huey:
    if settings.redis_url:
        return RedisHuey("pmsgate", url=settings.redis_url, results=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("pmsgate", filename=str(settings.queue_path), results=False)


class HueyDispatcher:
    """Registers every task on one Huey instance; calling a task enqueues it."""

    def __init__(self, huey: Huey) -> None:
        from pmsgate.integrations.tasks import check_data_access
        from pmsgate.sync.tasks import run_sync
        from pmsgate.worker.periodic import reap, tick

        self.huey = huey
        self._sync_run = huey.task(name="sync.run")(run_sync)
        self._data_access = huey.task(name="integration.check_data_access")(check_data_access)
        self._write_job: Any = None
        huey.periodic_task(crontab(minute="*"), name="scheduler.tick")(lambda: tick(self))
        huey.periodic_task(crontab(minute="*"), name="jobs.reap")(lambda: reap(self))

    def register_write_task(self, task: Any) -> None:
        """Writes register themselves (with their retry policy) to keep this module small."""
        self._write_job = task

    def sync_run(self, run_id: str) -> None:
        self._sync_run(run_id)

    def data_access_check(self, integration_id: str) -> None:
        self._data_access(integration_id)

    def write_job(self, job_id: str) -> None:
        if self._write_job is None:
            raise RuntimeError("write jobs are not registered on this dispatcher")
        self._write_job(job_id)
