"""SamplePMS v2 over a real socket: auth, pagination, filters, writes, faults, determinism."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from pmsgate.emulators.sample import SampleCredentials, SampleStore, create_sample_app
from pmsgate.emulators.sample.collections import COLLECTIONS
from pmsgate.emulators.sample.seed import generate
from pmsgate.emulators.sample.wire import BASE, parse_money, parse_stamp, parse_us_date, stamp
from pmsgate.emulators.seeding import month_start
from pmsgate.emulators.server import serve_in_thread

RECORDS = 60


@dataclass
class Emulator:
    http: httpx.Client
    store: SampleStore

    def login(self, **body: str) -> str:
        answer = self.http.post(
            "/api/v2/auth/token", json={"username": "", "password": "", "companyId": "", **body}
        )
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["accessToken"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        return token

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(f"/api/v2/{path}", params=params)

    def everything(self, collection: str, **params: Any) -> list[dict[str, Any]]:
        """Every page of a list, checking the paging block on the way."""
        found: list[dict[str, Any]] = []
        cursor = None
        while True:
            answer = self.get(collection, **params, **({"cursor": cursor} if cursor else {}))
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert body["paging"]["count"] == len(body["data"])
            found.extend(body["data"])
            cursor = body["paging"]["next"]
            if cursor is None:
                return found

    def control(self, path: str, **body: Any) -> dict[str, Any]:
        answer = self.http.post(f"/_control/{path}", json=body)
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def records(self, collection: str) -> list[dict[str, Any]]:
        return list(self.store.table(collection).records())


def _serve(app: Any) -> Iterator[Emulator]:
    with serve_in_thread(app) as server, httpx.Client(base_url=server.base_url, timeout=10) as http:
        yield Emulator(http, app.state.store)


@pytest.fixture(scope="module")
def shared() -> Iterator[Emulator]:
    """Read-only tests share one emulator; they must not write or leave faults switched on."""
    yield from _serve(create_sample_app(records=RECORDS, seed=3))


@pytest.fixture
def reader(shared: Emulator) -> Emulator:
    shared.login()
    return shared


@pytest.fixture
def fresh() -> Iterator[Emulator]:
    """A private emulator for tests that write or switch faults on."""
    yield from _serve(create_sample_app(records=RECORDS, seed=5))


@pytest.fixture
def writer(fresh: Emulator) -> Emulator:
    fresh.login()
    return fresh


def _fault(answer: httpx.Response, status: int, code: str, field: str | None = None) -> None:
    assert answer.status_code == status, answer.text
    fault = answer.json()["fault"]
    assert fault["code"] == code
    assert fault["text"]
    if field is not None:
        assert fault["field"] == field


# -- auth -------------------------------------------------------------------------------------


def test_open_mode_accepts_any_login_and_requires_the_bearer(shared: Emulator) -> None:
    answer = shared.http.post("/api/v2/auth/token", json={"username": "", "password": "", "companyId": ""})
    assert answer.status_code == 200
    assert answer.json()["expiresIn"] == 900
    token = answer.json()["accessToken"]
    _fault(shared.http.get("/api/v2/sites", headers={"Authorization": ""}), 401, "TOKEN_EXPIRED")
    _fault(shared.http.get("/api/v2/sites", headers={"Authorization": "Bearer nope"}), 401, "TOKEN_EXPIRED")
    assert shared.http.get("/api/v2/sites", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_configured_login_refuses_wrong_credentials() -> None:
    app = create_sample_app(records=5, credentials=SampleCredentials("amy", "s3cret", "acme"))
    for emulator in _serve(app):
        wrong = emulator.http.post(
            "/api/v2/auth/token", json={"username": "amy", "password": "guess", "companyId": "acme"}
        )
        _fault(wrong, 401, "AUTH_FAILED")
        _fault(emulator.http.post("/api/v2/auth/token", json={}), 401, "AUTH_FAILED")
        emulator.login(username="amy", password="s3cret", companyId="acme")
        assert emulator.get("sites").status_code == 200


def test_tokens_expire(writer: Emulator) -> None:
    assert writer.control("expire-tokens")["expired"] >= 1
    _fault(writer.get("sites"), 401, "TOKEN_EXPIRED")
    # Long enough that a loaded machine still uses the token before it expires (0.05 s was not).
    writer.control("limits", token_lifetime_s=1.0)
    writer.login()
    assert writer.get("sites").status_code == 200
    time.sleep(1.1)
    _fault(writer.get("sites"), 401, "TOKEN_EXPIRED")


# -- lists ------------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_pagination_returns_every_record_once_in_id_order(reader: Emulator, collection: str) -> None:
    id_field = COLLECTIONS[collection].id_field
    listed = [r[id_field] for r in reader.everything(collection, pageSize=7)]
    assert listed == [r[id_field] for r in reader.records(collection)]
    assert len(listed) == len(set(listed)) > 0


def test_the_default_page_holds_100(reader: Emulator) -> None:
    body = reader.get("charges").json()
    assert body["paging"]["count"] == 100
    assert body["paging"]["next"]


@pytest.mark.parametrize(
    ("collection", "params", "field"),
    [
        ("sites", {"pageSize": 0}, "pageSize"),
        ("sites", {"pageSize": 501}, "pageSize"),
        ("sites", {"pageSize": "ten"}, "pageSize"),
        ("sites", {"cursor": "!!not-ours"}, "cursor"),
        ("sites", {"changedSince": "2025-01-01T00:00:00"}, "changedSince"),
        ("sites", {"changedSince": "yesterday"}, "changedSince"),
        ("charges", {"postedFrom": "2025-01-01"}, "postedFrom"),
        ("sites", {"postedFrom": "01/01/2025"}, "postedFrom"),
        ("tenants", {"ref": "X"}, "ref"),
        ("sites", {"siteIds": "1,two"}, "siteIds"),
        ("sites", {"limit": 5}, "limit"),
    ],
)
def test_bad_list_parameters_answer_400(
    reader: Emulator, collection: str, params: dict[str, Any], field: str
) -> None:
    _fault(reader.get(collection, **params), 400, "BAD_REQUEST", field)


def test_unknown_collection_and_record_answer_404(reader: Emulator) -> None:
    _fault(reader.get("leases"), 404, "NOT_FOUND")
    _fault(reader.get("sites/999999"), 404, "NOT_FOUND")
    site = reader.records("sites")[0]
    assert reader.get(f"sites/{site['siteId']}").json() == site


def test_changed_since_is_inclusive_and_offset_aware(reader: Emulator) -> None:
    tenants = reader.records("tenants")
    threshold = sorted(parse_stamp(t["changedOn"]) for t in tenants)[len(tenants) // 2]
    expected = [t["tenantId"] for t in tenants if parse_stamp(t["changedOn"]) >= threshold]
    in_utc = threshold.astimezone(UTC).isoformat().replace("+00:00", "Z")
    for since in (stamp(threshold), in_utc):
        assert [t["tenantId"] for t in reader.everything("tenants", changedSince=since)] == expected


def test_posted_from_filters_ledger_lines(reader: Emulator) -> None:
    cutoff = month_start(BASE.date(), 19)  # the seed is anchored at BASE (this month)
    for collection, id_field in (("charges", "chargeId"), ("receipts", "receiptId")):
        records = reader.records(collection)
        expected = [r[id_field] for r in records if parse_us_date(r["postedOn"]) >= cutoff]
        listed = reader.everything(collection, postedFrom=cutoff.strftime("%m/%d/%Y"), pageSize=500)
        assert [r[id_field] for r in listed] == expected
        assert 0 < len(expected) < len(records)


def test_seed_has_ledger_lines_older_than_two_years(reader: Emulator) -> None:
    posted = [parse_us_date(c["postedOn"]) for c in reader.records("charges")]
    two_years_before = month_start(BASE.date(), 24)
    old = sum(1 for day in posted if day < two_years_before)
    assert 0.02 < old / len(posted) < 0.3


def test_site_ids_and_ref_filters(reader: Emulator) -> None:
    site_id = reader.records("sites")[-1]["siteId"]
    spaces = reader.everything("spaces", siteIds=str(site_id), pageSize=500)
    assert spaces
    assert {s["siteId"] for s in spaces} == {site_id}
    everyone = reader.everything(
        "spaces", siteIds=",".join(str(s["siteId"]) for s in reader.records("sites"))
    )
    assert len(everyone) == len(reader.records("spaces"))
    with_ref = next(c for c in reader.records("charges") if c["ref"])
    assert reader.everything("charges", ref=with_ref["ref"]) == [with_ref]


# -- writes -----------------------------------------------------------------------------------


@dataclass
class Books:
    tenancy: dict[str, Any]
    code: dict[str, Any]
    income: dict[str, Any]
    bank: dict[str, Any]


def _books(emulator: Emulator) -> Books:
    tenancy = next(t for t in emulator.records("tenancies") if len(t["occupants"]) > 1)
    site = tenancy["siteId"]
    code = next(c for c in emulator.records("ledger-codes") if c["siteId"] == site and c["code"] == "RENT")
    accounts = [a for a in emulator.records("gl-accounts") if a["siteId"] == site]
    income = next(a for a in accounts if a["kind"] == "income")
    bank = next(a for a in accounts if a["kind"] == "bank")
    return Books(tenancy, code, income, bank)


def _charge_body(books: Books, **changes: Any) -> dict[str, Any]:
    body = {
        "tenancyId": books.tenancy["tenancyId"],
        "codeId": books.code["codeId"],
        "accountId": books.income["accountId"],
        "amount": "1250.10",
        "postedOn": "11/01/2026",
        "memo": "November rent",
        "ref": "PMSGATE-1",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def _receipt_body(books: Books, **changes: Any) -> dict[str, Any]:
    body = {
        "tenancyId": books.tenancy["tenancyId"],
        "tenantId": books.tenancy["occupants"][0]["tenantId"],
        "accountId": books.bank["accountId"],
        "amount": "300.00",
        "method": "ach",
        "postedOn": "11/02/2026",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def test_post_charge_and_credit(writer: Emulator) -> None:
    books = _books(writer)
    head = books.tenancy["occupants"][0]["tenantId"]
    answer = writer.http.post("/api/v2/charges", json=_charge_body(books))
    assert answer.status_code == 201
    charge = writer.get(f"charges/{answer.json()['chargeId']}").json()
    assert charge["amount"] == charge["open"] == "1250.10"
    assert (charge["source"], charge["tenantId"], charge["period"]) == ("api", head, "2026-11")
    assert parse_stamp(charge["changedOn"]) > datetime(2026, 1, 1, tzinfo=UTC)
    credit = writer.http.post("/api/v2/credits", json=_charge_body(books, amount="25.00", ref=None))
    assert credit.status_code == 201
    assert writer.get(f"charges/{credit.json()['chargeId']}").json()["amount"] == "-25.00"
    tenancy = writer.get(f"tenancies/{books.tenancy['tenancyId']}").json()
    assert parse_money(tenancy["balance"]) == parse_money(books.tenancy["balance"]) + 125010 - 2500
    assert writer.get(f"tenants/{head}").json()["balance"] == tenancy["balance"]


def test_a_repeated_ref_is_stored_again(writer: Emulator) -> None:
    books = _books(writer)
    first = writer.http.post("/api/v2/charges", json=_charge_body(books, ref="DUP-1")).json()["chargeId"]
    second = writer.http.post("/api/v2/charges", json=_charge_body(books, ref="DUP-1")).json()["chargeId"]
    assert first != second
    assert [c["chargeId"] for c in writer.everything("charges", ref="DUP-1")] == [first, second]


def test_post_receipt_applies_to_the_oldest_open_charges(writer: Emulator) -> None:
    books = _books(writer)
    charges = [c for c in writer.records("charges") if c["tenancyId"] == books.tenancy["tenancyId"]]
    open_before = sum(parse_money(c["open"]) for c in charges if parse_money(c["open"]) > 0)
    answer = writer.http.post("/api/v2/receipts", json=_receipt_body(books, amount="99999.00"))
    assert answer.status_code == 201
    receipt = writer.get(f"receipts/{answer.json()['receiptId']}").json()
    applied = sum(parse_money(a["amount"]) for a in receipt["appliedTo"])
    assert applied == open_before  # everything open got paid; the rest stays unapplied
    for allocation in receipt["appliedTo"]:
        assert writer.get(f"charges/{allocation['chargeId']}").json()["open"] == "0.00"


def test_post_recurring_and_patch_it(writer: Emulator) -> None:
    books = _books(writer)
    body = {
        "tenancyId": books.tenancy["tenancyId"],
        "codeId": books.code["codeId"],
        "amount": "45.00",
        "every": "month",
        "dueDay": 1,
        "startsOn": "12/01/2026",
    }
    answer = writer.http.post("/api/v2/recurring", json=body)
    assert answer.status_code == 201
    recurring_id = answer.json()["recurringId"]
    created = writer.get(f"recurring/{recurring_id}").json()
    assert created["active"] is True
    assert created["accountId"] is not None  # defaulted from the code's income account
    patched = writer.http.patch(
        f"/api/v2/recurring/{recurring_id}", json={"amount": "50.00", "active": False}
    )
    assert patched.status_code == 200
    assert (patched.json()["amount"], patched.json()["active"], patched.json()["every"]) == (
        "50.00",
        False,
        "month",
    )
    _fault(
        writer.http.patch(f"/api/v2/recurring/{recurring_id}", json={"endsOn": "01/01/2020"}),
        422,
        "VALIDATION",
        "endsOn",
    )
    _fault(writer.http.patch("/api/v2/recurring/1", json={"active": True}), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("path", "changes", "status", "field"),
    [
        ("charges", {"amount": None}, 422, "amount"),
        ("charges", {"amount": "-5.00"}, 422, "amount"),
        ("charges", {"amount": "12,3x"}, 422, "amount"),
        ("charges", {"amount": 12.5}, 422, "amount"),
        ("charges", {"postedOn": "2026-11-01"}, 422, "postedOn"),
        ("charges", {"tenancyId": "abc"}, 422, "tenancyId"),
        ("charges", {"colour": "red"}, 422, "colour"),
        ("charges", {"ref": "R" * 41}, 422, "ref"),
        ("charges", {"tenancyId": 123}, 404, "tenancyId"),
        ("charges", {"codeId": 123}, 404, "codeId"),
        ("charges", {"accountId": 123}, 404, "accountId"),
        ("charges", {"tenantId": 123}, 404, "tenantId"),
        ("credits", {"postedOn": None}, 422, "postedOn"),
        ("receipts", {"method": "bitcoin"}, 422, "method"),
        ("receipts", {"tenantId": None}, 422, "tenantId"),
        ("receipts", {"accountId": "income"}, 422, "accountId"),
    ],
)
def test_write_validation(
    reader: Emulator, path: str, changes: dict[str, Any], status: int, field: str
) -> None:
    """Refused writes store nothing, so these share the read-only emulator."""
    writer = reader
    books = _books(writer)
    if changes.get("accountId") == "income":
        changes = {"accountId": books.income["accountId"]}  # receipts must go to a bank account
    build = _receipt_body if path == "receipts" else _charge_body
    before = writer.store.counts()
    _fault(
        writer.http.post(f"/api/v2/{path}", json=build(books, **changes)),
        status,
        "NOT_FOUND" if status == 404 else "VALIDATION",
        field,
    )
    assert writer.store.counts() == before


def test_a_tenant_from_another_tenancy_is_refused(writer: Emulator) -> None:
    books = _books(writer)
    stranger = next(t for t in writer.records("tenancies") if t["tenancyId"] != books.tenancy["tenancyId"])
    body = _charge_body(books, tenantId=stranger["occupants"][0]["tenantId"])
    _fault(writer.http.post("/api/v2/charges", json=body), 422, "VALIDATION", "tenantId")
    _fault(writer.http.post("/api/v2/charges", content=b"[1, 2"), 400, "BAD_REQUEST")


def test_prefer_respond_async_stores_without_returning_the_id(writer: Emulator) -> None:
    books = _books(writer)
    before = writer.store.counts()["receipts"]
    answer = writer.http.post(
        "/api/v2/receipts", json=_receipt_body(books, ref="ASYNC-1"), headers={"Prefer": "respond-async"}
    )
    assert (answer.status_code, answer.json()) == (202, {"accepted": True})
    assert writer.store.counts()["receipts"] == before + 1
    assert len(writer.everything("receipts", ref="ASYNC-1")) == 1


# -- faults -----------------------------------------------------------------------------------


def test_rate_limit_burst_then_recovery(writer: Emulator) -> None:
    writer.control("faults", rate_limit_burst=2)
    for _ in range(2):
        answer = writer.get("sites")
        _fault(answer, 429, "RATE_LIMITED")
        assert answer.headers["retry-after"] == "1"
    assert writer.get("sites").status_code == 200
    assert writer.control("reset")["fired"] == {}
    assert writer.http.get("/_control/state").json()["faults"]["rate_limit_burst"] == 0


def test_server_errors_come_before_auth(fresh: Emulator) -> None:
    fresh.control("faults", server_errors=1)
    _fault(fresh.http.get("/api/v2/sites"), 503, "UNAVAILABLE")
    _fault(fresh.http.get("/api/v2/sites"), 401, "TOKEN_EXPIRED")
    assert fresh.http.get("/_control/state").json()["fired"] == {"server_errors": 1}


def test_slow_pages(writer: Emulator) -> None:
    writer.control("faults", slow_ms=150)
    started = time.monotonic()
    assert writer.get("sites").status_code == 200
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    assert writer.get(f"sites/{writer.records('sites')[0]['siteId']}").status_code == 200
    assert time.monotonic() - started < 0.15  # only list pages are slow


def test_malformed_records(writer: Emulator) -> None:
    writer.control("faults", malformed_every=4)
    charges = writer.everything("charges", pageSize=500)
    missing_id = [c for c in charges if "chargeId" not in c]
    garbled = [c for c in charges if c["amount"] == "12,3x"]
    expected = [c for c in writer.records("charges") if c["chargeId"] % 4 == 0]
    assert len(missing_id) + len(garbled) == len(expected) > 0
    assert missing_id
    assert garbled
    assert writer.http.get("/_control/state").json()["fired"]["malformed_every"] == len(expected)


def test_writes_failing_after_commit_are_stored(writer: Emulator) -> None:
    books = _books(writer)
    writer.control("faults", fail_writes_after_commit=1)
    _fault(writer.http.post("/api/v2/charges", json=_charge_body(books, ref="LOST-1")), 500, "INTERNAL")
    assert len(writer.everything("charges", ref="LOST-1")) == 1
    assert writer.http.post("/api/v2/charges", json=_charge_body(books, ref="LOST-1")).status_code == 201


def test_built_in_rate_limit(writer: Emulator) -> None:
    writer.control("limits", requests_per_second=3)
    statuses = [writer.get("sites").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert 429 in statuses[3:]
    writer.control("limits", requests_per_second=None)
    assert writer.get("sites").status_code == 200


def test_control_rejects_unknown_faults_and_reports_counts(fresh: Emulator) -> None:
    assert fresh.http.post("/_control/faults", json={"gremlins": 1}).status_code == 400
    assert fresh.http.post("/_control/faults", json={"server_errors": -1}).status_code == 400
    counts = fresh.http.get("/_control/state").json()["counts"]
    assert counts == {name: len(fresh.records(name)) for name in COLLECTIONS}
    assert counts["tenants"] == RECORDS


# -- seed -------------------------------------------------------------------------------------


def test_the_seed_is_deterministic() -> None:
    assert generate(RECORDS, 9) == generate(RECORDS, 9)
    assert generate(RECORDS, 9) != generate(RECORDS, 10)


def test_two_apps_with_one_seed_serve_identical_pages() -> None:
    pages = []
    for _ in range(2):
        for emulator in _serve(create_sample_app(records=30, seed=21)):
            emulator.login()
            pages.append({name: emulator.everything(name, pageSize=50) for name in COLLECTIONS})
    assert pages[0] == pages[1]


def test_seed_shape_scales_with_records() -> None:
    data = generate(300, 1)
    assert len(data["tenants"]) == 300
    assert len(data["sites"]) == 3
    assert len(data["spaces"]) == 330
    assert len(generate(25, 1)["sites"]) == 2
    assert len(generate(5, 1)["sites"]) == 1
    for tenancy in data["tenancies"]:
        roles = [o["role"] for o in tenancy["occupants"]]
        assert 1 <= len(roles) <= 3
        assert roles.count("head") == 1
    for site in data["sites"]:
        accounts = [a for a in data["gl-accounts"] if a["siteId"] == site["siteId"]]
        codes = [c for c in data["ledger-codes"] if c["siteId"] == site["siteId"]]
        assert 4 <= len(accounts) <= 6
        assert any(a["kind"] == "bank" for a in accounts)
        assert 6 <= len(codes) <= 10


def test_seed_ledgers_are_consistent() -> None:
    data = generate(RECORDS, 4)
    charges = {c["chargeId"]: c for c in data["charges"]}
    applied: dict[int, int] = {}
    for receipt in data["receipts"]:
        allocations = [parse_money(a["amount"]) for a in receipt["appliedTo"]]
        assert sum(allocations) <= parse_money(receipt["amount"])
        for allocation in receipt["appliedTo"]:
            assert charges[allocation["chargeId"]]["tenancyId"] == receipt["tenancyId"]
            applied[allocation["chargeId"]] = applied.get(allocation["chargeId"], 0) + parse_money(
                allocation["amount"]
            )
    for charge in data["charges"]:
        assert parse_money(charge["open"]) == parse_money(charge["amount"]) - applied.get(
            charge["chargeId"], 0
        )
