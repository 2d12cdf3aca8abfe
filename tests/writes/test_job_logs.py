"""`GET /v1/admin/logs/jobs/` and `/v1/admin/logs/jobs/{id}`: one log per attempt, a retried
job's chain under its root, filters, and only the caller's jobs."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmsgate.kit.dispatch import RecordingDispatcher
from tests.contract import assert_matches_contract
from tests.fixtures.api import make_customer
from tests.writes.conftest import WriteWorld, run_writes
from tests.writes.test_writes_api import bank_account


@pytest.mark.contract
def test_job_logs_list_a_retried_chain(
    app: FastAPI, writer: TestClient, world: WriteWorld, dispatcher: RecordingDispatcher
) -> None:
    leases = writer.get("/v1/leases/", params={"integration_id": world.sample1, "limit": 250}).json()
    lease: dict[str, Any] = next(item for item in leases["results"] if item["residents_meta_data"])
    body = {  # a payment into an income account: the sample PMS refuses it, so the job fails
        "integration_id": world.sample1,
        "lease_id": lease["id"],
        "resident_id": lease["residents_meta_data"][0]["resident_id"],
        "financial_account_id": bank_account(writer, lease["property_id"], bank=False)["id"],
        "amount_in_cents": 100,
        "transaction_date": "2026-11-02",
        "payment_type": "Cash",
    }
    root = writer.post("/v1/resident-payments/", json=body).json()["job_id"]
    assert run_writes(dispatcher) == ["FAILURE"]
    retry = writer.post(f"/v1/admin/retry-write/{root}").json()["job_id"]
    assert run_writes(dispatcher) == ["FAILURE"]

    chain = writer.get(f"/v1/admin/logs/jobs/{root}", params={"order-by": "created_at:asc"})
    assert chain.status_code == 200, chain.text
    assert_matches_contract("get", "/v1/admin/logs/jobs/{id}", chain.json())
    logs = chain.json()["results"]
    assert [log["job_id"] for log in logs] == [root, retry]
    assert all(log["root_job_id"] == root and log["status"] == "FAILURE" for log in logs)
    assert logs[1]["parent_job_id"] == root
    only_root = writer.get(f"/v1/admin/logs/jobs/{root}", params={"include_all_jobs": "false"}).json()
    assert [log["job_id"] for log in only_root["results"]] == [root]
    assert writer.get(f"/v1/admin/logs/jobs/{root}", params={"include_all_jobs": "maybe"}).status_code == 400

    listing = writer.get(
        "/v1/admin/logs/jobs/",
        params={"status": "FAILURE", "integration_id": world.sample1, "job_type": logs[0]["job_type"]},
    )
    assert listing.status_code == 200, listing.text
    assert_matches_contract("get", "/v1/admin/logs/jobs/", listing.json())
    assert {root, retry} <= {log["job_id"] for log in listing.json()["results"]}
    assert all(log["status"] == "FAILURE" for log in listing.json()["results"])
    assert writer.get("/v1/admin/logs/jobs/", params={"status": "MAYBE"}).status_code == 400

    with TestClient(app, headers=make_customer("Stranger").headers) as other:
        assert other.get(f"/v1/admin/logs/jobs/{root}").status_code == 404
        assert other.get("/v1/admin/logs/jobs/").json()["results"] == []
