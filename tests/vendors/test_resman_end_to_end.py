"""RESMAN end to end: an integration pointed at a served ResMan emulator syncs every model
ResMan has, then posts charges and payments through pmsgate's HTTP API. ResMan holds a partner
transaction pending until the property manager approves it: the job succeeds without an id,
and the record is readable after the approval and the next sync."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import pmsgate.connectors.resman  # registers RESMAN
import pmsgate.emulators.resman.definition  # noqa: F401  (registers the emulator)
from pmsgate.canonical.registry import Model
from pmsgate.connectors.resman import MODELS
from pmsgate.connectors.resman.rules import PENDING_NOTE
from pmsgate.emulators.registry import emulator
from pmsgate.emulators.resman import create_resman_app
from pmsgate.emulators.server import RunningServer, serve_in_thread
from pmsgate.kit.dispatch import RecordingDispatcher
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import create_integration, run_queued_syncs
from tests.writes.conftest import run_writes

RESOURCES = {
    Model.PROPERTIES: "properties",
    Model.UNITS: "units",
    Model.RESIDENTS: "residents",
    Model.LEASES: "leases",
    Model.CHARGE_CODES: "charge-codes",
    Model.FINANCIAL_ACCOUNTS: "financial-accounts",
    Model.RESIDENT_CHARGES: "resident-charges",
    Model.RESIDENT_PAYMENTS: "resident-payments",
    Model.RECURRING_RESIDENT_CHARGES: "recurring-resident-charges",
}
TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture(scope="module")
def served() -> Iterator[RunningServer]:
    server = serve_in_thread(create_resman_app(records=30, seed=5))
    yield server
    server.stop()


def _credentials(server: RunningServer) -> dict[str, Any]:
    app = server._server.config.app
    return {**emulator("resman").credentials(app), "baseUrl": server.base_url}


def _control(server: RunningServer, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    if body is None:
        response = httpx.get(f"{server.base_url}/_control/{name}")
    else:
        response = httpx.post(f"{server.base_url}/_control/{name}", json=body)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture(scope="module")
def synced(served: RunningServer) -> tuple[CustomerKey, str]:
    customer = make_customer("ResMan customer")
    integration_id, dispatcher = create_integration(
        customer,
        served.base_url,
        integration_vendor="RESMAN",
        name="ResMan",
        credentials=_credentials(served),
    )
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    return customer, integration_id


@pytest.fixture
def api(app: FastAPI, synced: tuple[CustomerKey, str]) -> Iterator[TestClient]:
    with TestClient(app, headers=synced[0].headers) as client:
        yield client


def _first(client: TestClient, resource: str, **params: Any) -> dict[str, Any]:
    results = client.get(f"/v1/{resource}/", params=params).json()["results"]
    assert results, resource
    return dict(results[0])


def test_first_sync_stores_every_model_resman_has(api: TestClient, synced: tuple[CustomerKey, str]) -> None:
    _, integration_id = synced
    for model, resource in RESOURCES.items():
        assert model in MODELS
        body = api.get(f"/v1/{resource}/", params={"integration_id": integration_id}).json()
        assert body["meta"]["total"] > 0, resource
    lease = _first(api, "leases", integration_id=integration_id)
    links = lease["residents_meta_data"]
    assert links and [m["resident_type_normalized"] for m in links].count("PRIMARY") == 1
    concessions = api.get(
        "/v1/resident-charges/", params={"integration_id": integration_id, "limit": 250}
    ).json()["results"]
    assert any(c["amount_in_cents"] < 0 and c["amount_raw"].startswith("-") for c in concessions)
    assert all(c["amount_in_cents"] == round(float(c["amount_raw"]) * 100) for c in concessions)


def _target(api: TestClient, integration_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    resident = _first(api, "residents", integration_id=integration_id)
    codes = api.get("/v1/charge-codes/", params={"integration_id": integration_id}).json()["results"]
    return resident, next(c for c in codes if c["x_id"] == "PARK")


def _status(api: TestClient, job_id: str) -> dict[str, Any]:
    result: dict[str, Any] = api.get(f"/v1/admin/write-status/{job_id}").json()
    return result


def _job_note(job_id: str) -> str | None:
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.writes.repository import WriteRepository

    with unit_of_work(session_factory()) as session:
        job = WriteRepository.from_session(session).get(job_id)
        assert job is not None
        return job.note


def _sync_again(api: TestClient, integration_id: str, dispatcher: RecordingDispatcher) -> None:
    response = api.post(f"/v1/admin/integrations/{integration_id}/manual-sync")
    assert response.status_code == 200, response.text
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]


def test_charge_and_payment_are_pending_until_approved_then_read_after_a_sync(
    api: TestClient, synced: tuple[CustomerKey, str], served: RunningServer, dispatcher: RecordingDispatcher
) -> None:
    _, integration_id = synced
    resident, parking = _target(api, integration_id)
    common = {
        "integration_id": integration_id,
        "resident_id": resident["id"],
        "batch_id": "B-2026-12",
        "transaction_date": TODAY,
        "notes": "posted by pmsgate tests",
        "reference_number": "R-501",
    }
    charge = {**common, "charge_code_id": parking["id"], "amount_in_cents": 4510, "description": "Parking"}
    payment = {
        **common,
        "payment_type": "Money Order",
        "amount_in_cents": 4510,
        "description": "Parking paid",
    }
    jobs = []
    for path, body in (("resident-charges/resman", charge), ("resident-payments", payment)):
        response = api.post(f"/v1/{path}/", json=body)
        assert response.status_code == 200, response.text
        body_json = response.json()
        jobs.append(body_json["meta"]["job_id"] if "meta" in body_json else body_json["job_id"])
        assert run_writes(dispatcher) == ["SUCCESS"], path
    for job_id in jobs:
        status = _status(api, job_id)
        assert status["write_status"] == "SUCCESS" and status["created_record_id"] is None
        assert _job_note(job_id) == PENDING_NOTE
    pending = _control(served, "state")["pending"]
    assert {p["Kind"] for p in pending} == {"Charge", "Payment"}

    # Not approved yet: a sync does not bring them.
    _sync_again(api, integration_id, dispatcher)
    params = {"integration_id": integration_id, "resident_id": resident["id"], "limit": 250}
    charges = api.get("/v1/resident-charges/", params=params).json()["results"]
    assert not [c for c in charges if c["description"] == "Parking"]

    _control(served, "approve", {})
    _sync_again(api, integration_id, dispatcher)
    charges = api.get("/v1/resident-charges/", params=params).json()["results"]
    posted = [c for c in charges if c["description"] == "Parking"]
    assert len(posted) == 1
    assert posted[0]["amount_in_cents"] == 4510 and posted[0]["amount_raw"] == "45.10"
    assert posted[0]["reference_number"] == "R-501" and posted[0]["charge_code_id"] == parking["id"]
    payments = api.get("/v1/resident-payments/", params=params).json()["results"]
    paid = [p for p in payments if p["description"] == "Parking paid"]
    assert len(paid) == 1 and paid[0]["payment_method_raw"] == "Money Order"


def test_a_batch_posts_every_charge_in_one_call(
    api: TestClient, synced: tuple[CustomerKey, str], served: RunningServer, dispatcher: RecordingDispatcher
) -> None:
    _, integration_id = synced
    resident, parking = _target(api, integration_id)
    item = {
        "integration_id": integration_id,
        "resident_id": resident["id"],
        "charge_code_id": parking["id"],
        "batch_id": "B-batch",
        "transaction_date": TODAY,
        "notes": "batch",
        "reference_number": "R-B",
        "description": "Batch parking",
    }
    body = {"integration_id": integration_id, "charges": [{**item, "amount_in_cents": n} for n in (101, 202)]}
    response = api.post("/v1/resident-charges/batch/resman/", json=body)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    batch = [p for p in _control(served, "state")["pending"] if p["BatchID"] == "B-batch"]
    assert sorted(p["Amount"] for p in batch) == ["1.01", "2.02"]


def test_a_write_whose_answer_was_lost_is_not_posted_twice(
    api: TestClient, synced: tuple[CustomerKey, str], served: RunningServer, dispatcher: RecordingDispatcher
) -> None:
    _, integration_id = synced
    resident, parking = _target(api, integration_id)
    _control(served, "faults", {"fail_writes_after_commit": 1})
    body = {
        "integration_id": integration_id,
        "resident_id": resident["id"],
        "charge_code_id": parking["id"],
        "batch_id": "B-lost",
        "transaction_date": TODAY,
        "notes": "lost answer",
        "reference_number": "R-L",
        "description": "Lost answer",
        "amount_in_cents": 999,
    }
    response = api.post("/v1/resident-charges/", json=body)
    assert response.status_code == 200, response.text
    # ResMan stored it and answered 500: the job reconciles, resends, and the duplicate refusal
    # says it is there already.
    assert run_writes(dispatcher) == ["SUCCESS"]
    state = _control(served, "state")
    assert state["fired"]["fail_writes_after_commit"] == 1
    assert len([p for p in state["pending"] if p["BatchID"] == "B-lost"]) == 1


def test_unsupported_writes_are_refused_at_request_time(
    api: TestClient, synced: tuple[CustomerKey, str]
) -> None:
    _, integration_id = synced
    lease = _first(api, "leases", integration_id=integration_id)
    credit = {"integration_id": integration_id, "lease_id": lease["id"], "amount_in_cents": 100}
    assert api.post("/v1/resident-credits/", json=credit).status_code == 400
    assert api.post("/v1/resident-credits/resman/", json=credit).status_code == 405
    recurring = {"integration_id": integration_id, "lease_id": lease["id"], "amount_in_cents": 100}
    assert api.post("/v1/recurring-resident-charges/", json=recurring).status_code == 400
    assert api.post("/v1/recurring-resident-charges/resman/", json=recurring).status_code == 405
    existing = _first(api, "recurring-resident-charges", integration_id=integration_id)
    update = api.put(f"/v1/recurring-resident-charges/resman/{existing['id']}", json={"amount_in_cents": 1})
    assert update.status_code == 405


def test_invalid_writes_name_the_field(api: TestClient, synced: tuple[CustomerKey, str]) -> None:
    _, integration_id = synced
    resident, parking = _target(api, integration_id)
    body = {
        "integration_id": integration_id,
        "resident_id": resident["id"],
        "charge_code_id": parking["id"],
        "transaction_date": TODAY,
        "description": "No batch",
        "amount_in_cents": 100,
        "reference_number": "R",
        "notes": "n",
    }
    response = api.post("/v1/resident-charges/", json=body)
    assert response.status_code == 400
    assert ["batch_id"] in [i["path"] for i in response.json()["error"]["details"]["issues"]]
    refused = api.post("/v1/resident-charges/", json={**body, "batch_id": "B", "lease_id": "x"})
    assert refused.status_code == 400
    assert ["lease_id"] in [i["path"] for i in refused.json()["error"]["details"]["issues"]]
    payment = {**body, "batch_id": "B"}
    payment.pop("charge_code_id")
    missing_type = api.post("/v1/resident-payments/", json=payment)
    assert missing_type.status_code == 400
    assert ["payment_type"] in [i["path"] for i in missing_type.json()["error"]["details"]["issues"]]


def test_a_rate_limited_resman_slows_the_sync_without_failing_it() -> None:
    server = serve_in_thread(create_resman_app(records=20, seed=4, requests_per_second=2))
    try:
        _control(server, "faults", {"rate_limit_burst": 2})
        customer = make_customer("ResMan limited")
        dispatcher: RecordingDispatcher
        _, dispatcher = create_integration(
            customer,
            server.base_url,
            integration_vendor="RESMAN",
            name="Limited",
            credentials=_credentials(server),
        )
        started = datetime.now(UTC)
        assert run_queued_syncs(dispatcher) == ["COMPLETED"]
        fired = _control(server, "state")["fired"]
        assert fired["rate_limit_burst"] == 2 and fired.get("rate_limit", 0) > 0
        assert (datetime.now(UTC) - started).total_seconds() > 2
    finally:
        server.stop()
