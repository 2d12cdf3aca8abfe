"""PARTIAL_SUCCESS: a batch of charges that reached the PMS only in part (Rent Manager's
emulator took the first charge, then the answer was lost) is neither resent nor reported as a
failure: write-status, the job logs and the write logs say PARTIAL_SUCCESS with what is missing."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi.testclient import TestClient

from pmsgate.connectors.errors import OutcomeUnknown
from pmsgate.connectors.registry import build_connector
from pmsgate.kit.db import session_factory
from pmsgate.kit.dispatch import RecordingDispatcher
from pmsgate.writes.engine import execute_write
from tests.contract import assert_matches_contract
from tests.vendors.test_rentmanager_end_to_end import World, _ledger_body, world, writer

__all__ = ["world", "writer"]  # module fixtures shared with the Rent Manager end-to-end tests


def _takes_only_the_first_charge(context: Any) -> Any:
    connector = build_connector(context)
    real_write = connector.write

    def write(request: Any) -> Any:
        first_only = dataclasses.replace(
            request, fields={**request.fields, "items": request.fields["items"][:1]}
        )
        real_write(first_only)
        raise OutcomeUnknown("the connection dropped before the PMS answered")

    connector.write = write
    return connector


def test_a_batch_the_pms_took_in_part_is_a_partial_success(
    writer: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    item = _ledger_body(writer, world, reference_number="P-1")
    response = writer.post(
        "/v1/resident-charges/batch/rentmanager/",
        json={"integration_id": world.integration_id, "charges": [item, {**item, "reference_number": "P-2"}]},
    )
    assert response.status_code == 200, response.text
    job_id = response.json()["meta"]["job_id"]
    (queued,) = dispatcher.write_jobs
    before = len(world.app.state.store.rows("Charges"))
    assert execute_write(session_factory(), queued, builder=_takes_only_the_first_charge) == "PARTIAL_SUCCESS"
    assert len(world.app.state.store.rows("Charges")) == before + 1  # nothing was sent twice

    status = writer.get(f"/v1/admin/write-status/{job_id}").json()
    assert_matches_contract("get", "/v1/admin/write-status/{root_job_id}", status)
    assert status["write_status"] == "PARTIAL_SUCCESS"
    assert status["errors"] == [status["errors"][0]] and "holds 1 of the 2 charges" in status["errors"][0]
    logs = writer.get(f"/v1/admin/logs/jobs/{job_id}").json()["results"]
    assert [log["status"] for log in logs] == ["PARTIAL_SUCCESS"]
    writes = writer.get("/v1/admin/logs/writes/", params={"status": "PARTIAL_SUCCESS"}).json()
    assert [log["job_id"] for log in writes["results"]["logs"]] == [job_id]
    assert writer.post(f"/v1/admin/retry-write/{job_id}").status_code == 400  # retrying would double P-1
