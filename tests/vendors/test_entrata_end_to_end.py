"""ENTRATA end to end: an integration pointed at a served Entrata emulator syncs every model
Entrata has, then takes each supported write through pmsgate's HTTP API and the write worker;
unsupported and invalid writes are refused at request time; a rate-limited emulator slows a
sync without failing it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import pmsgate.connectors.entrata  # registers ENTRATA
import pmsgate.emulators.entrata.definition  # noqa: F401  (registers the emulator)
from pmsgate.canonical.registry import Model
from pmsgate.connectors.entrata import MODELS
from pmsgate.emulators.entrata import BASE_PATH, create_entrata_app
from pmsgate.emulators.entrata.seed import ANCHOR
from pmsgate.emulators.registry import emulator
from pmsgate.emulators.seeding import month_start
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
# Dates relative to the seed's anchor (the first of this month), so a sync's 365-day window
# always holds what is written: charges last month, scheduled charges from next month.
LAST_MONTH = month_start(ANCHOR, 1)
CHARGED = (LAST_MONTH + timedelta(days=19)).isoformat()
NEXT_MONTH = month_start(ANCHOR, -1).isoformat()
NEXT_YEAR_END = (month_start(ANCHOR, -13) - timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def served() -> Iterator[RunningServer]:
    server = serve_in_thread(create_entrata_app(records=20, seed=9))
    yield server
    server.stop()


def _credentials(server: RunningServer) -> dict[str, Any]:
    app = server._server.config.app
    return {**emulator("entrata").credentials(app), "baseUrl": server.base_url + BASE_PATH}


def _integrate(server: RunningServer, name: str) -> tuple[CustomerKey, str, RecordingDispatcher]:
    customer = make_customer(name)
    integration_id, dispatcher = create_integration(
        customer, server.base_url, integration_vendor="ENTRATA", name=name, credentials=_credentials(server)
    )
    return customer, integration_id, dispatcher


@pytest.fixture(scope="module")
def synced(served: RunningServer) -> tuple[CustomerKey, str]:
    customer, integration_id, dispatcher = _integrate(served, "Entrata customer")
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    return customer, integration_id


@pytest.fixture
def api(app: FastAPI, synced: tuple[CustomerKey, str]) -> Iterator[TestClient]:
    with TestClient(app, headers=synced[0].headers) as client:
        yield client


def _all(client: TestClient, resource: str, **params: Any) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = client.get(f"/v1/{resource}/", params={"limit": 250, **params}).json()[
        "results"
    ]
    return results


def _first(client: TestClient, resource: str, **params: Any) -> dict[str, Any]:
    results = _all(client, resource, **params)
    assert results, resource
    return results[0]


def test_first_sync_stores_every_model_entrata_has(api: TestClient, synced: tuple[CustomerKey, str]) -> None:
    _, integration_id = synced
    for model, resource in RESOURCES.items():
        assert model in MODELS
        body = api.get(f"/v1/{resource}/", params={"integration_id": integration_id}).json()
        assert body["meta"]["total"] > 0, resource
    assert api.get("/v1/fees/").json()["meta"]["total"] == 0
    # Money is exact to the cent: the seed's rents end in .10.
    charges = _all(api, "resident-charges", integration_id=integration_id)
    assert any(c["amount_in_cents"] % 100 == 10 for c in charges)
    assert any(c["amount_in_cents"] < 0 for c in charges)  # concessions are negative charges
    payment = _first(api, "resident-payments", integration_id=integration_id)
    assert payment["lease_id"] and payment["allocations"]


def _lease_and_code(
    api: TestClient, integration_id: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    lease = _first(api, "leases", integration_id=integration_id, status_normalized="ACTIVE")
    code = next(c for c in _all(api, "charge-codes", integration_id=integration_id) if c["name"] == "Parking")
    resident = _first(api, "residents", integration_id=integration_id, lease_id=lease["id"])
    return lease, code, resident


def _status(api: TestClient, job_id: str) -> dict[str, Any]:
    result: dict[str, Any] = api.get(f"/v1/admin/write-status/{job_id}").json()
    return result


def test_charges_and_credits_succeed_and_arrive_with_the_next_sync(
    api: TestClient, synced: tuple[CustomerKey, str], dispatcher: RecordingDispatcher
) -> None:
    _, integration_id = synced
    lease, code, _ = _lease_and_code(api, integration_id)
    common = {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "charge_code_id": code["id"],
        "transaction_date": f"{CHARGED}T18:30:00Z",
    }
    posts = [
        (
            "/v1/resident-charges/entrata/",
            {
                **common,
                "amount_in_cents": 12345,
                "description": "E2E parking",
                "post_month": LAST_MONTH.isoformat(),
            },
        ),
        ("/v1/resident-charges/", {**common, "amount_in_cents": -2500, "description": "E2E adjustment"}),
        ("/v1/resident-credits/", {**common, "amount_in_cents": 500, "description": "E2E credit"}),
    ]
    for path, body in posts:
        response = api.post(path, json=body)
        assert response.status_code == 200, response.text
        job_id = response.json().get("job_id") or response.json()["meta"]["job_id"]
        assert run_writes(dispatcher) == ["SUCCESS"], path
        assert _status(api, job_id)["created_record_id"] is None  # Entrata does not name it

    assert api.post(f"/v1/admin/integrations/{integration_id}/manual-sync").status_code in (200, 202)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    found = {
        c["description"].split(" [PMSG-")[0]: c
        for c in _all(api, "resident-charges", integration_id=integration_id, lease_id=lease["id"])
        if (c["description"] or "").startswith("E2E")
    }
    assert found["E2E parking"]["amount_in_cents"] == 12345
    assert found["E2E parking"]["post_month"] == LAST_MONTH.isoformat()[:7]
    assert found["E2E adjustment"]["amount_in_cents"] == -2500
    assert found["E2E credit"]["amount_in_cents"] == -500
    assert found["E2E credit"]["transaction_date"].startswith(CHARGED)


def test_a_recurring_charge_is_created_with_its_id_and_read_back(
    api: TestClient, synced: tuple[CustomerKey, str], dispatcher: RecordingDispatcher
) -> None:
    _, integration_id = synced
    lease, code, resident = _lease_and_code(api, integration_id)
    body = {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "resident_id": resident["id"],
        "charge_code_id": code["id"],
        "amount_in_cents": 4550,
        "start_date": NEXT_MONTH,
        "end_date": f"{NEXT_YEAR_END}T00:00:00Z",
        "charge_timing_id": "1",
        "charge_code_type_id": "2",
        "description": "Garage",
    }
    response = api.post("/v1/recurring-resident-charges/entrata/", json=body)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    created = _status(api, response.json()["meta"]["job_id"])["created_record_id"]
    assert created
    recurring = api.get(f"/v1/recurring-resident-charges/{created}").json()["results"]
    assert recurring["amount_in_cents"] == 4550 and recurring["start_date"] == NEXT_MONTH
    assert recurring["frequency_normalized"] == "MONTHLY" and recurring["end_date"] == NEXT_YEAR_END


def test_payments_and_recurring_updates_are_refused_400_generic_405_vendor(
    api: TestClient, synced: tuple[CustomerKey, str]
) -> None:
    _, integration_id = synced
    lease, _, resident = _lease_and_code(api, integration_id)
    payment = {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "resident_id": resident["id"],
        "amount_in_cents": 100,
        "transaction_date": CHARGED,
    }
    assert api.post("/v1/resident-payments/", json=payment).status_code == 400
    vendor = api.post("/v1/resident-payments/entrata/", json=payment)
    assert vendor.status_code == 405, vendor.text
    recurring = _first(api, "recurring-resident-charges", integration_id=integration_id)
    path = f"/v1/recurring-resident-charges/{recurring['id']}"
    assert api.put(path, json={"amount_in_cents": 100}).status_code == 400
    assert (
        api.put(path.replace("charges/", "charges/entrata/"), json={"amount_in_cents": 100}).status_code
        == 405
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": None}, "description"),
        ({"amount_in_cents": 0}, "amount_in_cents"),
        ({"financial_account_id": "fa_x"}, "financial_account_id"),
    ],
)
def test_an_invalid_charge_is_400_naming_the_field(
    api: TestClient, synced: tuple[CustomerKey, str], change: dict[str, Any], field: str
) -> None:
    _, integration_id = synced
    lease, code, _ = _lease_and_code(api, integration_id)
    body = {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "charge_code_id": code["id"],
        "transaction_date": CHARGED,
        "amount_in_cents": 100,
        "description": "x",
        **change,
    }
    body = {k: v for k, v in body.items() if v is not None}
    response = api.post("/v1/resident-charges/", json=body)
    assert response.status_code == 400, response.text
    assert [field] in [i["path"] for i in response.json()["error"]["details"]["issues"]]


def test_a_recurring_charge_needs_entratas_timing_and_type(
    api: TestClient, synced: tuple[CustomerKey, str]
) -> None:
    _, integration_id = synced
    lease, code, resident = _lease_and_code(api, integration_id)
    body = {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "resident_id": resident["id"],
        "charge_code_id": code["id"],
        "amount_in_cents": 4550,
        "start_date": NEXT_MONTH,
    }
    response = api.post("/v1/recurring-resident-charges/", json=body)
    assert response.status_code == 400
    paths = [i["path"] for i in response.json()["error"]["details"]["issues"]]
    assert ["charge_timing_id"] in paths and ["charge_code_type_id"] in paths


def test_a_rate_limited_emulator_slows_the_sync_without_failing_it() -> None:
    server = serve_in_thread(create_entrata_app(records=8, seed=4))
    try:
        limits = {"per_method": {"MINUTE": 2, "HOUR": None, "DAY": None}, "window_seconds": {"MINUTE": 1}}
        httpx.post(f"{server.base_url}/_control/limits", json=limits).raise_for_status()
        httpx.post(f"{server.base_url}/_control/faults", json={"rate_limit_burst": 2}).raise_for_status()
        _, _, dispatcher = _integrate(server, "Entrata throttled")
        started = time.monotonic()
        assert run_queued_syncs(dispatcher) == ["COMPLETED"]
        # getProperties alone is called by six streams at 2 per second: the headers held it back.
        assert time.monotonic() - started >= 2.0
        state = httpx.get(f"{server.base_url}/_control/state").json()
        assert state["fired"]["rate_limit_burst"] == 2
    finally:
        server.stop()


def test_a_charge_whose_answer_was_lost_is_found_again_not_sent_twice(
    api: TestClient, synced: tuple[CustomerKey, str], dispatcher: RecordingDispatcher, served: RunningServer
) -> None:
    _, integration_id = synced
    lease, code, _ = _lease_and_code(api, integration_id)
    httpx.post(f"{served.base_url}/_control/faults", json={"fail_writes_after_commit": 1}).raise_for_status()
    body = {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "charge_code_id": code["id"],
        "transaction_date": (LAST_MONTH + timedelta(days=20)).isoformat(),
        "amount_in_cents": 777,
        "description": "E2E lost answer",
    }
    response = api.post("/v1/resident-charges/", json=body)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    store = served._server.config.app.state.store
    posted = [t for t in store.transactions.values() if t["description"].startswith("E2E lost answer")]
    assert (
        len(posted) == 1
        and httpx.get(f"{served.base_url}/_control/state").json()["fired"]["fail_writes_after_commit"] == 1
    )
    created = _status(api, response.json()["job_id"])["created_record_id"]
    assert created  # found again by its marker, so its id is known after all
    assert api.get(f"/v1/resident-charges/{created}").json()["results"]["amount_in_cents"] == 777
