"""The scheduler tick and the reaper."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.dispatch import RecordingDispatcher
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.integrations import JobSchedule
from pmsgate.models.sync import SyncRun
from pmsgate.sync.engine import execute_run
from pmsgate.worker.periodic import reap, tick
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served, create_integration, run_queued_syncs


def test_due_schedules_start_a_sync_and_move_on(sample_server: Served) -> None:
    customer = make_customer()
    integration_id, first_dispatcher = create_integration(customer, sample_server.base_url)
    assert run_queued_syncs(first_dispatcher) == ["COMPLETED"]

    dispatcher = RecordingDispatcher()
    tick(dispatcher)
    assert dispatcher.sync_runs == []  # not due yet: the schedule says every 12 hours

    with unit_of_work(session_factory()) as session:
        session.execute(
            update(JobSchedule)
            .where(JobSchedule.integration_id == integration_id)
            .values(next_run_at=utcnow() - timedelta(minutes=1))
        )
    tick(dispatcher)
    assert len(dispatcher.sync_runs) == 1
    with session_factory()() as session:
        run = session.get(SyncRun, dispatcher.sync_runs[0])
        assert run is not None and run.kind == "SCHEDULED" and run.modified_since is not None
        schedule = session.query(JobSchedule).filter_by(integration_id=integration_id).one()
        assert schedule.last_run is not None
        assert schedule.next_run_at is not None and schedule.next_run_at > utcnow() + timedelta(hours=11)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]


def test_the_reaper_redelivers_runs_whose_worker_died(sample_server: Served) -> None:
    customer = make_customer()
    _integration_id, dispatcher = create_integration(customer, sample_server.base_url)
    run_id = dispatcher.sync_runs[0]
    with unit_of_work(session_factory()) as session:
        session.execute(
            update(SyncRun)
            .where(SyncRun.id == run_id)
            .values(status="RUNNING", heartbeat_at=utcnow() - timedelta(hours=1))
        )
    redelivered = RecordingDispatcher()
    reap(redelivered)
    assert run_id in redelivered.sync_runs
    assert execute_run(session_factory(), run_id) == "COMPLETED"
