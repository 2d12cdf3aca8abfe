"""Work queued inside a larger transaction reaches the workers only once it is durable, and a
run parked by its PMS budget is woken when its wait ends: through the real Redis queue, with
the workers running in-process, well within the reaper's timeout (120 s), which must not be
what finishes them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from pmsgate.customers.repository import CustomerRepository
from pmsgate.integrations.schemas import IntegrationCreate
from pmsgate.integrations.service import create_integration
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.models.integrations import Integration
from pmsgate.models.sync import SyncRun
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served
from tests.worker.test_lanes import _end_runs_of, running_app
from tests.worker.test_queue_end_to_end import wait_for


def _runs_of(customer_id: str) -> list[SyncRun]:
    with session_factory()() as session:
        owned = select(Integration.id).where(Integration.customer_id == customer_id)
        return list(session.scalars(select(SyncRun).where(SyncRun.integration_id.in_(owned))))


def _queue_in_one_transaction(
    app: Any, customer_id: str, base_url: str, count: int, *, hold: float, **extra: Any
) -> None:
    """Like the scheduler's tick or a bulk import: several runs queued by one transaction,
    which stays open a moment after the last one (time enough for a worker to take a message)."""
    with unit_of_work(session_factory()) as session:
        customer = CustomerRepository.from_session(session).get(customer_id)
        assert customer is not None
        for index in range(count):
            body = IntegrationCreate.model_validate(
                {
                    "integration_vendor": "SAMPLE1",
                    "name": f"bulk {index}",
                    "active": True,
                    "credentials": {"baseUrl": base_url},
                    **extra,
                }
            )
            create_integration(session, customer, body, app.state.dispatcher)
        session.flush()
        time.sleep(hold)


def _all_ended(customer_id: str, count: int) -> bool:
    runs = _runs_of(customer_id)
    return len(runs) == count and all(run.status not in ("QUEUED", "RUNNING") for run in runs)


def test_runs_queued_by_one_transaction_all_start_once_it_commits(
    tmp_path: Path, fresh_sample_server: Served
) -> None:
    # Each run is queued inside a SAVEPOINT; releasing one used to send the runs queued before
    # it, before the outer commit: a worker took the message, found no run and dropped it, and
    # the run waited for the reaper (~2-3 minutes; the 179 s 2-worker scale-out outlier).
    customer = make_customer("Bulk queue")
    with running_app(tmp_path, "redis") as app, TestClient(app):
        try:
            _queue_in_one_transaction(app, customer.customer_id, fresh_sample_server.base_url, 4, hold=1.5)
            wait_for(lambda: _all_ended(customer.customer_id, 4), timeout=45)
            assert {run.status for run in _runs_of(customer.customer_id)} == {"COMPLETED"}
            assert all(run.attempts == 1 for run in _runs_of(customer.customer_id))
        finally:
            _end_runs_of(customer.customer_id)


def test_a_run_parked_by_its_budget_is_woken_when_the_wait_ends(
    tmp_path: Path, fresh_sample_server: Served
) -> None:
    # One request a second, burst 1: each wait (1 s) is longer than a thread may sleep (0.5 s), so the
    # run parks after most pages and is brought back by its scheduled wake-up, not by the reaper.
    # Each resumed slice spends a token on its login: it used to park again before its first
    # page, every time, and never finish.
    customer = make_customer("Parked")
    with running_app(tmp_path, "redis") as app, TestClient(app):
        try:
            started = time.monotonic()
            _queue_in_one_transaction(
                app,
                customer.customer_id,
                fresh_sample_server.base_url,
                1,
                hold=0.0,
                max_request_frequency=1,
                max_request_cadence="SECOND",
            )
            wait_for(lambda: _all_ended(customer.customer_id, 1), timeout=90)
            (run,) = _runs_of(customer.customer_id)
            assert run.status == "COMPLETED", run.error
            assert run.attempts > 1  # it did park, and came back each time
            assert time.monotonic() - started < 90
        finally:
            _end_runs_of(customer.customer_id)
