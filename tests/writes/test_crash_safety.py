"""A write is never lost and never doubled: a worker process killed right after the PMS stored
the record, and a PMS answer lost on the wire."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import update

from pmsgate.kit.db import session_factory
from pmsgate.kit.dispatch import RecordingDispatcher
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.jobs import WriteJob
from pmsgate.worker.periodic import reap
from pmsgate.writes.engine import execute_write
from tests.fixtures.api import CustomerKey
from tests.fixtures.sample import Served, create_integration
from tests.writes.conftest import WriteWorld, first, run_writes

REPO = Path(__file__).resolve().parents[2]

# Runs one write job in a separate worker process that dies (SIGKILL-like, no cleanup) the
# moment the PMS has stored the record, before pmsgate could record the answer.
CRASHING_WORKER = """
import os, sys
from pmsgate.connectors.registry import build_connector
from pmsgate.kit.db import session_factory
from pmsgate.worker.periodic import reap
from pmsgate.writes.engine import execute_write

def builder(context):
    connector = build_connector(context)
    real_write = connector.write
    def write_then_die(request):
        real_write(request)
        os._exit(137)
    connector.write = write_then_die
    return connector

execute_write(session_factory(), sys.argv[1], builder=builder)
"""


def _job(job_id: str) -> WriteJob:
    with session_factory()() as session:
        job = session.get(WriteJob, job_id)
        assert job is not None
        return job


def _post_charge(writer: TestClient, world: WriteWorld, amount: int) -> str:
    lease = first(writer, "/v1/leases/", integration_id=world.sample1)
    code = first(writer, "/v1/charge-codes/", property_id=lease["property_id"])
    response = writer.post(
        "/v1/resident-charges/",
        json={
            "integration_id": world.sample1,
            "lease_id": lease["id"],
            "charge_code_id": code["id"],
            "amount_in_cents": amount,
            "transaction_date": "2026-11-05",
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["job_id"])


def _at_pms(world: WriteWorld, marker: str) -> list[dict[str, Any]]:
    return world.native("charges", ref=marker)


def test_a_worker_killed_mid_job_neither_loses_nor_doubles_the_write(
    writer: TestClient, world: WriteWorld, dispatcher: RecordingDispatcher
) -> None:
    job_id = _post_charge(writer, world, 7777)
    dispatcher.write_jobs.clear()
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_WORKER, job_id],
        env=dict(os.environ),
        cwd=REPO,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert crashed.returncode == 137, crashed.stderr.decode()[-2000:]
    job = _job(job_id)
    assert (job.status, job.phase) == ("RUNNING", "SENDING")
    assert len(_at_pms(world, job.marker)) == 1  # the PMS has it; pmsgate does not know yet

    assert execute_write(session_factory(), job_id) is None  # not re-run while the worker might live
    with session_factory()() as session, session.begin():
        session.execute(
            update(WriteJob).where(WriteJob.id == job_id).values(heartbeat_at=utcnow() - timedelta(hours=1))
        )
    reap(dispatcher)  # the reaper notices the silent worker and re-delivers the job
    assert job_id in dispatcher.write_jobs
    dispatcher.write_jobs[:] = [job_id]
    assert run_writes(dispatcher) == ["SUCCESS"]  # reconciled with the PMS, not sent again

    job = _job(job_id)
    assert job.attempts == 2 and job.created_record_id is not None
    assert len(_at_pms(world, job.marker)) == 1
    charge = writer.get(f"/v1/resident-charges/{job.created_record_id}").json()["results"]
    assert charge["amount_in_cents"] == 7777


def test_a_worker_that_dies_after_the_claim_before_the_call_costs_a_look_not_a_second_write(
    writer: TestClient, world: WriteWorld, dispatcher: RecordingDispatcher
) -> None:
    import pytest

    job_id = _post_charge(writer, world, 7171)
    dispatcher.write_jobs.clear()

    def dies(_context: object) -> object:
        raise RuntimeError("the worker died before its call left")

    with pytest.raises(RuntimeError):
        execute_write(session_factory(), job_id, builder=dies)
    job = _job(job_id)
    assert (job.status, job.phase) == ("RUNNING", "SENDING")  # committed with the claim
    with session_factory()() as session, session.begin():
        session.execute(
            update(WriteJob).where(WriteJob.id == job_id).values(heartbeat_at=utcnow() - timedelta(hours=1))
        )
    reap(dispatcher)
    dispatcher.write_jobs[:] = [job_id]
    assert run_writes(dispatcher) == ["SUCCESS"]  # looked for at the PMS, absent, sent once
    job = _job(job_id)
    assert job.attempts == 2 and job.created_record_id is not None
    assert len(_at_pms(world, job.marker)) == 1


def test_a_lost_answer_is_reconciled_instead_of_posting_twice(
    writer: TestClient, world: WriteWorld, dispatcher: RecordingDispatcher
) -> None:
    job_id = _post_charge(writer, world, 8888)
    httpx.post(f"{world.server.base_url}/_control/faults", json={"fail_writes_after_commit": 1})
    try:
        assert run_writes(dispatcher) == ["SUCCESS"]
    finally:
        httpx.post(f"{world.server.base_url}/_control/reset")
    job = _job(job_id)
    assert len(_at_pms(world, job.marker)) == 1
    assert job.created_record_id is not None


def test_max_job_concurrency_holds_back_a_second_job(
    writer: TestClient, world: WriteWorld, dispatcher: RecordingDispatcher
) -> None:
    import pytest

    from pmsgate.writes.engine import RetryLater

    first_job = _post_charge(writer, world, 101)
    second_job = _post_charge(writer, world, 102)
    with session_factory()() as session, session.begin():  # a live worker holds the first job
        session.execute(
            update(WriteJob).where(WriteJob.id == first_job).values(status="RUNNING", heartbeat_at=utcnow())
        )
    try:
        with pytest.raises(RetryLater, match="already runs 1 jobs"):
            execute_write(session_factory(), second_job)
        assert _job(second_job).status == "PENDING"
    finally:
        with session_factory()() as session, session.begin():
            session.execute(update(WriteJob).where(WriteJob.id == first_job).values(status="PENDING"))
    dispatcher.write_jobs[:] = [first_job, second_job]
    assert run_writes(dispatcher) == ["SUCCESS", "SUCCESS"]


def test_a_newer_job_does_not_overtake_an_older_one_waiting_for_the_slot(
    writer: TestClient, world: WriteWorld, dispatcher: RecordingDispatcher
) -> None:
    import pytest

    from pmsgate.writes.engine import SlotTaken

    older = _post_charge(writer, world, 201)
    newer = _post_charge(writer, world, 202)
    with pytest.raises(SlotTaken, match="older jobs") as taken:
        execute_write(session_factory(), newer)  # the slot is free, but the older job goes first
    assert taken.value.wake == [older]
    assert _job(newer).status == "PENDING" and _job(newer).attempts == 0
    assert execute_write(session_factory(), older) == "SUCCESS"
    assert execute_write(session_factory(), newer) == "SUCCESS"
    assert _job(older).finished_at <= _job(newer).finished_at  # type: ignore[operator]


def test_an_outcome_that_cannot_be_established_fails_saying_so(
    writer: TestClient, world: WriteWorld, dispatcher: RecordingDispatcher
) -> None:
    from dataclasses import replace

    from pmsgate.connectors.http import RetryPolicy
    from pmsgate.connectors.registry import ConnectorContext, build_connector

    def impatient(context: ConnectorContext) -> object:
        return build_connector(replace(context, retry=RetryPolicy(max_attempts=2, sleep=lambda _s: None)))

    job_id = _post_charge(writer, world, 9999)
    # The PMS stores the charge but the answer is lost, and then it cannot be asked about it.
    httpx.post(
        f"{world.server.base_url}/_control/faults", json={"fail_writes_after_commit": 1, "server_errors": 0}
    )
    try:
        original = dispatcher.write_jobs.pop()

        def lose_then_fail(context: ConnectorContext) -> object:
            connector: Any = impatient(context)
            real_write = connector.write

            def write(request: Any) -> Any:
                try:
                    return real_write(request)
                finally:
                    httpx.post(f"{world.server.base_url}/_control/faults", json={"server_errors": 50})

            connector.write = write
            return connector

        assert execute_write(session_factory(), original, builder=lose_then_fail) == "FAILURE"
    finally:
        httpx.post(f"{world.server.base_url}/_control/reset")
    status = writer.get(f"/v1/admin/write-status/{job_id}").json()
    assert status["write_status"] == "FAILURE"
    assert "unknown" in status["errors"][0]
    assert len(_at_pms(world, _job(job_id).marker)) == 1  # it did reach the PMS: no silent SUCCESS, no resend

    retried = writer.post(f"/v1/admin/retry-write/{job_id}").json()["job_id"]
    dispatcher.write_jobs[:] = [retried]
    assert run_writes(dispatcher) == ["SUCCESS"]  # the retry finds the charge instead of posting it again
    assert len(_at_pms(world, _job(job_id).marker)) == 1
    status = writer.get(f"/v1/admin/write-status/{job_id}").json()
    assert status["write_status"] == "SUCCESS" and status["created_record_id"]


def test_a_job_with_an_operation_no_release_wrote_fails_instead_of_looping(
    customer: CustomerKey, sample_server: Served
) -> None:
    from pmsgate.kit.db import unit_of_work
    from pmsgate.kit.ids import new_id

    integration_id, _ = create_integration(customer, sample_server.base_url)
    job_id = new_id("job")
    with unit_of_work(session_factory()) as session:
        session.add(
            WriteJob(
                id=job_id,
                root_job_id=job_id,
                customer_id=customer.customer_id,
                integration_id=integration_id,
                vendor="SAMPLE1",
                operation="MOVE_MOUNTAINS",
                write_category="resident_charges",
                status="PENDING",
                phase="NOT_SENT",
                parameters={},
                native={},
                marker="z" * 16,
                errors=[],
                created_at=utcnow(),
            )
        )
    assert execute_write(session_factory(), job_id) == "FAILURE"
    with unit_of_work(session_factory()) as session:
        job = session.get(WriteJob, job_id)
        assert job is not None and job.status == "FAILURE" and "MOVE_MOUNTAINS" in job.errors[0]
