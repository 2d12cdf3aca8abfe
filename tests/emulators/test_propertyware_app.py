"""The Propertyware emulator over HTTP: auth, pagination, filters, writes, faults, control."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

import pmsgate.emulators.propertyware.definition  # noqa: F401  (registers the emulator)
from pmsgate.emulators.propertyware import BASE_PATH, DEFAULT_KEY, PwStore, create_propertyware_app
from pmsgate.emulators.propertyware.seed import generate
from pmsgate.emulators.propertyware.wire import BASE
from pmsgate.emulators.registry import emulator
from pmsgate.emulators.seeding import month_start
from pmsgate.emulators.server import serve_in_thread

HEADERS = {
    "x-propertyware-client-id": DEFAULT_KEY.client_id,
    "x-propertyware-client-secret": DEFAULT_KEY.client_secret,
    "x-propertyware-system-id": DEFAULT_KEY.system_id,
}
# Dates in the seed's calendar: its anchor (wire.BASE) is the first of this month and its ledger
# runs through this month; writes are dated the day after the anchor.
ANCHOR = BASE.date()
WRITTEN = str(ANCHOR + timedelta(days=1))
NEXT_MONTH = str(month_start(ANCHOR, -1))


class Emulator:
    def __init__(self, base_url: str, store: PwStore) -> None:
        self.base_url, self.store = base_url, store
        self.client = httpx.Client(base_url=base_url + BASE_PATH, headers=HEADERS)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(path, params=params)

    def post(self, path: str, body: Any) -> httpx.Response:
        return self.client.post(path, json=body)

    def control(self, path: str, **body: Any) -> httpx.Response:
        return httpx.post(f"{self.base_url}/_control/{path}", json=body)


def _serve(records: int, seed: int) -> Iterator[Emulator]:
    app = create_propertyware_app(records=records, seed=seed)
    with serve_in_thread(app) as server:
        emu = Emulator(server.base_url, app.state.store)
        yield emu
        emu.client.close()


@pytest.fixture(scope="module")
def reader() -> Iterator[Emulator]:
    yield from _serve(60, 4)


@pytest.fixture
def writer() -> Iterator[Emulator]:
    yield from _serve(10, 6)


def test_every_request_needs_the_three_key_headers(reader: Emulator) -> None:
    assert reader.get("/buildings").status_code == 200
    for header in HEADERS:
        response = httpx.get(reader.base_url + BASE_PATH + "/buildings", headers={**HEADERS, header: "nope"})
        assert response.status_code == 401
        assert response.json()["errorCode"] == "1001" and response.json()["userMessage"]
    missing = httpx.get(reader.base_url + BASE_PATH + "/buildings")  # Propertyware's docs: malformed, 400
    assert missing.status_code == 400 and "x-propertyware-client-id" in missing.json()["userMessage"]
    one_missing = {k: v for k, v in HEADERS.items() if k != "x-propertyware-system-id"}
    answer = httpx.get(reader.base_url + BASE_PATH + "/buildings", headers=one_missing)
    assert answer.status_code == 400 and "x-propertyware-system-id" in answer.json()["userMessage"]


def test_offset_pages_with_a_total_count(reader: Emulator) -> None:
    total = len(reader.store.rows("charges"))
    first = reader.get("/leases/charges", limit=100)
    assert first.headers["X-Total-Count"] == str(total) and len(first.json()) == 100
    seen = [
        c["id"]
        for offset in range(0, total, 500)
        for c in reader.get("/leases/charges", limit=500, offset=offset).json()
    ]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == total
    for bad in (-1, 0, 501, 9999):  # the spec's range is 1..500: an error, not silently capped
        answer = reader.get("/leases/charges", limit=bad)
        assert answer.status_code == 400 and "limit" in answer.json()["userMessage"]
    assert reader.get("/leases/charges", orderby="amount").status_code == 400


def test_filters(reader: Emulator) -> None:
    # A month inside the ledger (five months before the anchor's): its first and last days.
    first = month_start(ANCHOR, 5)
    day, last = first.isoformat(), str(month_start(ANCHOR, 4) - timedelta(days=1))
    eve = first - timedelta(days=1)
    since = reader.get("/leases/payments", limit=500, lastModifiedDateTimeStart=f"{day}T00:00:00Z").json()
    assert since and all(p["lastModifiedDateTime"] >= f"{day}T00:00:00Z" for p in since)
    posted = reader.get("/leases/payments", limit=500, postDateStart=day, postDateEnd=last).json()
    assert posted and all(day <= p["date"] <= last for p in posted)
    # The several forms clients send all mean the same instant; garbage is a 400 naming the form.
    same = [
        f"{day}T00:00:00Z",
        f"{day}T00:00:00+00:00",
        f"{eve}T20:00:00-04:00",
        f"{day}T02:00:00+0200",
        f"{day}T00:00:00.000Z",
        f"{day}T00:00:00",
        f"{day} 00:00:00",
        f"{day}T00:00:00 00:00",  # '+00:00' sent without URL-encoding its '+'
        day,
    ]
    ids = {
        tuple(p["id"] for p in reader.get("/leases/payments", limit=500, lastModifiedDateTimeStart=t).json())
        for t in same
    }
    assert ids == {tuple(p["id"] for p in since)}
    ended = reader.get("/leases/payments", limit=500, lastModifiedDateTimeEnd=f"{day}T00:00:00.5Z").json()
    assert ended and all(p["lastModifiedDateTime"] <= f"{day}T00:00:00Z" for p in ended)
    for garbage in ("soon", "2026-13-01T00:00:00Z", "2026/06/01", "1780272000000", ""):
        refused = reader.get("/leases", lastModifiedDateTimeStart=garbage)
        assert refused.status_code == 400, garbage
        assert "lastModifiedDateTimeStart" in refused.json()["userMessage"]
        assert "yyyy-MM-dd'T'HH:mm:ssXXX" in refused.json()["userMessage"]
    as_stamp = reader.get("/leases/payments", limit=500, postDateStart=f"{day}T00:00:00Z", postDateEnd=last)
    assert as_stamp.json() == posted
    bad_day = reader.get("/leases/payments", postDateStart="June 1")
    assert bad_day.status_code == 400 and "yyyy-MM-dd" in bad_day.json()["userMessage"]
    lease = reader.store.rows("leases")[0]
    assert {c["leaseID"] for c in reader.get("/leases/charges", leaseID=lease["id"]).json()} == {lease["id"]}
    assert all(c["type"] == "TENANT" for c in reader.get("/contacts", type="TENANT").json())
    active = reader.get("/accounting/glaccounts").json()
    assert len(active) < len(reader.get("/accounting/glaccounts", includeDeactivated="true").json())
    assert reader.get(f"/leases/{lease['id']}").json()["id"] == lease["id"]
    assert reader.get("/leases/1").status_code == 404


def test_the_seed_spans_18_months_and_is_deterministic() -> None:
    data, last = generate(30, 2)
    dates = sorted(c["date"] for c in data["charges"])
    assert dates[0] <= month_start(ANCHOR, 18).isoformat() and dates[-1] >= month_start(ANCHOR, 1).isoformat()
    assert generate(30, 2) == (data, last) and generate(30, 3)[0] != data
    assert len(data["contacts"]) >= 30


def test_a_charge_is_stored_and_returned_twice_if_posted_twice(writer: Emulator) -> None:
    lease, rent = writer.store.rows("leases")[0], writer.store.where("glaccounts", accountNumber="4000")[0]
    body = {
        "amount": 12.34,
        "date": WRITTEN,
        "glAccountID": rent["id"],
        "leaseID": lease["id"],
        "refNo": "A",
    }
    first, second = writer.post("/leases/charges", body), writer.post("/leases/charges", body)
    assert first.status_code == second.status_code == 201 and first.json()["id"] != second.json()["id"]
    assert first.json()["amount"] == 12.34 and first.json()["amountDue"] == 12.34
    bad = writer.post("/leases/charges", {**body, "glAccountID": 1})
    assert bad.status_code == 400 and bad.json()["errors"][0]["key"] == "glAccountID"
    assert writer.post("/leases/charges", {"amount": 1}).json()["errors"][0]["key"] == "date"


def test_a_payment_pays_the_oldest_open_charges(writer: Emulator) -> None:
    lease = next(x for x in writer.store.rows("leases") if x["status"] == "Active")
    rent, bank = (writer.store.where("glaccounts", accountNumber=n)[0] for n in ("4000", "1000"))
    charge = writer.post(
        "/leases/charges",
        {"amount": 10.0, "date": "2000-01-01", "glAccountID": rent["id"], "leaseID": lease["id"]},
    ).json()
    body = {
        "amount": 4.0, "contactID": lease["contacts"][0]["id"],
        "date": WRITTEN, "depositDate": WRITTEN,
        "destinationAccountID": bank["id"], "leaseID": lease["id"], "paymentType": "CHECK", "refNo": "9",
    }  # fmt: skip
    payment = writer.post("/leases/payments", body)
    assert payment.status_code == 201, payment.text
    paid = writer.store.get("charges", charge["id"])
    assert paid is not None and paid["amountDue"] == 6.0 and paid["payments"][0]["id"] == payment.json()["id"]
    assert writer.post("/leases/payments", {**body, "destinationAccountID": rent["id"]}).status_code == 400
    assert writer.post("/leases/payments", {**body, "contactID": 1}).status_code == 400


def test_auto_charges_and_adjustments(writer: Emulator) -> None:
    lease, rent = writer.store.rows("leases")[0], writer.store.where("glaccounts", accountNumber="4000")[0]
    item = {
        "amount": 15,
        "dueDay": 3,
        "frequency": "WEEKLY",
        "glAccountID": rent["id"],
        "startDate": NEXT_MONTH,
    }
    created = writer.post("/leases/autocharges", {"leaseID": lease["id"], "charges": [item]})
    assert created.status_code == 201 and created.json()[0]["frequency"] == "WEEKLY"
    weekly = writer.post("/leases/autocharges", {"leaseID": lease["id"], "charges": [{**item, "dueDay": 9}]})
    assert weekly.status_code == 400 and weekly.json()["errors"][0]["key"] == "dueDay"
    adjustment = writer.post("/leases/adjustments", {"amount": -5, "leaseID": lease["id"], "date": WRITTEN})
    assert adjustment.status_code == 201 and adjustment.json()["amount"] == -5
    assert writer.post("/leases/adjustments", {"amount": 5, "leaseID": lease["id"]}).status_code == 400


def test_bulk_charges_are_all_or_nothing(writer: Emulator) -> None:
    lease, rent = writer.store.rows("leases")[0], writer.store.where("glaccounts", accountNumber="4000")[0]
    good = {"amount": 1, "date": WRITTEN, "glAccountID": rent["id"], "leaseID": lease["id"]}
    before = len(writer.store.rows("charges"))
    refused = writer.post("/leases/charges/bulk", [good, {**good, "leaseID": 1}])
    assert refused.status_code == 400 and [e["success"] for e in refused.json()] == [True, False]
    assert len(writer.store.rows("charges")) == before
    created = writer.post("/leases/charges/bulk", [good, good])
    assert created.status_code == 201 and len(created.json()) == 2


def test_faults_limits_and_write_permissions(writer: Emulator) -> None:
    writer.control("faults", rate_limit_burst=1, server_errors=1, fail_writes_after_commit=1, slow_ms=1)
    assert writer.get("/units").status_code == 429
    assert writer.get("/units").status_code == 503
    assert writer.get("/units").status_code == 200
    lease = writer.store.rows("leases")[0]
    before = len(writer.store.rows("adjustments"))
    assert writer.post("/leases/adjustments", {"amount": -1, "leaseID": lease["id"]}).status_code == 500
    assert len(writer.store.rows("adjustments")) == before + 1  # stored, answer lost
    assert httpx.get(f"{writer.base_url}/_control/state").json()["fired"]["slow_ms"] >= 1
    writer.control("reset")
    writer.control("limits", requests_per_second=2)
    assert 429 in [writer.get("/units").status_code for _ in range(4)]
    writer.control("reset")
    writer.control("key", beta_writes=False, denied=["UNITS"])
    assert writer.get("/units").status_code == 403
    assert writer.post("/leases/adjustments", {"amount": -1, "leaseID": lease["id"]}).status_code == 403
    assert writer.control("faults", bogus=1).status_code == 400
    state = httpx.get(f"{writer.base_url}/_control/state").json()
    assert state["key"]["denied"] == ["UNITS"]


def test_the_cli_definition_prints_credentials() -> None:
    definition = emulator("propertyware")
    app = definition.create_app(5, 1)
    assert definition.credentials(app) == {
        "clientId": DEFAULT_KEY.client_id,
        "clientSecret": DEFAULT_KEY.client_secret,
        "systemId": DEFAULT_KEY.system_id,
    }
    assert definition.base_path == BASE_PATH
