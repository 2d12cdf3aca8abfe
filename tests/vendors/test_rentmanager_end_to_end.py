"""Rent Manager end to end: an integration pointed at a served RM emulator syncs every model RM
has, then each supported write goes through the HTTP API and the write engine to the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import pmsgate.connectors.rentmanager  # registers RENTMANAGER
import pmsgate.emulators.rentmanager.definition  # noqa: F401  (registers the emulator)
from pmsgate.canonical.registry import Model
from pmsgate.emulators.rentmanager import create_rentmanager_app
from pmsgate.emulators.rentmanager.wire import BASE, HARD_CLOSE_THROUGH
from pmsgate.emulators.seeding import month_start
from pmsgate.emulators.server import RunningServer, serve_in_thread
from pmsgate.kit.dispatch import RecordingDispatcher
from pmsgate.kit.ids import stable_id
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import create_integration, run_queued_syncs
from tests.writes.conftest import run_writes

RECORDS = 30
# Dates in the seed's calendar: its anchor (wire.BASE) is the first of this month and its ledger
# ends the month before; writes are dated after the anchor, schedules start next month.
ANCHOR = BASE.date()
WRITTEN = f"{ANCHOR + timedelta(days=19)}T00:00:00.000Z"


@dataclass
class World:
    server: RunningServer
    app: Any
    customer: CustomerKey
    integration_id: str

    def credentials(self) -> dict[str, Any]:
        from pmsgate.emulators.rentmanager.definition import credentials

        return {**credentials(self.app), "baseUrl": self.server.base_url}


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    app = create_rentmanager_app(records=RECORDS, seed=3)
    server = serve_in_thread(app)
    customer = make_customer("RM writer")
    from pmsgate.emulators.rentmanager.definition import credentials

    integration_id, dispatcher = create_integration(
        customer,
        server.base_url,
        integration_vendor="RENTMANAGER",
        name="Rent Manager",
        credentials={**credentials(app), "baseUrl": server.base_url},
    )
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    yield World(server, app, customer, integration_id)
    server.stop()


@pytest.fixture
def writer(app: FastAPI, world: World) -> Iterator[TestClient]:
    with TestClient(app, headers=world.customer.headers) as client:
        yield client


def _first(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    results = client.get(path, params=params).json()["results"]
    assert results, f"nothing at {path}"
    return dict(results[0])


def _status(client: TestClient, job_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/admin/write-status/{job_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_first_sync_stores_every_model_rent_manager_has(writer: TestClient, world: World) -> None:
    params = {"integration_id": world.integration_id, "limit": 1}
    for path in (
        "/v1/properties/",
        "/v1/units/",
        "/v1/residents/",
        "/v1/leases/",
        "/v1/charge-codes/",
        "/v1/financial-accounts/",
        "/v1/resident-charges/",
        "/v1/resident-payments/",
        "/v1/recurring-resident-charges/",
    ):
        answer = writer.get(path, params=params)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.json()["meta"]["total"] > 0, path
    store = world.app.state.store
    charges = writer.get("/v1/resident-charges/", params={**params, "limit": 1}).json()["meta"]["total"]
    # The first sync reads the ledger window only: the seed's older transactions stay behind.
    assert 0 < charges < len(store.tables["Charges"]) + len(store.tables["Credits"])
    for location in ("1", "2"):  # RM's location level: the seed puts properties in two
        by_location = writer.get("/v1/leases/", params={**params, "location_id": _location(world, location)})
        assert by_location.json()["meta"]["total"] > 0


def _location(world: World, x_id: str) -> str:
    return stable_id("loc", world.integration_id, Model.LOCATIONS, x_id)


def _resident(writer: TestClient, world: World) -> dict[str, Any]:
    return _first(writer, "/v1/residents/", integration_id=world.integration_id)


def _ledger_body(writer: TestClient, world: World, **overrides: Any) -> dict[str, Any]:
    code = _first(writer, "/v1/charge-codes/", integration_id=world.integration_id)
    return {
        "integration_id": world.integration_id,
        "resident_id": _resident(writer, world)["id"],
        "charge_code_id": code["id"],
        "transaction_date": WRITTEN,
        "notes": "Parking this month",
        "amount_in_cents": 4550,
        "reference_number": "E2E-1",
        **overrides,
    }


@pytest.mark.parametrize("path", ["/v1/resident-charges/rentmanager/", "/v1/resident-credits/"])
def test_charges_and_credits_succeed_without_an_id(
    writer: TestClient, world: World, dispatcher: RecordingDispatcher, path: str
) -> None:
    response = writer.post(path, json=_ledger_body(writer, world))
    assert response.status_code == 200, response.text
    job_id = response.json().get("job_id") or response.json()["meta"]["job_id"]
    assert run_writes(dispatcher) == ["SUCCESS"]
    assert _status(writer, job_id)["created_record_id"] is None
    resource = "Charges" if "charges" in path else "Credits"
    stored = [r for r in world.app.state.store.rows(resource) if job_id and r["Reference"] == "E2E-1"]
    assert stored and "[PMSG-" in stored[-1]["Comment"]


def test_a_payment_is_read_back_with_its_allocations(
    writer: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    body = _ledger_body(writer, world, amount_in_cents=2500, reference_number="CHK-77")
    body.pop("charge_code_id")
    response = writer.post("/v1/resident-payments/", json=body)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    created = _status(writer, response.json()["job_id"])["created_record_id"]
    payment = writer.get(f"/v1/resident-payments/{created}").json()["results"]
    assert payment["amount_in_cents"] == 2500 and payment["reference_number"] == "CHK-77"


def test_a_recurring_charge_is_created_then_updated(
    writer: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    body = _ledger_body(
        writer,
        world,
        frequency_normalized="WEEKLY",
        start_date=str(month_start(ANCHOR, -1) + timedelta(days=6)),
    )
    for name in ("transaction_date", "notes", "reference_number"):
        body.pop(name)
    response = writer.post("/v1/recurring-resident-charges/", json=body)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    created = _status(writer, response.json()["job_id"])["created_record_id"]
    recurring = writer.get(f"/v1/recurring-resident-charges/{created}").json()["results"]
    assert recurring["frequency_normalized"] == "WEEKLY" and recurring["amount_in_cents"] == 4550

    update = writer.put(
        f"/v1/recurring-resident-charges/rentmanager/{created}",
        json={"charge_code_id": body["charge_code_id"], "amount_in_cents": 6000},
    )
    assert update.status_code == 200, update.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    assert (
        writer.get(f"/v1/recurring-resident-charges/{created}").json()["results"]["amount_in_cents"] == 6000
    )


def test_a_batch_of_charges_is_one_save(
    writer: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    item = _ledger_body(writer, world, reference_number="B-1")
    response = writer.post(
        "/v1/resident-charges/batch/rentmanager/",
        json={"integration_id": world.integration_id, "charges": [item, {**item, "reference_number": "B-2"}]},
    )
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    refs = {r["Reference"] for r in world.app.state.store.rows("Charges")}
    assert {"B-1", "B-2"} <= refs


def test_a_batch_across_locations_fails_naming_the_rule(
    writer: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    picked = [
        _first(writer, "/v1/residents/", integration_id=world.integration_id, location_id=_location(world, x))
        for x in ("1", "2")
    ]
    base = _ledger_body(writer, world)
    charges = [{**base, "resident_id": r["id"]} for r in picked]
    response = writer.post(
        "/v1/resident-charges/batch/rentmanager/",
        json={"integration_id": world.integration_id, "charges": charges},
    )
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["FAILURE"]
    errors = _status(writer, response.json()["meta"]["job_id"])["errors"]
    assert "same Rent Manager location" in errors[0]


def test_a_charge_into_a_hard_closed_period_fails_with_rm_s_message(
    writer: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    response = writer.post(
        "/v1/resident-charges/",
        json=_ledger_body(writer, world, transaction_date=str(HARD_CLOSE_THROUGH - timedelta(days=120))),
    )
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["FAILURE"]
    errors = _status(writer, response.json()["job_id"])["errors"]
    assert "412" in errors[0] and "hard closed" in errors[0]


def test_bad_and_unsupported_writes_are_refused(writer: TestClient, world: World) -> None:
    missing = _ledger_body(writer, world)
    missing.pop("notes")
    answer = writer.post("/v1/resident-charges/", json=missing)
    assert answer.status_code == 400
    assert answer.json()["error"]["details"]["issues"][0]["path"] == ["notes"]
    daily = _ledger_body(writer, world, frequency_normalized="DAILY")
    for name in ("transaction_date", "notes", "reference_number"):
        daily.pop(name)
    answer = writer.post("/v1/recurring-resident-charges/", json=daily)
    assert answer.status_code == 400 and "start_date" in answer.text
    # Rent Manager's payments take no payment_type: refused at both paths.
    payment = {**_ledger_body(writer, world), "payment_type": "Check"}
    assert writer.post("/v1/resident-payments/", json=payment).status_code == 400
    assert writer.post("/v1/resident-payments/rentmanager/", json=payment).status_code == 400


def test_a_sync_survives_a_burst_of_429s(world: World) -> None:
    app = create_rentmanager_app(records=10, seed=9)
    with serve_in_thread(app) as server:
        httpx.post(f"{server.base_url}/_control/faults", json={"rate_limit_burst": 3}).raise_for_status()
        from pmsgate.emulators.rentmanager.definition import credentials

        customer = make_customer("RM 429")
        _, dispatcher = create_integration(
            customer,
            server.base_url,
            integration_vendor="RENTMANAGER",
            credentials={**credentials(app), "baseUrl": server.base_url},
        )
        assert run_queued_syncs(dispatcher) == ["COMPLETED"]
        assert app.state.store.faults.fired["rate_limit_burst"] == 3
