"""PROPERTYWARE_REST end to end: an integration pointed at a served Propertyware emulator syncs
every model Propertyware has, then takes each supported write through the HTTP API and the
write worker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import pmsgate.connectors.propertyware
import pmsgate.emulators.propertyware.definition  # registers the emulator
from pmsgate.canonical.registry import Model
from pmsgate.config import get_settings
from pmsgate.connectors.registry import definition_for
from pmsgate.emulators.propertyware import BASE_PATH, PwStore
from pmsgate.emulators.propertyware.wire import BASE
from pmsgate.emulators.seeding import month_start
from pmsgate.kit.dispatch import RecordingDispatcher
from pmsgate.kit.timeutil import utcnow
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import create_integration, run_queued_syncs
from tests.sync.test_engine import count, fast
from tests.writes.conftest import run_writes

assert pmsgate.connectors.propertyware.DEFAULT_BUDGET  # importing registers the vendor
RECORDS = 30
LEDGER = ("charges", "creditmemos", "adjustments", "payments")
STORED = {
    Model.PROPERTIES: "buildings",
    Model.UNITS: "units",
    Model.RESIDENTS: "contacts",
    Model.LEASES: "leases",
    Model.FINANCIAL_ACCOUNTS: "glaccounts",
    Model.RECURRING_RESIDENT_CHARGES: "autocharges",
}
# Dates in the seed's calendar: its anchor (wire.BASE) is the first of this month and its ledger
# runs through this month; writes are dated in its first weeks, schedules start next month.
ANCHOR = BASE.date()
WRITTEN, PAID, BATCHED = (str(ANCHOR + timedelta(days=n)) for n in (14, 15, 19))
NEXT_MONTH = str(month_start(ANCHOR, -1))


@dataclass
class World:
    base_url: str
    app: Any
    customer: CustomerKey
    integration_id: str

    @property
    def store(self) -> PwStore:
        store: PwStore = self.app.state.store
        return store


def _integration(customer: CustomerKey, base_url: str, app: Any) -> tuple[str, RecordingDispatcher]:
    from pmsgate.emulators.propertyware.definition import credentials

    return create_integration(
        customer,
        base_url + BASE_PATH,
        integration_vendor="PROPERTYWARE_REST",
        name="Propertyware",
        credentials={**credentials(app), "baseUrl": base_url + BASE_PATH},
        max_request_frequency=1000,
        max_request_cadence="SECOND",
    )


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    from pmsgate.emulators.propertyware import create_propertyware_app
    from pmsgate.emulators.server import serve_in_thread

    app = create_propertyware_app(records=RECORDS, seed=3)
    server = serve_in_thread(app)
    customer = make_customer("Propertyware user")
    integration_id, dispatcher = _integration(customer, server.base_url, app)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    yield World(server.base_url, app, customer, integration_id)
    server.stop()


@pytest.fixture
def api(app: FastAPI, world: World) -> Iterator[TestClient]:
    with TestClient(app, headers=world.customer.headers) as client:
        yield client


def test_the_first_sync_stores_every_model_propertyware_has(world: World) -> None:
    store = world.store
    for model, table in STORED.items():
        assert count(model, world.integration_id) == len(store.rows(table)), model
    # A first sync reads the ledger of the last `sync_lookback_days` (postDateStart, inclusive).
    cutoff = (utcnow() - timedelta(days=get_settings().sync_lookback_days)).date().isoformat()
    assert any(p["date"] < cutoff for p in store.rows("payments")), "the seed has older ledger too"
    recent = {t: [r for r in store.rows(t) if r["date"] >= cutoff] for t in LEDGER}
    charges = sum(len(recent[t]) for t in ("charges", "creditmemos", "adjustments"))
    assert count(Model.RESIDENT_CHARGES, world.integration_id) == charges
    assert count(Model.RESIDENT_PAYMENTS, world.integration_id) == len(recent["payments"])
    allocations = sum(len(c["payments"]) for c in recent["charges"])
    assert allocations and count(Model.RESIDENT_ALLOCATIONS, world.integration_id) == allocations
    links = sum(len(lease["contacts"]) for lease in store.rows("leases"))
    assert count(Model.RESIDENTS_TO_LEASES, world.integration_id) == links
    models = definition_for("PROPERTYWARE_REST").models
    assert Model.CHARGE_CODES not in models and Model.FEES not in models
    assert (
        count(Model.CHARGE_CODES, world.integration_id) == 0 and count(Model.FEES, world.integration_id) == 0
    )


def _lease(api: TestClient, world: World) -> dict[str, Any]:
    leases = api.get("/v1/leases/", params={"integration_id": world.integration_id, "limit": 250}).json()[
        "results"
    ]
    return next(x for x in leases if x["status_normalized"] == "ACTIVE" and x["residents_meta_data"])


def _account(api: TestClient, world: World, number: str) -> dict[str, Any]:
    accounts = api.get(
        "/v1/financial-accounts/", params={"integration_id": world.integration_id, "limit": 250}
    ).json()["results"]
    return next(a for a in accounts if a["account_number"] == number)


def _status(api: TestClient, job_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/admin/write-status/{job_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _write(api: TestClient, dispatcher: RecordingDispatcher, path: str, body: Any) -> dict[str, Any]:
    response = api.post(path, json=body)
    assert response.status_code == 200, response.text
    job_id = response.json().get("job_id") or response.json()["meta"]["job_id"]
    assert run_writes(dispatcher) == ["SUCCESS"], _status(api, job_id)
    return _status(api, job_id)


def test_each_supported_write_succeeds_with_a_readable_record(
    api: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    lease = _lease(api, world)
    rent, bank = _account(api, world, "4000"), _account(api, world, "1000")
    base = {"integration_id": world.integration_id, "lease_id": lease["id"]}
    ledger = {**base, "financial_account_id": rent["id"], "transaction_date": WRITTEN}

    charge = _write(api, dispatcher, "/v1/resident-charges/", {**ledger, "amount_in_cents": 4250})
    record = api.get(f"/v1/resident-charges/{charge['created_record_id']}").json()["results"]
    assert record["amount_in_cents"] == 4250 and record["lease_id"] == lease["id"]
    assert record["reference_number"].startswith("PMSG-")

    credit_body = {
        **base,
        "amount_in_cents": 1000,
        "transaction_date": PAID,
        "description": "Goodwill",
    }
    credit = _write(api, dispatcher, "/v1/resident-credits/", credit_body)
    record = api.get(f"/v1/resident-charges/{credit['created_record_id']}").json()["results"]
    assert record["amount_in_cents"] == -1000 and record["description"] == "Goodwill"

    primary = next(r for r in lease["residents_meta_data"] if r["resident_type_normalized"] == "PRIMARY")
    payment_body = {
        **base,
        "financial_account_id": bank["id"],
        "resident_id": primary["resident_id"],
        "amount_in_cents": 4250,
        "payment_type": "Money Order",
        "transaction_date": f"{PAID}T15:00:00Z",
        "reference_number": "MO-1234",
    }
    payment = _write(api, dispatcher, "/v1/resident-payments/", payment_body)
    record = api.get(f"/v1/resident-payments/{payment['created_record_id']}").json()["results"]
    assert record["amount_in_cents"] == 4250 and record["payment_method_raw"] == "MONEY_ORDER"
    assert record["reference_number"] == "MO-1234"

    recurring_body = {
        **base,
        "financial_account_id": rent["id"],
        "amount_in_cents": 1500,
        "charge_due_day": 3,
        "start_date": NEXT_MONTH,
        "frequency_normalized": "WEEKLY",
        "description": "Parking",
    }
    created = _write(api, dispatcher, "/v1/recurring-resident-charges/", recurring_body)
    record = api.get(f"/v1/recurring-resident-charges/{created['created_record_id']}").json()["results"]
    assert record["amount_in_cents"] == 1500 and record["frequency_normalized"] == "WEEKLY"

    items = [
        {"integration_id": world.integration_id, "lease_id": lease["id"], "financial_account_id": rent["id"],
         "amount_in_cents": 100 + i,
         "transaction_date": BATCHED}
        for i in range(3)
    ]  # fmt: skip
    batch = _write(
        api, dispatcher, "/v1/resident-charges/batch/propertyware_rest/",
        {"integration_id": world.integration_id, "charges": items},
    )  # fmt: skip
    assert batch["created_record_id"] is None
    marker = [c for c in world.store.rows("charges") if c["amount"] in (1.0, 1.01, 1.02)]
    assert len(marker) == 3 and len({c["refNo"] for c in marker}) == 1


def test_unsupported_and_bad_writes_answer_400_or_405(api: TestClient, world: World) -> None:
    lease = _lease(api, world)
    body = {"integration_id": world.integration_id, "amount_in_cents": 100}
    recurring = api.get(
        "/v1/recurring-resident-charges/", params={"integration_id": world.integration_id}
    ).json()["results"][0]
    update = api.put(f"/v1/recurring-resident-charges/{recurring['id']}", json={"amount_in_cents": 5})
    assert update.status_code == 400 and "not supported" in update.text
    vendor_path = api.put(
        "/v1/recurring-resident-charges/propertyware_rest/rrc_x", json={"amount_in_cents": 5}
    )
    assert vendor_path.status_code == 405
    rent = _account(api, world, "4000")
    charge = {**body, "lease_id": lease["id"], "financial_account_id": rent["id"]}
    missing = api.post("/v1/resident-charges/", json=charge)
    assert missing.status_code == 400 and "transaction_date" in missing.text
    negative = api.post(
        "/v1/resident-charges/", json={**charge, "amount_in_cents": -5, "transaction_date": str(ANCHOR)}
    )
    assert negative.status_code == 400 and "amount_in_cents" in negative.text
    daily = api.post(
        "/v1/recurring-resident-charges/propertyware_rest/",
        json={**charge, "charge_due_day": 1, "start_date": NEXT_MONTH, "frequency_normalized": "DAILY"},
    )
    assert daily.status_code == 400 and "frequency_normalized" in daily.text
    weekly = api.post(
        "/v1/recurring-resident-charges/propertyware_rest/",
        json={**charge, "charge_due_day": 9, "start_date": NEXT_MONTH, "frequency_normalized": "WEEKLY"},
    )
    assert weekly.status_code == 400 and "charge_due_day" in weekly.text


def test_a_vendor_refusal_fails_the_job(
    api: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    lease = _lease(api, world)
    primary = next(r for r in lease["residents_meta_data"] if r["resident_type_normalized"] == "PRIMARY")
    body = {
        "integration_id": world.integration_id,
        "lease_id": lease["id"],
        "financial_account_id": _account(api, world, "4000")["id"],  # not a bank account
        "resident_id": primary["resident_id"],
        "amount_in_cents": 100,
        "payment_type": "Check",
        "transaction_date": PAID,
        "reference_number": "CHK-1",
    }
    response = api.post("/v1/resident-payments/", json=body)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["FAILURE"]
    assert "bank account" in " ".join(_status(api, response.json()["job_id"])["errors"])


def test_a_sync_through_a_429_burst_and_5xx_still_completes() -> None:
    from pmsgate.emulators.propertyware import create_propertyware_app
    from pmsgate.emulators.server import serve_in_thread

    app = create_propertyware_app(records=10, seed=9)
    with serve_in_thread(app) as server:
        integration_id, dispatcher = _integration(make_customer(), server.base_url, app)
        httpx.post(f"{server.base_url}/_control/faults", json={"rate_limit_burst": 4, "server_errors": 2})
        assert run_queued_syncs(dispatcher, builder=fast) == ["COMPLETED"]
        fired = httpx.get(f"{server.base_url}/_control/state").json()["fired"]
        assert fired["rate_limit_burst"] == 4 and fired["server_errors"] == 2
        assert count(Model.RESIDENTS, integration_id) == len(app.state.store.rows("contacts"))
