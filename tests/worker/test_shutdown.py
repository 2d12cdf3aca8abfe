"""`pmsgate worker` drains on SIGTERM within its bound: a running sync parks at its next page
and goes back to the queue, to resume from its checkpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from pmsgate.config import get_settings
from pmsgate.kit.db import session_factory
from pmsgate.models.sync import SyncRun
from pmsgate.sync.engine import execute_run
from pmsgate.worker.lanes import SYNC
from pmsgate.worker.queue import HueyDispatcher
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served, create_integration
from tests.worker.test_queue_end_to_end import wait_for


def _run(run_id: str) -> SyncRun:
    with session_factory()() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        return run


def test_sigterm_parks_the_running_sync_and_stops_within_the_bound(
    tmp_path: Path, fresh_sample_server: Served
) -> None:
    settings = get_settings().model_copy(update={"data_dir": tmp_path, "redis_url": None})
    customer = make_customer("Draining")
    _integration_id, recorded = create_integration(
        customer, fresh_sample_server.base_url, max_request_frequency=1000
    )
    run_id = recorded.sync_runs[0]
    queue = HueyDispatcher(settings)
    queue.sync_run(run_id)
    httpx.post(f"{fresh_sample_server.base_url}/_control/faults", json={"slow_ms": 300})
    env = {
        **os.environ,
        "PMSGATE_DATA_DIR": str(tmp_path),
        "PMSGATE_DATABASE_URL": get_settings().sqlalchemy_url,  # the test database, not tmp_path
        "PMSGATE_SYNC_PAGE_SIZE": "3",
        "PMSGATE_WORKER_SHUTDOWN_SECONDS": "5",
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", "from pmsgate.cli import main; main()", "worker", "--threads", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        try:
            wait_for(lambda: _run(run_id).worker is not None and _run(run_id).checkpoint, 30)
        except AssertionError:
            worker.kill()
            raise AssertionError(worker.communicate()[1][-3000:]) from None
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        _out, err = worker.communicate(timeout=15)
        stopped_in = time.monotonic() - started
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err[-2000:]
    assert stopped_in < 5 + 2, stopped_in
    assert "parked (yielded its slice)" in err, err[-2000:]
    # (the reaper may hand this worker other tests' broken jobs, which fail loudly: not ours)
    errors = [line for line in err.splitlines() if " ERROR " in line and "Unhandled exception" not in line]
    assert not errors, errors
    parked = _run(run_id)
    assert parked.status == "RUNNING" and parked.worker is None and parked.checkpoint
    # handed back to the queue for the next worker (the reaper may have queued others' runs too)
    assert run_id in [task.args[0] for task in queue.lanes[SYNC].pending()]
    httpx.post(f"{fresh_sample_server.base_url}/_control/reset")
    assert execute_run(session_factory(), run_id) == "COMPLETED"
