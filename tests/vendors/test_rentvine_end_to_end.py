"""RENTVINE end to end: an integration pointed at a served Rentvine emulator syncs every model
Rentvine has, then takes each supported write through the HTTP API and the write worker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import pmsgate.connectors.rentvine
import pmsgate.emulators.rentvine.definition
from pmsgate.canonical.registry import Model
from pmsgate.config import get_settings
from pmsgate.connectors.registry import definition_for
from pmsgate.connectors.rentvine.credentials import RentvineCredentials
from pmsgate.emulators.rentvine.wire import TODAY
from pmsgate.emulators.seeding import month_start
from pmsgate.kit.dispatch import RecordingDispatcher
from pmsgate.kit.timeutil import utcnow
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import create_integration, run_queued_syncs
from tests.sync.test_engine import count, fast
from tests.writes.conftest import run_writes

assert pmsgate.connectors.rentvine.RentvineConnector  # importing registers the vendor
RECORDS = 30
STORED = {
    Model.PROPERTIES: "properties",
    Model.UNITS: "units",
    Model.RESIDENTS: "contacts",
    Model.LEASES: "leases",
    Model.RECURRING_RESIDENT_CHARGES: "recurring",
}
# Dates in the seed's calendar: its anchor (wire.TODAY) is the first of this month and its ledger
# runs through this month; writes are dated in its first weeks, schedules start next month.
WRITTEN, PAID = (str(TODAY + timedelta(days=n)) for n in (14, 15))
NEXT_MONTH = str(month_start(TODAY, -1))


@dataclass
class World:
    base_url: str
    app: Any
    customer: CustomerKey
    integration_id: str

    def native(self, path: str, **params: Any) -> Any:
        from pmsgate.emulators.rentvine.definition import credentials

        login = credentials(self.app)
        response = httpx.get(
            f"{self.base_url}/api/manager{path}",
            params={"pageSize": 100, **params},
            auth=(login["apiKey"], login["apiSecret"]),
        )
        assert response.status_code == 200, response.text
        return response.json()


def _integration(
    customer: CustomerKey, base_url: str, app: Any, **extra: Any
) -> tuple[str, RecordingDispatcher]:
    from pmsgate.emulators.rentvine.definition import credentials

    return create_integration(
        customer,
        base_url + "/api/manager",
        integration_vendor="RENTVINE",
        name="Rentvine",
        credentials={**credentials(app), "baseUrl": base_url + "/api/manager"},
        max_request_frequency=1000,
        max_request_cadence="SECOND",
        **extra,
    )


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    from pmsgate.emulators.rentvine import create_rentvine_app
    from pmsgate.emulators.server import serve_in_thread

    app = create_rentvine_app(records=RECORDS, seed=3)
    server = serve_in_thread(app)
    customer = make_customer("Rentvine user")
    integration_id, dispatcher = _integration(customer, server.base_url, app)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    yield World(server.base_url, app, customer, integration_id)
    server.stop()


@pytest.fixture
def api(app: FastAPI, world: World) -> Iterator[TestClient]:
    with TestClient(app, headers=world.customer.headers) as client:
        yield client


def test_the_first_sync_stores_every_model_rentvine_has(world: World) -> None:
    store = world.app.state.store
    for model, table in STORED.items():
        assert count(model, world.integration_id) == len(store.table(table)), model
    # A normal first sync reads the ledger of the last sync_lookback_days (365) only, from that
    # day on the company's clock (a UTC date is a day later in the evening, New York time).
    from pmsgate.emulators.rentvine.definition import credentials

    tz = RentvineCredentials.model_validate({**credentials(world.app), "baseUrl": world.base_url}).tz
    since = (utcnow() - timedelta(days=get_settings().sync_lookback_days)).astimezone(tz).date().isoformat()
    transactions = [t for t in store.table("transactions").all() if t["datePosted"] >= since]
    assert len(transactions) < len(store.table("transactions"))  # the seed reaches further back
    charges = sum(1 for t in transactions if t["transactionTypeID"] in (1, 3))
    payments = [t for t in transactions if t["transactionTypeID"] == 2]
    assert charges and payments, "the window holds recent ledger (the seed follows the clock)"
    assert count(Model.RESIDENT_CHARGES, world.integration_id) == charges
    assert count(Model.RESIDENT_PAYMENTS, world.integration_id) == len(payments)
    assert count(Model.RESIDENT_ALLOCATIONS, world.integration_id) == sum(
        len(p["allocations"]) for p in payments
    )
    links = sum(len(lease["tenants"]) for lease in store.table("leases").all())
    assert count(Model.RESIDENTS_TO_LEASES, world.integration_id) == links
    assert count(Model.FINANCIAL_ACCOUNTS, world.integration_id) == len(store.table("accounts"))
    assert Model.CHARGE_CODES not in definition_for("RENTVINE").models
    assert (
        count(Model.CHARGE_CODES, world.integration_id) == 0 and count(Model.FEES, world.integration_id) == 0
    )


def _lease(api: TestClient, world: World) -> dict[str, Any]:
    leases = api.get("/v1/leases/", params={"integration_id": world.integration_id, "limit": 250}).json()[
        "results"
    ]
    return next(x for x in leases if x["status_normalized"] == "ACTIVE" and x["residents_meta_data"])


def _account(api: TestClient, lease: dict[str, Any], *, bank: bool) -> dict[str, Any]:
    """An account of the company's chart: accounts belong to no property (x_property_id "")."""
    params = {"integration_id": lease["integration_id"], "limit": 250}
    accounts = api.get("/v1/financial-accounts/", params=params).json()["results"]
    assert accounts and {a["x_property_id"] for a in accounts} == {""}
    assert len({a["property_id"] for a in accounts}) == 1  # one string naming no property
    by_property = {**params, "property_id": lease["property_id"]}
    assert api.get("/v1/financial-accounts/", params=by_property).json()["results"] == []
    return next(
        a
        for a in accounts
        if a["custom_data"]["is_bank_account"] is bank
        and a["custom_data"]["account_category"] in ("Bank", "Income")
    )


