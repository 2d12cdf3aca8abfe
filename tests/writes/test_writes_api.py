"""Writes as jobs, end to end against the sample PMS: accepted at once, performed by the worker
function, reported truthfully, readable at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmsgate.emulators.sample.wire import BASE
from pmsgate.emulators.seeding import month_start
from pmsgate.kit.dispatch import RecordingDispatcher
from tests.contract import assert_matches_contract
from tests.fixtures.api import make_customer
from tests.writes.conftest import WriteWorld, first, run_writes


@pytest.fixture
def lease(writer: TestClient, world: WriteWorld) -> dict[str, Any]:
    leases = writer.get("/v1/leases/", params={"integration_id": world.sample1, "limit": 250}).json()[
        "results"
    ]
    return next(lease for lease in leases if lease["residents_meta_data"])


def charge_body(writer: TestClient, world: WriteWorld, lease: dict[str, Any], **extra: Any) -> dict[str, Any]:
    code = first(writer, "/v1/charge-codes/", property_id=lease["property_id"])
    return {
        "integration_id": world.sample1,
        "lease_id": lease["id"],
        "charge_code_id": code["id"],
        "amount_in_cents": 1999,
        "transaction_date": "2026-11-01",
        "description": "Renters insurance premium",
        **extra,
    }


def bank_account(writer: TestClient, property_id: str, *, bank: bool = True) -> dict[str, Any]:
    accounts = writer.get("/v1/financial-accounts/", params={"property_id": property_id}).json()["results"]
    kind = "bank" if bank else "income"
    return next(a for a in accounts if (a.get("custom_data") or {}).get("kind") == kind)


def status(writer: TestClient, job_id: str) -> dict[str, Any]:
    response = writer.get(f"/v1/admin/write-status/{job_id}")
    assert response.status_code == 200, response.text
    assert_matches_contract("get", "/v1/admin/write-status/{root_job_id}", response.json())
    return dict(response.json())


@pytest.mark.contract
def test_a_charge_is_accepted_performed_and_readable(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any], dispatcher: RecordingDispatcher
) -> None:
    response = writer.post("/v1/resident-charges/", json=charge_body(writer, world, lease))
    assert response.status_code == 200, response.text
    body = response.json()
    assert_matches_contract("post", "/v1/resident-charges/", body)
    assert body["data"]["amount_in_cents"] == 1999 and body["data"]["notes"] is None
    assert status(writer, body["job_id"])["write_status"] == "PENDING"

    assert run_writes(dispatcher) == ["SUCCESS"]
    result = status(writer, body["job_id"])
    assert result["write_status"] == "SUCCESS" and result["errors"] == []
    charge = writer.get(f"/v1/resident-charges/{result['created_record_id']}").json()["results"]
    assert charge["amount_in_cents"] == 1999
    assert charge["lease_id"] == lease["id"]
    assert charge["description"] == "Renters insurance premium"


def test_a_credit_reads_back_as_a_negative_charge(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any], dispatcher: RecordingDispatcher
) -> None:
    body = charge_body(writer, world, lease, amount_in_cents=500)
    response = writer.post("/v1/resident-credits/", json=body)
    assert response.status_code == 200, response.text
    assert_matches_contract("post", "/v1/resident-credits/", response.json())
    assert run_writes(dispatcher) == ["SUCCESS"]
    created = status(writer, response.json()["job_id"])["created_record_id"]
    credit = writer.get(f"/v1/resident-charges/{created}").json()["results"]
    assert credit["amount_in_cents"] == -500


def test_a_payment_is_posted_to_a_bank_account(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any], dispatcher: RecordingDispatcher
) -> None:
    account = bank_account(writer, lease["property_id"])
    body = {
        "integration_id": world.sample1,
        "lease_id": lease["id"],
        "resident_id": lease["residents_meta_data"][0]["resident_id"],
        "financial_account_id": account["id"],
        "amount_in_cents": 12345,
        "transaction_date": "2026-11-02T10:00:00Z",
        "payment_type": "ACH",
        "reference_number": "ACH-778",
    }
    response = writer.post("/v1/resident-payments/", json=body)
    assert response.status_code == 200, response.text
    assert_matches_contract("post", "/v1/resident-payments/", response.json())
    assert run_writes(dispatcher) == ["SUCCESS"]
    created = status(writer, response.json()["job_id"])["created_record_id"]
    payment = writer.get(f"/v1/resident-payments/{created}").json()["results"]
    assert payment["amount_in_cents"] == 12345 and payment["reference_number"] == "ACH-778"


def test_a_vendor_refusal_ends_in_failure_naming_the_field(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any], dispatcher: RecordingDispatcher
) -> None:
    account = bank_account(writer, lease["property_id"], bank=False)
    body = {
        "integration_id": world.sample1,
        "lease_id": lease["id"],
        "resident_id": lease["residents_meta_data"][0]["resident_id"],
        "financial_account_id": account["id"],
        "amount_in_cents": 100,
        "transaction_date": "2026-11-02",
        "payment_type": "Check",
    }
    response = writer.post("/v1/resident-payments/", json=body)
    assert response.status_code == 200
    assert run_writes(dispatcher) == ["FAILURE"]
    result = status(writer, response.json()["job_id"])
    assert result["write_status"] == "FAILURE"
    assert "accountId" in result["errors"][0]
    assert result["created_record_id"] is None


def test_recurring_charge_create_and_update(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any], dispatcher: RecordingDispatcher
) -> None:
    code = first(writer, "/v1/charge-codes/", property_id=lease["property_id"])
    body = {
        "integration_id": world.sample1,
        "lease_id": lease["id"],
        "charge_code_id": code["id"],
        "amount_in_cents": 2500,
        "frequency_normalized": "MONTHLY",
        "start_date": "2026-12-01",
        "charge_due_day": 1,
        "description": "Amenity fee",
    }
    response = writer.post("/v1/recurring-resident-charges/", json=body)
    assert response.status_code == 200, response.text
    assert_matches_contract("post", "/v1/recurring-resident-charges/", response.json())
    assert run_writes(dispatcher) == ["SUCCESS"]
    created = status(writer, response.json()["job_id"])["created_record_id"]
    recurring = writer.get(f"/v1/recurring-resident-charges/{created}").json()["results"]
    assert recurring["amount_in_cents"] == 2500 and recurring["frequency_normalized"] == "MONTHLY"

    update = writer.put(f"/v1/recurring-resident-charges/{created}", json={"amount_in_cents": 2750})
    assert update.status_code == 200, update.text
    assert_matches_contract(
        "put", "/v1/recurring-resident-charges/{recurring_resident_charge_id}", update.json()
    )
    assert run_writes(dispatcher) == ["SUCCESS"]
    assert status(writer, update.json()["job_id"])["write_status"] == "SUCCESS"
    updated = writer.get(f"/v1/recurring-resident-charges/{created}").json()["results"]
    assert updated["amount_in_cents"] == 2750


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"lease_id": None}, "lease_id", "required"),
        ({"amount_in_cents": None}, "amount_in_cents", "required"),
        ({"notes": "not for this vendor"}, "notes", "unsupported_field"),
        ({"favourite_colour": "blue"}, "favourite_colour", "unrecognized_keys"),
        ({"amount_in_cents": "ten"}, "amount_in_cents", "int_type"),  # strict: JSON numbers only
        ({"amount_in_cents": -5}, "amount_in_cents", "invalid"),
        ({"transaction_date": "last tuesday"}, "transaction_date", "value_error"),
        ({"lease_id": "lease_doesnotexist"}, "lease_id", "not_found"),
        ({"charge_code_id": "cc_doesnotexist"}, "charge_code_id", "not_found"),
    ],
)
def test_bad_charges_are_refused_at_request_time(
    writer: TestClient,
    world: WriteWorld,
    lease: dict[str, Any],
    dispatcher: RecordingDispatcher,
    change: dict[str, Any],
    field: str,
    code: str,
) -> None:
    body = {k: v for k, v in {**charge_body(writer, world, lease), **change}.items() if v is not None}
    response = writer.post("/v1/resident-charges/", json=body)
    assert response.status_code == 400, response.text
    issues = response.json()["error"]["details"]["issues"]
    assert any(i["path"] == [field] and i["code"] == code for i in issues), issues
    assert dispatcher.write_jobs == []


def test_ignore_unknown_fields_drops_what_the_vendor_refuses(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any], dispatcher: RecordingDispatcher
) -> None:
    body = charge_body(writer, world, lease, notes="dropped", batch_id="B-1")
    response = writer.post("/v1/resident-charges/", params={"ignore_unknown_fields": "true"}, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["notes"] is None and response.json()["data"]["batch_id"] is None
    assert run_writes(dispatcher) == ["SUCCESS"]


def test_credit_amounts_must_be_positive(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any]
) -> None:
    response = writer.post("/v1/resident-credits/", json=charge_body(writer, world, lease, amount_in_cents=0))
    assert response.status_code == 400
    assert response.json()["error"]["details"]["issues"][0]["path"] == ["amount_in_cents"]


def test_unknown_and_foreign_integrations_are_404(
    app: FastAPI, writer: TestClient, world: WriteWorld, lease: dict[str, Any]
) -> None:
    body = charge_body(writer, world, lease)
    assert (
        writer.post("/v1/resident-charges/", json={**body, "integration_id": "intg_nope"}).status_code == 404
    )
    stranger = make_customer("Stranger")
    with TestClient(app, headers=stranger.headers) as other:
        assert other.post("/v1/resident-charges/", json=body).status_code == 404
        assert (
            other.put("/v1/recurring-resident-charges/rrc_x", json={"amount_in_cents": 5}).status_code == 404
        )


def test_idempotency_key_returns_the_same_job_and_refuses_another_body(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any], dispatcher: RecordingDispatcher
) -> None:
    body = charge_body(writer, world, lease)
    headers = {"Idempotency-Key": "premium-2026-11-lease-1"}
    one = writer.post("/v1/resident-charges/", json=body, headers=headers)
    two = writer.post("/v1/resident-charges/", json=body, headers=headers)
    assert one.status_code == two.status_code == 200
    assert one.json()["job_id"] == two.json()["job_id"]
    assert len(dispatcher.write_jobs) == 1
    other = writer.post("/v1/resident-charges/", json={**body, "amount_in_cents": 1}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "conflict"


def test_retry_write_of_a_failed_job(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any], dispatcher: RecordingDispatcher
) -> None:
    account = bank_account(writer, lease["property_id"], bank=False)
    body = {
        "integration_id": world.sample1,
        "lease_id": lease["id"],
        "resident_id": lease["residents_meta_data"][0]["resident_id"],
        "financial_account_id": account["id"],
        "amount_in_cents": 100,
        "transaction_date": "2026-11-02",
        "payment_type": "Cash",
    }
    job_id = writer.post("/v1/resident-payments/", json=body).json()["job_id"]
    assert (
        writer.post(f"/v1/admin/retry-write/{job_id}").status_code == 400
    )  # still pending: nothing to retry
    assert run_writes(dispatcher) == ["FAILURE"]
    retried = writer.post(f"/v1/admin/retry-write/{job_id}")
    assert retried.status_code == 200, retried.text
    assert_matches_contract("post", "/v1/admin/retry-write/{root_job_id}", retried.json())
    assert retried.json()["job_id"] != job_id
    assert status(writer, job_id)["write_status"] == "PENDING"  # the root reports its latest attempt
    assert run_writes(dispatcher) == ["FAILURE"]
    assert writer.post("/v1/admin/retry-write/job_unknown").status_code == 404


def test_sample2_does_not_return_ids_and_the_charge_arrives_with_the_next_sync(
    writer: TestClient, world: WriteWorld, dispatcher: RecordingDispatcher
) -> None:
    resident = first(writer, "/v1/residents/", integration_id=world.sample2)
    code = first(
        writer, "/v1/charge-codes/", integration_id=world.sample2, property_id=resident["property_id"]
    )
    body = {
        "integration_id": world.sample2,
        "resident_id": resident["id"],
        "charge_code_id": code["id"],
        "amount_in_cents": 4321,
        # Last month (the seed's anchor is this month's first): inside the next sync's 365-day window.
        "transaction_date": str(month_start(BASE.date(), 1) + timedelta(days=2)),
        "notes": "pet rent",
        "reference_number": "S2-CHG-1",
    }
    missing = writer.post("/v1/resident-charges/", json={k: v for k, v in body.items() if k != "notes"})
    assert missing.status_code == 400
    assert missing.json()["error"]["details"]["issues"][0]["path"] == ["notes"]
    response = writer.post("/v1/resident-charges/", json=body)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    result = status(writer, response.json()["job_id"])
    assert result == {"write_status": "SUCCESS", "errors": [], "created_record_id": None}

    writer.post(f"/v1/admin/integrations/{world.sample2}/manual-sync")
    from tests.fixtures.sample import run_queued_syncs

    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    found = writer.get(
        "/v1/resident-charges/",
        params={"integration_id": world.sample2, "resident_id": resident["id"], "limit": 250},
    ).json()["results"]
    assert any(c["reference_number"] == "S2-CHG-1" and c["amount_in_cents"] == 4321 for c in found)


@pytest.mark.contract
def test_write_logs_hold_the_native_exchange_without_credentials(
    writer: TestClient, world: WriteWorld, lease: dict[str, Any], dispatcher: RecordingDispatcher
) -> None:
    job_id = writer.post("/v1/resident-charges/", json=charge_body(writer, world, lease)).json()["job_id"]
    run_writes(dispatcher)
    logs = writer.get(
        "/v1/admin/logs/writes/",
        params={
            "integration_id": world.sample1,
            "status": "SUCCESS",
            "write_category": "resident_charges",
            "time_range": "hour",
        },
    )
    assert logs.status_code == 200, logs.text
    assert_matches_contract("get", "/v1/admin/logs/writes/", logs.json())
    entry = next(log for log in logs.json()["results"]["logs"] if log["job_id"] == job_id)
    single = writer.get(f"/v1/admin/job-logs/{entry['job_log_id']}/")
    assert_matches_contract("get", "/v1/admin/job-logs/{job_log_id}/", single.json())
    link = writer.get(f"/v1/admin/job-logs/{entry['job_log_id']}/data", follow_redirects=False)
    assert link.status_code == 302
    raw = TestClient(writer.app).get(link.headers["location"])  # the link itself carries no API key
    assert raw.status_code == 200, raw.text
    exchanges = raw.json()["exchanges"]
    assert any(e["method"] == "POST" and e["url"].endswith("/api/v2/charges") for e in exchanges)
    text = raw.text
    token = writer.headers["authorization"].split()[1]
    assert token not in text and "Bearer ey" not in text
    assert writer.get(link.headers["location"].replace("signature=", "signature=0")).status_code == 404
