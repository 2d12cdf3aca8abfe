"""Lanes, fairness and wake-ups through the real queues (SQLite file and Redis), with the
workers running in-process against emulators served over real sockets."""

from __future__ import annotations

import itertools
import logging
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from pmsgate.connectors.errors import RateLimited
from pmsgate.kit.db import session_factory
from pmsgate.kit.deferral import Deferred
from pmsgate.models.jobs import WriteJob
from pmsgate.writes.engine import RetryLater
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import Served
from tests.worker.test_queue_end_to_end import (
    REDIS_URL,
    _settings,
    abandon_other_tests_runs,
    exclusive_redis,
    wait_for,
)


@contextmanager
def running_app(tmp_path: Path, queue: str, *, sync_threads: int = 4) -> Iterator[Any]:
    from pmsgate.app import create_app

    with exclusive_redis() if queue == "redis" else nullcontext():
        abandon_other_tests_runs()
        settings = _settings(tmp_path, REDIS_URL if queue == "redis" else None).model_copy(
            update={"workers": sync_threads}
        )
        yield create_app(settings, run_workers=True, mount_sample_emulator=False)


def _client(app: Any, customer: CustomerKey) -> TestClient:
    return TestClient(app, headers=customer.headers)


def _integration(client: TestClient, base_url: str, **extra: Any) -> str:
    created = client.post(
        "/v1/admin/integrations/",
        json={
            "integration_vendor": "SAMPLE1",
            "name": "lanes",
            "active": True,
            "credentials": {"baseUrl": base_url},
            **extra,
        },
    )
    assert created.status_code == 200, created.text
    return str(created.json()["result"]["id"])


def _synced(client: TestClient, integration_id: str, timeout: float = 60) -> float:
    started = time.monotonic()

    def done() -> Any:
        return client.get(f"/v1/admin/integrations/{integration_id}/").json()["results"][
            "last_completed_sync"
        ]

    wait_for(done, timeout)
    return time.monotonic() - started


def _charge_body(client: TestClient, integration_id: str, cents: int) -> dict[str, Any]:
    lease = client.get("/v1/leases/", params={"integration_id": integration_id}).json()["results"][0]
    code = client.get("/v1/charge-codes/", params={"property_id": lease["property_id"]}).json()["results"][0]
    return {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "charge_code_id": code["id"],
        "amount_in_cents": cents,
        "transaction_date": "2026-11-04",
    }


def _end_runs_of(customer_id: str) -> None:
    from sqlalchemy import and_, or_, select, update

    from pmsgate.kit.db import unit_of_work
    from pmsgate.kit.timeutil import utcnow
    from pmsgate.models.integrations import Integration
    from pmsgate.models.sync import SyncRun

    with unit_of_work(session_factory()) as session:
        owned = select(Integration.id).where(Integration.customer_id == customer_id)
        session.execute(
            update(SyncRun)
            .where(
                SyncRun.integration_id.in_(owned),
                or_(SyncRun.status == "QUEUED", and_(SyncRun.status == "RUNNING", SyncRun.worker.is_(None))),
            )
            .values(status="FAILED", error="test ended", finished_at=utcnow())
        )


