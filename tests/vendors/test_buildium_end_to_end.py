"""BUILDIUM end to end: an integration pointed at a served Buildium emulator syncs every model
Buildium has, then takes writes through pmsgate's HTTP API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import pmsgate.connectors.buildium  # registers BUILDIUM
import pmsgate.emulators.buildium.definition  # noqa: F401  (registers the emulator)
from pmsgate.canonical.registry import Model
from pmsgate.connectors.buildium import MODELS
from pmsgate.emulators.buildium import create_buildium_app
from pmsgate.emulators.buildium.seed import BASE
from pmsgate.emulators.registry import emulator
from pmsgate.emulators.seeding import month_start
from pmsgate.emulators.server import RunningServer, serve_in_thread
from pmsgate.kit.dispatch import RecordingDispatcher
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import create_integration, run_queued_syncs, whole_ledger
from tests.writes.conftest import run_writes

RESOURCES = {
    Model.PROPERTIES: "properties",
    Model.UNITS: "units",
    Model.RESIDENTS: "residents",
    Model.LEASES: "leases",
    Model.FINANCIAL_ACCOUNTS: "financial-accounts",
    Model.RESIDENT_CHARGES: "resident-charges",
    Model.RESIDENT_PAYMENTS: "resident-payments",
    Model.RECURRING_RESIDENT_CHARGES: "recurring-resident-charges",
}
# Writes are dated after the seed's ledger, which ends the month before its anchor (this month).
NEXT_MONTH = month_start(BASE.date(), -1)
WRITTEN = (NEXT_MONTH + timedelta(days=2)).isoformat()


@pytest.fixture(scope="module")
def served() -> Iterator[RunningServer]:
    # Buildium's own 10 requests/second stays on: the connector's budget must respect it.
    app = create_buildium_app(records=20, seed=9)
    server = serve_in_thread(app)
    yield server
    server.stop()


def _credentials(server: RunningServer) -> dict[str, Any]:
    app = server._server.config.app
    return {**emulator("buildium").credentials(app), "baseUrl": server.base_url}


@pytest.fixture(scope="module")
def synced(served: RunningServer) -> tuple[CustomerKey, str]:
    customer = make_customer("Buildium customer")
    with whole_ledger():  # every model has rows on any date
        integration_id, dispatcher = create_integration(
            customer,
            served.base_url,
            integration_vendor="BUILDIUM",
            name="Buildium",
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


def test_first_sync_stores_every_model_buildium_has(api: TestClient, synced: tuple[CustomerKey, str]) -> None:
    _, integration_id = synced
    for model, resource in RESOURCES.items():
        assert model in MODELS
        body = api.get(f"/v1/{resource}/", params={"integration_id": integration_id}).json()
        assert body["meta"]["total"] > 0, resource
    assert (
        api.get("/v1/charge-codes/", params={"integration_id": integration_id}).json()["meta"]["total"] == 0
    )


def _ledger(api: TestClient, integration_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    lease = _first(api, "leases", integration_id=integration_id, status_normalized="ACTIVE")
    accounts = api.get(
        "/v1/financial-accounts/", params={"integration_id": integration_id, "limit": 50}
    ).json()
    rent = next(a for a in accounts["results"] if a["name"] == "Rent Income")
    return lease, rent


def _status(api: TestClient, job_id: str) -> dict[str, Any]:
    result: dict[str, Any] = api.get(f"/v1/admin/write-status/{job_id}").json()
    return result


def test_supported_writes_succeed_and_read_back(
    api: TestClient, synced: tuple[CustomerKey, str], dispatcher: RecordingDispatcher
) -> None:
    _, integration_id = synced
    lease, rent = _ledger(api, integration_id)
    common = {"integration_id": integration_id, "lease_id": lease["id"], "financial_account_id": rent["id"]}
    writes = [
        (
            "resident-charges",
            "resident-charges",
            {
                **common,
                "amount_in_cents": 12345,
                "transaction_date": WRITTEN,
                "description": "Pet rent",
                "reference_number": "R-77",
            },
        ),
        (
            "resident-credits",
            "resident-charges",
            {**common, "amount_in_cents": 500, "transaction_date": WRITTEN},
        ),
        (
            "resident-payments",
            "resident-payments",
            {
                **common,
                "amount_in_cents": 12345,
                "transaction_date": f"{NEXT_MONTH + timedelta(days=3)}T15:00:00Z",
                "payment_type": "Money Order",
                "send_email_receipt": False,
            },
        ),
        (
            "recurring-resident-charges",
            "recurring-resident-charges",
            {
                **common,
                "amount_in_cents": 2500,
                "start_date": month_start(NEXT_MONTH, -1).isoformat(),
                "frequency_normalized": "MONTHLY",
            },
        ),
    ]
    for path, resource, body in writes:
        response = api.post(f"/v1/{path}/", json=body)
        assert response.status_code == 200, response.text
        assert run_writes(dispatcher) == ["SUCCESS"], path
        result = _status(api, response.json()["job_id"])
        assert result["created_record_id"], path
        record = api.get(f"/v1/{resource}/{result['created_record_id']}").json()["results"]
        assert abs(record["amount_in_cents"]) == body["amount_in_cents"]
        if path == "resident-credits":
            assert record["amount_in_cents"] == -500
        if path == "resident-payments":
            assert record["payment_method_raw"] == "MoneyOrder"


def test_unsupported_write_is_400_generic_and_405_at_the_vendor_path(
    api: TestClient, synced: tuple[CustomerKey, str]
) -> None:
    _, integration_id = synced
    recurring = _first(api, "recurring-resident-charges", integration_id=integration_id)
    generic = api.put(f"/v1/recurring-resident-charges/{recurring['id']}", json={"amount_in_cents": 100})
    assert generic.status_code == 400, generic.text
    vendor = api.put(
        f"/v1/recurring-resident-charges/buildium/{recurring['id']}", json={"amount_in_cents": 100}
    )
    assert vendor.status_code == 405, vendor.text


def test_bad_write_is_400_naming_the_field(api: TestClient, synced: tuple[CustomerKey, str]) -> None:
    _, integration_id = synced
    lease, rent = _ledger(api, integration_id)
    body = {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "financial_account_id": rent["id"],
        "amount_in_cents": 100,
        "transaction_date": WRITTEN,
        "payment_type": "Cash",
    }
    response = api.post("/v1/resident-payments/", json=body)
    assert response.status_code == 400
    assert ["send_email_receipt"] in [i["path"] for i in response.json()["error"]["details"]["issues"]]


def test_a_sync_through_a_429_burst_completes() -> None:
    app = create_buildium_app(records=8, seed=4)
    server = serve_in_thread(app)
    try:
        httpx.post(f"{server.base_url}/_control/faults", json={"rate_limit_burst": 3}).raise_for_status()
        customer = make_customer("Buildium burst")
        dispatcher: RecordingDispatcher
        _, dispatcher = create_integration(
            customer,
            server.base_url,
            integration_vendor="BUILDIUM",
            name="Burst",
            credentials=_credentials(server),
        )
        assert run_queued_syncs(dispatcher) == ["COMPLETED"]
        assert httpx.get(f"{server.base_url}/_control/state").json()["fired"]["rate_limit_burst"] == 3
    finally:
        server.stop()
