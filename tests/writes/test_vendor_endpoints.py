"""Vendor-specific write endpoints: the vendor's own schema, `{meta: {job_id}, result}`, 405
for what the vendor cannot do."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmsgate.kit.dispatch import RecordingDispatcher
from tests.writes.conftest import WriteWorld, first, run_writes


def _sample2_charge(writer: TestClient, world: WriteWorld) -> dict[str, object]:
    resident = first(writer, "/v1/residents/", integration_id=world.sample2)
    code = first(
        writer, "/v1/charge-codes/", integration_id=world.sample2, property_id=resident["property_id"]
    )
    return {
        "integration_id": world.sample2,
        "resident_id": resident["id"],
        "charge_code_id": code["id"],
        "amount_in_cents": 900,
        "transaction_date": "2026-11-06",
        "notes": "parking",
        "reference_number": "V-1",
    }


def test_vendor_path_answers_meta_and_result(
    writer: TestClient, world: WriteWorld, dispatcher: RecordingDispatcher
) -> None:
    response = writer.post("/v1/resident-charges/sample2/", json=_sample2_charge(writer, world))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"meta", "result"} and body["meta"]["job_id"].startswith("job_")
    assert body["result"]["notes"] == "parking" and body["result"]["lease_id"] is None
    assert run_writes(dispatcher) == ["SUCCESS"]


def test_vendor_schema_requires_and_refuses_fields(writer: TestClient, world: WriteWorld) -> None:
    body = _sample2_charge(writer, world)
    missing = writer.post(
        "/v1/resident-charges/sample2/", json={k: v for k, v in body.items() if k != "notes"}
    )
    assert missing.status_code == 400
    assert missing.json()["error"]["details"]["issues"][0]["path"] == ["notes"]
    refused = writer.post("/v1/resident-charges/sample2/", json={**body, "batch_id": "x"})
    assert refused.status_code == 400
    assert refused.json()["error"]["details"]["issues"][0]["code"] == "unrecognized_keys"


def test_vendor_path_refuses_another_vendors_integration(writer: TestClient, world: WriteWorld) -> None:
    response = writer.post("/v1/resident-charges/sample1/", json={**_sample2_charge(writer, world)})
    assert response.status_code == 400  # notes/reference_number are not SAMPLE1 fields
    body = _sample2_charge(writer, world)
    lease = first(writer, "/v1/leases/", integration_id=world.sample1)
    code = first(writer, "/v1/charge-codes/", integration_id=world.sample1, property_id=lease["property_id"])
    sample1_body = {
        "integration_id": world.sample2,
        "lease_id": lease["id"],
        "charge_code_id": code["id"],
        "amount_in_cents": 100,
        "transaction_date": "2026-11-06",
    }
    wrong = writer.post("/v1/resident-charges/sample1/", json=sample1_body)
    assert wrong.status_code == 400
    assert wrong.json()["error"]["details"]["issues"][0]["path"] == ["integration_id"]
    assert body


def test_unsupported_operation_is_405_at_the_vendor_path_and_400_at_the_generic_one(
    writer: TestClient, world: WriteWorld
) -> None:
    recurring = first(writer, "/v1/recurring-resident-charges/", integration_id=world.sample2)
    vendor = writer.put(
        f"/v1/recurring-resident-charges/sample2/{recurring['id']}", json={"amount_in_cents": 5}
    )
    assert vendor.status_code == 405
    assert "SAMPLE2" in vendor.json()["error"]["message"]
    generic = writer.put(f"/v1/recurring-resident-charges/{recurring['id']}", json={"amount_in_cents": 5})
    assert generic.status_code == 400
    assert "SAMPLE2" in generic.json()["error"]["message"]


def test_vendor_schemas_are_documented(app: FastAPI) -> None:
    document = app.openapi()
    operation = document["paths"]["/v1/resident-charges/sample2/"]["post"]
    schema_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    schema = document["components"]["schemas"][schema_ref]
    assert set(schema["required"]) == {
        "integration_id",
        "resident_id",
        "charge_code_id",
        "amount_in_cents",
        "transaction_date",
        "notes",
        "reference_number",
    }
    assert "batch_id" not in schema["properties"]
    assert "/v1/resident-charges/batch/sample1/" not in document["paths"]  # no batch call at this vendor
