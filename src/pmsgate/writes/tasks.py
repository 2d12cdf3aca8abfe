"""`write.execute`: a thin wrapper. It raises RetryLater while the PMS is busy, and the queue
runs it again after `retry_delay` seconds."""

from __future__ import annotations

import logging
from typing import Any

from pmsgate.kit.db import session_factory
from pmsgate.writes.engine import execute_write

log = logging.getLogger(__name__)


def run_write(job_id: str) -> None:
    status = execute_write(session_factory(), job_id)
    log.info("write.execute %s -> %s", job_id, status or "held by another worker")


def register_write_tasks(dispatcher: Any) -> None:
    huey = getattr(dispatcher, "huey", None)
    if huey is None:
        return
    task = huey.task(name="write.execute", retries=8, retry_delay=15)(run_write)
    dispatcher.register_write_task(task)
