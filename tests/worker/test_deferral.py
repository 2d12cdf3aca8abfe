"""A sync that must wait parks itself and resumes from its checkpoint; periodic jobs run once
per cluster; data-access checks are de-duplicated. (The engines here run in the test thread.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from pmsgate.config import get_settings
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.deferral import Deferred
from pmsgate.models.integrations import Integration
from pmsgate.models.sync import SyncRun
from pmsgate.sync.engine import execute_run
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served, create_integration


def _run(run_id: str) -> SyncRun:
    with session_factory()() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        return run


def test_a_run_over_its_budget_parks_and_resumes_from_its_checkpoint(sample_server: Served) -> None:
    customer = make_customer("Tiny budget")
    integration_id, dispatcher = create_integration(
        customer, sample_server.base_url, max_request_frequency=4, max_request_cadence="MINUTE"
    )
    run_id = dispatcher.sync_runs[0]
    with pytest.raises(Deferred) as deferred:
        execute_run(session_factory(), run_id, max_wait=0.5)
    assert 5 < deferred.value.delay <= 15  # 4 a minute: the next request in ~15 s, not slept on
    parked = _run(run_id)
    assert parked.status == "RUNNING" and parked.worker is None and parked.run_after is not None
    assert parked.checkpoint is not None  # what was fetched within the budget is committed
    done_before = parked.successful_job_count

    with unit_of_work(session_factory()) as session:  # the budget grows: the run goes on at once
        session.execute(
            update(Integration)
            .where(Integration.id == integration_id)
            .values(max_request_frequency=100, max_request_cadence="SECOND")
        )
    assert execute_run(session_factory(), run_id, max_wait=0.5) == "COMPLETED"
    finished = _run(run_id)
    assert finished.attempts == 2 and finished.successful_job_count >= done_before
    assert finished.worker is not None and finished.run_after is None


def test_a_slice_parked_before_its_first_page_is_woken_when_its_login_and_page_both_fit(
    sample_server: Served,
) -> None:
    # 2 a minute: a slice logs in and reads a page, then parks for ~30 s. Resumed at once, its
    # login takes the only token and the page would park it again: without progress, each
    # wake-up at the budget's first token repeats that forever. It is woken one interval later.
    customer = make_customer("Stalled slice")
    _integration_id, dispatcher = create_integration(
        customer, sample_server.base_url, max_request_frequency=2, max_request_cadence="MINUTE"
    )
    run_id = dispatcher.sync_runs[0]
    with pytest.raises(Deferred) as first:
        execute_run(session_factory(), run_id, max_wait=0.5)
    assert 20 < first.value.delay <= 31  # pages stored: woken at the next token
    checkpoint = _run(run_id).checkpoint
    assert checkpoint is not None and "stalls" not in checkpoint
    for stalls in (1, 2):
        with pytest.raises(Deferred) as again:
            execute_run(session_factory(), run_id, max_wait=0.5)  # before the budget allows
        parked = _run(run_id)
        assert parked.checkpoint == {**checkpoint, "stalls": stalls}  # same resume point
        assert 30 * stalls + 20 < again.value.delay <= 30 * stalls + 31


def test_a_run_asked_to_yield_parks_between_pages_and_finishes_later(
    sample_server: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "sync_page_size", 15)
    customer = make_customer("Yielding")
    _integration_id, dispatcher = create_integration(customer, sample_server.base_url)
    run_id = dispatcher.sync_runs[0]
    slices = 1
    while True:
        try:
            status = execute_run(session_factory(), run_id, should_yield=lambda: True)
            break
        except Deferred as deferred:
            assert deferred.delay == 0
            run = _run(run_id)
            assert run.worker is None and run.checkpoint
            slices += 1
    assert status == "COMPLETED"
    assert slices > 10  # a page or a model per slice, never a page done twice
    counts = _run(run_id).counts
    assert counts["properties"]["new"] > 0
    assert all(values.get("updated", 0) == 0 for values in counts.values() if isinstance(values, dict))


def _dispatcher(tmp_path: Path) -> object:
    from pmsgate.worker.queue import HueyDispatcher

    return HueyDispatcher(get_settings().model_copy(update={"data_dir": tmp_path, "redis_url": None}))


def test_periodic_jobs_run_once_per_cluster(tmp_path: Path) -> None:
    from pmsgate.worker.jobs import once_per_cluster

    ran: list[str] = []
    workers = [_dispatcher(tmp_path) for _ in range(3)]  # three workers sharing one queue
    outcomes = [once_per_cluster(w, "scheduler.tick", lambda: ran.append("tick")) for w in workers]  # type: ignore[arg-type]
    assert outcomes.count(True) == 1 and ran == ["tick"]


def test_repeated_data_access_checks_of_one_integration_are_queued_once(tmp_path: Path) -> None:
    from pmsgate.worker.lanes import CHECKS
    from pmsgate.worker.queue import HueyDispatcher

    dispatcher = _dispatcher(tmp_path)
    assert isinstance(dispatcher, HueyDispatcher)
    for _ in range(25):
        dispatcher.data_access_check("intg_a")
    dispatcher.data_access_check("intg_b")
    assert dispatcher.pending(CHECKS) == 2
    dispatcher.check_started("intg_a")  # a request during the check asks for one more
    dispatcher.data_access_check("intg_a")
    dispatcher.data_access_check("intg_a")
    assert dispatcher.pending(CHECKS) == 3
