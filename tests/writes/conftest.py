"""A private sample PMS for write tests (they change it), with a synced SAMPLE1 and SAMPLE2
integration of one customer, and helpers to run queued write jobs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmsgate.kit.dispatch import RecordingDispatcher
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import Served, create_integration, run_queued_syncs


@dataclass
class WriteWorld:
    server: Served
    customer: CustomerKey
    sample1: str
    sample2: str

    def native(self, collection: str, **params: Any) -> list[dict[str, Any]]:
        token = httpx.post(
            f"{self.server.base_url}/api/v2/auth/token",
            json={"username": "", "password": "", "companyId": ""},
        ).json()["accessToken"]
        response = httpx.get(
            f"{self.server.base_url}/api/v2/{collection}",
            params={"pageSize": 500, **params},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        return list(response.json()["data"])


@pytest.fixture(scope="module")
def world() -> Iterator[WriteWorld]:
    from pmsgate.emulators.sample import create_sample_app
    from pmsgate.emulators.server import serve_in_thread

    app = create_sample_app(records=30, seed=5)
    server = serve_in_thread(app)
    customer = make_customer("Writer")
    sample1, dispatcher = create_integration(customer, server.base_url)
    sample2, dispatcher2 = create_integration(
        customer, server.base_url, integration_vendor="SAMPLE2", name="Sample two"
    )
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    assert run_queued_syncs(dispatcher2) == ["COMPLETED"]
    yield WriteWorld(Served(server.base_url, app), customer, sample1, sample2)
    server.stop()


@pytest.fixture
def writer(app: FastAPI, world: WriteWorld) -> Iterator[TestClient]:
    with TestClient(app, headers=world.customer.headers) as client:
        yield client
    _end_unrun_jobs(world)


def _end_unrun_jobs(world: WriteWorld) -> None:
    """Jobs a test accepted and never ran end with it: an integration's jobs take its slots in
    the order they were accepted, so a leftover PENDING job would hold back the next test's."""
    from sqlalchemy import update

    from pmsgate.kit.db import session_factory
    from pmsgate.kit.timeutil import utcnow
    from pmsgate.models.jobs import WriteJob

    with session_factory()() as session, session.begin():
        session.execute(
            update(WriteJob)
            .where(WriteJob.integration_id.in_([world.sample1, world.sample2]), WriteJob.status == "PENDING")
            .values(status="FAILURE", errors=["not run: the test ended"], finished_at=utcnow())
        )


def run_writes(dispatcher: RecordingDispatcher) -> list[str | None]:
    from pmsgate.kit.db import session_factory
    from pmsgate.writes.engine import execute_write

    statuses = []
    while dispatcher.write_jobs:
        statuses.append(execute_write(session_factory(), dispatcher.write_jobs.pop(0)))
    return statuses


def first(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    results = client.get(path, params=params).json()["results"]
    assert results, f"nothing at {path} {params}"
    return dict(results[0])