def _status(api: TestClient, job_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/admin/write-status/{job_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _write(
    api: TestClient, dispatcher: RecordingDispatcher, method: str, path: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = api.request(method, path, json=body)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["SUCCESS"], _status(api, response.json()["job_id"])
    return _status(api, response.json()["job_id"])


def test_each_supported_write_succeeds_with_a_readable_record(
    api: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    lease = _lease(api, world)
    income, bank = (
        _account(api, lease, bank=False),
        _account(api, lease, bank=True),
    )
    base = {
        "integration_id": world.integration_id,
        "lease_id": lease["id"],
        "financial_account_id": income["id"],
    }
    ledger = {
        **base,
        "amount_in_cents": 4250,
        "transaction_date": WRITTEN,
        "description": "Key replacement",
    }

    charge = _write(api, dispatcher, "POST", "/v1/resident-charges/", ledger)
    record = api.get(f"/v1/resident-charges/{charge['created_record_id']}").json()["results"]
    assert record["amount_in_cents"] == 4250 and record["lease_id"] == lease["id"]
    assert record["description"].startswith("Key replacement [PMSG-")

    credit = _write(api, dispatcher, "POST", "/v1/resident-credits/", {**ledger, "amount_in_cents": 1000})
    record = api.get(f"/v1/resident-charges/{credit['created_record_id']}").json()["results"]
    assert record["amount_in_cents"] == -1000

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
    payment = _write(api, dispatcher, "POST", "/v1/resident-payments/", payment_body)
    record = api.get(f"/v1/resident-payments/{payment['created_record_id']}").json()["results"]
    assert record["amount_in_cents"] == 4250 and record["payment_method_raw"] == "MONEY_ORDER"
    assert record["reference_number"] == "MO-1234"

    recurring_body = {
        **base,
        "amount_in_cents": 2500,
        "description": "Parking",
        "day_due": 5,
        "start_date": NEXT_MONTH,
    }
    created = _write(api, dispatcher, "POST", "/v1/recurring-resident-charges/", recurring_body)
    recurring_id = created["created_record_id"]
    record = api.get(f"/v1/recurring-resident-charges/{recurring_id}").json()["results"]
    assert record["amount_in_cents"] == 2500 and record["frequency_normalized"] == "MONTHLY"

    _write(
        api, dispatcher, "PUT", f"/v1/recurring-resident-charges/{recurring_id}", {"amount_in_cents": 2750}
    )
    record = api.get(f"/v1/recurring-resident-charges/{recurring_id}").json()["results"]
    assert record["amount_in_cents"] == 2750
    native = world.native(f"/leases/{lease['x_id']}/recurring-charges/{record['x_id']}")
    assert native["recurringCharge"]["amount"] == "27.50"


def test_vendor_refusals_and_bad_requests(
    api: TestClient, world: World, dispatcher: RecordingDispatcher
) -> None:
    lease = _lease(api, world)
    income = _account(api, lease, bank=False)
    primary = next(r for r in lease["residents_meta_data"] if r["resident_type_normalized"] == "PRIMARY")
    body = {
        "integration_id": world.integration_id,
        "lease_id": lease["id"],
        "financial_account_id": income["id"],  # not a bank account: Rentvine refuses
        "resident_id": primary["resident_id"],
        "amount_in_cents": 100,
        "payment_type": "Check",
        "transaction_date": PAID,
    }
    response = api.post("/v1/resident-payments/", json=body)
    assert response.status_code == 200, response.text
    assert run_writes(dispatcher) == ["FAILURE"]
    assert "bank account" in " ".join(_status(api, response.json()["job_id"])["errors"])

    negative = {k: v for k, v in body.items() if k not in ("payment_type", "resident_id")}
    missing = api.post("/v1/resident-charges/", json=negative)
    assert missing.status_code == 400
    assert missing.json()["error"]["details"]["issues"][0]["path"] == ["description"]
    bad = api.post("/v1/resident-charges/", json={**negative, "amount_in_cents": -5, "description": "x"})
    assert bad.status_code == 400 and "amount_in_cents" in bad.text
    schedule = {k: v for k, v in negative.items() if k != "transaction_date"}
    weekly = api.post(
        "/v1/recurring-resident-charges/rentvine/",
        json={
            **schedule,
            "amount_in_cents": 5,
            "description": "x",
            "day_due": 1,
            "start_date": NEXT_MONTH,
            "frequency_normalized": "WEEKLY",
        },
    )
    assert weekly.status_code == 400 and "frequency_normalized" in weekly.text


def test_no_batch_call(api: TestClient, world: World) -> None:
    """Rentvine supports every single write; it has no batch charge call, so no batch path."""
    response = api.post("/v1/resident-charges/batch/rentvine/", json={"integration_id": world.integration_id})
    assert response.status_code in (404, 405)


def test_a_sync_through_a_429_burst_and_5xx_still_completes(world: World) -> None:
    from pmsgate.emulators.rentvine import create_rentvine_app
    from pmsgate.emulators.server import serve_in_thread

    app = create_rentvine_app(records=12, seed=9)
    with serve_in_thread(app) as server:
        integration_id, dispatcher = _integration(make_customer(), server.base_url, app)
        httpx.post(f"{server.base_url}/_control/faults", json={"rate_limit_burst": 4, "server_errors": 2})
        assert run_queued_syncs(dispatcher, builder=fast) == ["COMPLETED"]
        fired = httpx.get(f"{server.base_url}/_control/state").json()["fired"]
        assert fired["rate_limit_burst"] == 4 and fired["server_errors"] == 2
        assert count(Model.RESIDENTS, integration_id) == len(app.state.store.table("contacts"))
