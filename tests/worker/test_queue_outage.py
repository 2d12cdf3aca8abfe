"""A queue that cannot be reached after the data is committed (a Redis outage) must not turn the
request into a 500: the work is stored, the caller gets its answer, the reaper sends it later."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.api import CustomerKey
from tests.fixtures.sample import Served, create_integration


class UnreachableQueue:
    def _down(self, *_: object, **__: object) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    sync_run = data_access_check = write_job = _down


def test_requests_are_answered_and_the_work_stays_stored_when_the_queue_is_down(
    customer: CustomerKey, sample_server: Served, caplog: pytest.LogCaptureFixture
) -> None:
    from pmsgate.app import create_app
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.models.sync import SyncRun

    integration_id, _ = create_integration(customer, sample_server.base_url)
    app = create_app(dispatcher=UnreachableQueue(), run_workers=False, mount_sample_emulator=False)
    with (
        TestClient(app, headers=customer.headers, raise_server_exceptions=False) as client,
        caplog.at_level(logging.WARNING),
    ):
        synced = client.post(f"/v1/admin/integrations/{integration_id}/manual-sync")
        checked = client.post(f"/v1/admin/integrations/{integration_id}/data-access")
    assert synced.status_code == 200, synced.text
    assert checked.status_code < 500, checked.text
    assert "reaper re-sends" in caplog.text
    with unit_of_work(session_factory()) as session:
        runs = session.query(SyncRun).filter(SyncRun.integration_id == integration_id).all()
        assert runs and all(run.status == "QUEUED" for run in runs)
