"""YARDI end to end: an integration pointed at a served Yardi Voyager emulator (SOAP) syncs
every model Yardi has, then takes writes through pmsgate's HTTP API; Yardi returns no ids, so
each written record is read on the next sync."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import pmsgate.connectors.yardi  # registers YARDI
import pmsgate.emulators.yardi.definition  # noqa: F401  (registers the emulator)
from pmsgate.canonical.registry import Model
from pmsgate.connectors.yardi import MODELS
from pmsgate.emulators.registry import emulator
from pmsgate.emulators.server import RunningServer, serve_in_thread
from pmsgate.emulators.yardi import create_yardi_app
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


@pytest.fixture(scope="module")
def served() -> Iterator[RunningServer]:
    server = serve_in_thread(create_yardi_app(records=20, seed=9))
    yield server
    server.stop()


def _credentials(server: RunningServer) -> dict[str, Any]:
    app = server._server.config.app
    return {**emulator("yardi").credentials(app), "baseUrl": server.base_url}


@pytest.fixture(scope="module")
def synced(served: RunningServer) -> tuple[CustomerKey, str]:
    customer = make_customer("Yardi customer")
    integration_id, dispatcher = create_integration(
        customer, served.base_url, integration_vendor="YARDI", name="Yardi", credentials=_credentials(served)
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


def test_first_sync_stores_every_model_yardi_has(api: TestClient, synced: tuple[CustomerKey, str]) -> None:
    _, integration_id = synced
    for model, resource in RESOURCES.items():
        assert model in MODELS
        body = api.get(f"/v1/{resource}/", params={"integration_id": integration_id}).json()
        assert body["meta"]["total"] > 0, resource
    lease = _first(api, "leases", integration_id=integration_id, status_normalized="ACTIVE")
    assert lease["unit_id"] and _tenant(api, integration_id, lease)["x_id"] == lease["x_id"]
    charge = _first(api, "resident-charges", integration_id=integration_id)
    assert charge["lease_id"] and charge["charge_code_id"] and charge["amount_raw"]


def _tenant(api: TestClient, integration_id: str, lease: dict[str, Any]) -> dict[str, Any]:
    """The lease's primary resident: in Yardi the tenant, sharing the lease's (tenant) code."""
    params = {"integration_id": integration_id, "limit": 250}
    residents = api.get("/v1/residents/", params=params).json()["results"]
    return dict(next(r for r in residents if r["x_id"] == lease["x_id"]))


def _target(api: TestClient, integration_id: str) -> dict[str, Any]:
    """A write's place: a current lease's tenant, unit and property, the rent code and account."""
    lease = _first(api, "leases", integration_id=integration_id, status_normalized="ACTIVE")
    codes = api.get("/v1/charge-codes/", params={"integration_id": integration_id}).json()["results"]
    accounts = api.get("/v1/financial-accounts/", params={"integration_id": integration_id}).json()["results"]
    return {
        "integration_id": integration_id,
        "property_id": lease["property_id"],
        "resident_id": _tenant(api, integration_id, lease)["id"],
        "unit_id": lease["unit_id"],
        "charge_code_id": next(c["id"] for c in codes if c["x_id"] == "pet"),
        "rent_account": next(a["id"] for a in accounts if a["account_number"] == "4300-0000"),
        "cash_account": next(a["id"] for a in accounts if a["account_number"] == "1000-0000"),
    }


def _status(api: TestClient, job_id: str) -> dict[str, Any]:
    result: dict[str, Any] = api.get(f"/v1/admin/write-status/{job_id}").json()
    return result


def _resync(api: TestClient, integration_id: str, dispatcher: RecordingDispatcher) -> None:
    assert api.post(f"/v1/admin/integrations/{integration_id}/manual-sync").status_code == 200
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]


def test_supported_writes_succeed_and_are_read_on_the_next_sync(
    api: TestClient, synced: tuple[CustomerKey, str], dispatcher: RecordingDispatcher
) -> None:
    _, integration_id = synced
    t = _target(api, integration_id)
    place = {k: t[k] for k in ("integration_id", "property_id", "resident_id", "unit_id")}
    day = datetime.now(UTC).date() - timedelta(days=30)  # inside the next sync's window, whatever the date
    charge = {
        **place,
        "charge_code_id": t["charge_code_id"],
        "financial_account_id": t["rent_account"],
        "amount_in_cents": 12345,
        "transaction_date": f"{day.isoformat()}T10:00:00Z",
        "description": "Pet rent E2E",
        "post_month": f"{day:%Y-%m}-17",
    }
    payment = {
        **place,
        "financial_account_id": t["cash_account"],
        "amount_in_cents": 67801,
        "transaction_date": (day + timedelta(days=1)).isoformat(),
        "reference_number": "E2E-PAY-1",
        "description": "Online payment",
    }
    jobs = []
    for path, body in (("resident-charges/yardi", charge), ("resident-payments", payment)):
        response = api.post(f"/v1/{path}/", json=body)
        assert response.status_code == 200, response.text
        assert run_writes(dispatcher) == ["SUCCESS"], path
        jobs.append(response.json().get("job_id") or response.json()["meta"]["job_id"])
    batch = {
        "integration_id": integration_id,
        "charges": [{**charge, "amount_in_cents": n} for n in (101, 202, 303)],
    }
    response = api.post("/v1/resident-charges/batch/yardi/", json=batch)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    for job_id in jobs:
        assert _status(api, job_id)["created_record_id"] is None  # Yardi's imports return no ids
    _resync(api, integration_id, dispatcher)
    params = {"integration_id": integration_id, "transaction_date_start": day.isoformat(), "limit": 250}
    charges = api.get("/v1/resident-charges/", params=params).json()["results"]
    mine = sorted(c["amount_in_cents"] for c in charges if "Pet rent E2E" in (c["description"] or ""))
    assert mine == [101, 202, 303, 12345]
    assert {c["post_month"] for c in charges if "Pet rent E2E" in (c["description"] or "")} == {
        f"{day:%Y-%m}"
    }
    payments = api.get("/v1/resident-payments/", params=params).json()["results"]
    paid = [p for p in payments if p["reference_number"] == "E2E-PAY-1"]
    assert len(paid) == 1 and paid[0]["amount_in_cents"] == 67801 and paid[0]["amount_raw"] == "678.01"


def test_unsupported_writes_are_400_generic_and_405_at_the_vendor_path(
    api: TestClient, synced: tuple[CustomerKey, str]
) -> None:
    _, integration_id = synced
    t = _target(api, integration_id)
    credit = {
        "integration_id": integration_id,
        "resident_id": t["resident_id"],
        "amount_in_cents": 500,
        "transaction_date": "2026-02-03",
    }
    assert api.post("/v1/resident-credits/", json=credit).status_code == 400
    assert api.post("/v1/resident-credits/yardi/", json=credit).status_code == 405
    recurring = _first(api, "recurring-resident-charges", integration_id=integration_id)
    generic = api.put(f"/v1/recurring-resident-charges/{recurring['id']}", json={"amount_in_cents": 100})
    assert generic.status_code == 400, generic.text
    vendor = api.put(f"/v1/recurring-resident-charges/yardi/{recurring['id']}", json={"amount_in_cents": 100})
    assert vendor.status_code == 405, vendor.text
    assert api.post("/v1/recurring-resident-charges/yardi/", json=credit).status_code == 405


def test_invalid_writes_are_400_naming_the_field(api: TestClient, synced: tuple[CustomerKey, str]) -> None:
    _, integration_id = synced
    t = _target(api, integration_id)
    body = {
        "integration_id": integration_id,
        "property_id": t["property_id"],
        "resident_id": t["resident_id"],
        "financial_account_id": t["cash_account"],
        "amount_in_cents": 100,
        "transaction_date": "2026-02-03",
        "reference_number": "R-1",
    }
    response = api.post("/v1/resident-payments/", json=body)
    assert response.status_code == 400
    assert ["unit_id"] in [i["path"] for i in response.json()["error"]["details"]["issues"]]
    charge = {
        **body,
        "unit_id": t["unit_id"],
        "charge_code_id": t["charge_code_id"],
        "reference_number": None,
    }
    charge.pop("reference_number")
    refused = api.post(
        "/v1/resident-charges/", json={**charge, "notes": "a field Yardi's import has no place for"}
    )
    assert refused.status_code == 400
    assert ["notes"] in [i["path"] for i in refused.json()["error"]["details"]["issues"]]


def test_a_sync_through_429_and_503_bursts_completes() -> None:
    app = create_yardi_app(records=8, seed=4)
    server = serve_in_thread(app)
    try:
        faults = {"rate_limit_burst": 3, "server_errors": 2}
        httpx.post(f"{server.base_url}/_control/faults", json=faults).raise_for_status()
        customer = make_customer("Yardi burst")
        _, dispatcher = create_integration(
            customer,
            server.base_url,
            integration_vendor="YARDI",
            name="Burst",
            credentials=_credentials(server),
        )
        assert run_queued_syncs(dispatcher) == ["COMPLETED"]
        fired = httpx.get(f"{server.base_url}/_control/state").json()["fired"]
        assert fired["rate_limit_burst"] == 3 and fired["server_errors"] == 2
    finally:
        server.stop()