def _jobs(job_ids: list[str]) -> list[WriteJob]:
    with session_factory()() as session:
        return [job for job_id in job_ids if (job := session.get(WriteJob, job_id)) is not None]


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_writes_waiting_for_their_slot_start_as_soon_as_it_frees(
    tmp_path: Path, fresh_sample_server: Served, queue: str
) -> None:
    customer = make_customer(f"Slots {queue}", rate_limit=100_000)
    with running_app(tmp_path, queue) as app, _client(app, customer) as client:
        integration_id = _integration(
            client, fresh_sample_server.base_url, max_job_concurrency=1, max_request_frequency=1000
        )
        _synced(client, integration_id)
        body = _charge_body(client, integration_id, 100)
        started = time.monotonic()
        job_ids = [
            client.post("/v1/resident-charges/", json={**body, "amount_in_cents": 100 + i}).json()["job_id"]
            for i in range(20)
        ]

        def all_done() -> bool:
            return all(job.status == "SUCCESS" for job in _jobs(job_ids))

        wait_for(all_done, 30)
        elapsed = time.monotonic() - started
    jobs = sorted(_jobs(job_ids), key=lambda job: job.finished_at or 0)
    # In the order they were accepted: a job the API sends does not overtake older waiting ones.
    assert [job.id for job in jobs] == job_ids
    # One at a time (max_job_concurrency=1), and the next starts as soon as the previous ends.
    gaps = [
        (later.heartbeat_at - earlier.finished_at).total_seconds()  # type: ignore[operator]
        for earlier, later in itertools.pairwise(jobs)
    ]
    assert min(gaps) >= 0, gaps
    # ~0.05 s on an idle machine (docs/benchmarks.md); generous here, the suite runs beside it
    assert statistics.median(gaps) < 1.0, gaps
    assert elapsed < 30, elapsed  # a 15 s re-poll made this take minutes


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_a_hostile_customer_does_not_hold_up_another_customers_sync_and_writes(
    tmp_path: Path, queue: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmsgate.emulators.sample import create_sample_app
    from pmsgate.emulators.server import serve_in_thread
    from pmsgate.integrations import tasks

    checked: list[str] = []
    real_check = tasks.check_data_access

    def counting_check(integration_id: str) -> None:
        checked.append(integration_id)
        real_check(integration_id)

    monkeypatch.setattr(tasks, "check_data_access", counting_check)
    caplog.set_level(logging.INFO)
    hostile_pms = serve_in_thread(create_sample_app(records=40, seed=3))
    victim_pms = serve_in_thread(create_sample_app(records=40, seed=4))
    hostile = make_customer(f"Hostile {queue}", rate_limit=100_000)
    victim = make_customer(f"Victim {queue}", rate_limit=100_000)
    try:
        # Two sync threads: the three slow hostile syncs alone could hold them all.
        with running_app(tmp_path, queue, sync_threads=2) as app, _client(app, hostile) as bad:
            good = _client(app, victim)  # outside `with`: one set of workers, started by `bad`
            baseline = _synced(good, _integration(good, victim_pms.base_url))

            httpx.post(f"{hostile_pms.base_url}/_control/faults", json={"slow_ms": 1500})
            slow = [_integration(bad, hostile_pms.base_url) for _ in range(3)]
            tiny = _integration(
                bad, victim_pms.base_url, max_request_frequency=2, max_request_cadence="MINUTE"
            )
            for _ in range(30):
                assert bad.post(f"/v1/admin/integrations/{slow[0]}/data-access").status_code == 200
            time.sleep(1)  # the hostile work holds every sync thread now

            contested = _synced(good, _integration(good, victim_pms.base_url))
            assert contested < baseline + 5, (baseline, contested)

            victim_id = _integration(good, victim_pms.base_url)
            _synced(good, victim_id)
            started = time.monotonic()
            job_id = good.post("/v1/resident-charges/", json=_charge_body(good, victim_id, 4242)).json()[
                "job_id"
            ]

            def written() -> Any:
                status = good.get(f"/v1/admin/write-status/{job_id}").json()
                return status if status["write_status"] != "PENDING" else None

            assert wait_for(written, 10)["write_status"] == "SUCCESS"
            assert time.monotonic() - started < 6  # ~1 s on a loaded machine; hostile syncs take 16 s

            with session_factory()() as session:
                from pmsgate.models.sync import SyncRun

                hostile_runs = session.query(SyncRun).filter(SyncRun.integration_id.in_([*slow, tiny])).all()
                assert all(run.status in ("QUEUED", "RUNNING") for run in hostile_runs)  # still at it
            fired = httpx.get(f"{hostile_pms.base_url}/_control/state").json()
            assert fired["fired"].get("slow_ms", 0) >= 3
    finally:
        hostile_pms.stop()
        victim_pms.stop()
        _end_runs_of(hostile.customer_id)  # so no later test's reaper picks them up
    # 30 requests: at most one check queued at a time (one more may start while one runs)
    assert 1 <= checked.count(slow[0]) <= 4, checked
    # Back-pressure is not an error (the shared test database may hold other tests' broken jobs,
    # which the reaper hands to these workers: those may fail loudly).
    back_pressure = (Deferred, RetryLater, RateLimited)
    errors = [
        r
        for r in caplog.records
        if r.levelno >= logging.ERROR
        and (r.exc_info is None or isinstance(r.exc_info[1], back_pressure))
        and "Unhandled exception in task" not in r.getMessage()
    ]
    assert not errors, [r.getMessage() for r in errors]
    raised = [r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], back_pressure)]
    assert not raised, [r.getMessage() for r in raised]
    assert any("parked" in r.getMessage() for r in caplog.records)  # the tiny budget deferred, not slept
