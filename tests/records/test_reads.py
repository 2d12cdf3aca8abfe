"""Every read operation of the core, against data synced from the sample PMS: shapes (validated
against the published contract), filters, order-by, paging and bad input."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.contract import assert_matches_contract
from tests.fixtures.api import make_customer
from tests.fixtures.sample import SyncedIntegration

RESOURCES = {
    "/v1/properties/": "/v1/properties/{id}",
    "/v1/units/": "/v1/units/{id}",
    "/v1/residents/": "/v1/residents/{id}",
    "/v1/leases/": "/v1/leases/{lease_id}",
    "/v1/charge-codes/": "/v1/charge-codes/{charge_code_id}",
    "/v1/financial-accounts/": "/v1/financial-accounts/{financial_account_id}",
    "/v1/resident-charges/": "/v1/resident-charges/{resident_charge_id}",
    "/v1/resident-payments/": "/v1/resident-payments/{resident_payment_id}",
    "/v1/recurring-resident-charges/": "/v1/recurring-resident-charges/{recurring_resident_charge_id}",
    "/v1/fees/": "/v1/fees/{fee_id}",
}


@pytest.fixture
def reader(app: FastAPI, synced: SyncedIntegration) -> Iterator[TestClient]:
    with TestClient(app, headers=synced.customer.headers) as client:
        yield client


def everything(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = client.get(path, params={**params, "offset": offset, "limit": 250})
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["results"])
        if not body["meta"]["hasMore"]:
            return items
        offset += 250


@pytest.mark.contract
@pytest.mark.parametrize("path", list(RESOURCES))
def test_list_and_get_match_the_contract(reader: TestClient, path: str) -> None:
    listing = reader.get(path)
    assert listing.status_code == 200, listing.text
    body = listing.json()
    assert body["results"], f"{path} returned nothing"
    assert_matches_contract("get", path, body)
    assert body["meta"]["orderBy"] == [{"created_at": "desc"}]
    first = body["results"][0]
    single = reader.get(RESOURCES[path].split("{")[0] + first["id"])
    assert single.status_code == 200, single.text
    assert_matches_contract("get", RESOURCES[path], single.json())
    assert single.json()["results"] == first


@pytest.mark.parametrize("path", list(RESOURCES))
def test_unknown_ids_and_other_customers_get_404(app: FastAPI, reader: TestClient, path: str) -> None:
    first = reader.get(path).json()["results"][0]
    assert reader.get(RESOURCES[path].split("{")[0] + "nope_123").status_code == 404
    stranger = make_customer("Stranger")
    with TestClient(app, headers=stranger.headers) as other:
        assert other.get(RESOURCES[path].split("{")[0] + first["id"]).status_code == 404
        assert other.get(path).json()["results"] == []


def test_paging_covers_every_record_once(reader: TestClient) -> None:
    total = reader.get("/v1/resident-charges/").json()["meta"]["total"]
    seen: list[str] = []
    offset = 0
    while True:
        page = reader.get("/v1/resident-charges/", params={"offset": offset, "limit": 37}).json()
        seen.extend(item["id"] for item in page["results"])
        assert page["meta"]["limit"] == 37 and page["meta"]["offset"] == offset
        if not page["meta"]["hasMore"]:
            break
        offset += 37
    assert len(seen) == len(set(seen)) == total


def test_order_by(reader: TestClient) -> None:
    amounts = [
        c["amount_in_cents"]
        for c in everything(reader, "/v1/resident-charges/", **{"order-by": "amount_in_cents:asc"})
    ]
    assert amounts == sorted(amounts)
    both = everything(reader, "/v1/resident-charges/", **{"order-by": "lease_id:asc,transaction_date:desc"})
    keys = [(c["lease_id"], c["transaction_date"]) for c in both]
    for (lease_a, date_a), (lease_b, date_b) in itertools.pairwise(keys):
        assert lease_a <= lease_b
        if lease_a == lease_b:
            assert date_a >= date_b


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 251}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"order-by": "amount_in_cents:sideways"}, "order-by"),
        ({"order-by": "content_hash:asc"}, "order-by"),
        ({"order-by": "allocations"}, "order-by"),
        ({"transaction_date_start": "yesterday"}, "transaction_date_start"),
        ({"integration_vendor": "NOPE"}, "integration_vendor"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_list_parameters_are_named(reader: TestClient, params: dict[str, Any], field: str) -> None:
    response = reader.get("/v1/resident-charges/", params=params)
    assert response.status_code == 400, response.text
    paths = [issue["path"] for issue in response.json()["error"]["details"]["issues"]]
    assert [field] in paths or any(field in path for path in paths), paths


def test_ledger_filters(reader: TestClient) -> None:
    charges = everything(reader, "/v1/resident-charges/")
    sample = next(c for c in charges if c["resident_id"] and c["lease_id"])
    for name in ("property_id", "resident_id", "lease_id", "integration_id"):
        filtered = everything(reader, "/v1/resident-charges/", **{name: sample[name]})
        assert filtered and all(c[name] == sample[name] for c in filtered)
        assert len(filtered) == sum(1 for c in charges if c[name] == sample[name])
    assert everything(reader, "/v1/resident-charges/", integration_vendor="SAMPLE1") == charges
    assert everything(reader, "/v1/resident-charges/", integration_vendor="BUILDIUM") == []

    day = sample["transaction_date"][:10]
    on_day = everything(reader, "/v1/resident-charges/", transaction_date_start=day, transaction_date_end=day)
    assert on_day and all(c["transaction_date"][:10] == day for c in on_day)
    assert len(on_day) == sum(1 for c in charges if c["transaction_date"][:10] == day)


def test_payments_and_charges_carry_their_allocations(reader: TestClient) -> None:
    payments = everything(reader, "/v1/resident-payments/")
    allocated = [p for p in payments if p["allocations"]]
    assert allocated
    for payment in allocated:
        assert all(a["resident_payment_id"] == payment["id"] for a in payment["allocations"])
    # Some allocations pay charges older than the first sync's window; the rest resolve both ways.
    resolved = 0
    for payment in allocated:
        for allocation in payment["allocations"]:
            response = reader.get(f"/v1/resident-charges/{allocation['resident_charge_id']}")
            if response.status_code == 200:
                assert allocation["id"] in {a["id"] for a in response.json()["results"]["allocations"]}
                resolved += 1
    assert resolved


def test_resident_and_lease_links(reader: TestClient) -> None:
    leases = everything(reader, "/v1/leases/")
    lease = next(lease for lease in leases if len(lease["residents_meta_data"]) >= 1)
    resident_id = lease["residents_meta_data"][0]["resident_id"]
    residents = everything(reader, "/v1/residents/", lease_id=lease["id"])
    assert {r["id"] for r in residents} == {m["resident_id"] for m in lease["residents_meta_data"]}
    resident = reader.get(f"/v1/residents/{resident_id}").json()["results"]
    assert lease["id"] in {m["lease_id"] for m in resident["leases_meta_data"]}
    by_resident = everything(reader, "/v1/leases/", resident_id=resident_id)
    assert lease["id"] in {item["id"] for item in by_resident}


def test_tenancy_filters(reader: TestClient) -> None:
    units = everything(reader, "/v1/units/")
    unit = units[0]
    assert [u["id"] for u in everything(reader, "/v1/units/", x_id=unit["x_id"])] == [unit["id"]]
    same_number = everything(
        reader, "/v1/units/", unit_number=unit["number"], property_id=unit["property_id"]
    )
    assert unit["id"] in {u["id"] for u in same_number}
    response = reader.get("/v1/units/", params={"unit_number": unit["number"]})
    assert response.status_code == 400  # unit_number needs property_id

    properties = everything(reader, "/v1/properties/")
    assert all(p["property_id"] == p["id"] and p["x_property_id"] == p["x_id"] for p in properties)
    active = everything(reader, "/v1/properties/", is_active="true")
    assert all(p["is_active"] for p in active)

    leases = everything(reader, "/v1/leases/")
    statuses = {lease["status_normalized"] for lease in leases}
    for status in statuses:
        assert all(
            lease["status_normalized"] == status
            for lease in everything(reader, "/v1/leases/", status_normalized=status)
        )
    assert reader.get("/v1/leases/", params={"status_normalized": "HAPPY"}).status_code == 400

    residents = everything(reader, "/v1/residents/")
    with_email = next(r for r in residents if r["email_1"])
    assert [r["id"] for r in everything(reader, "/v1/residents/", email_1=with_email["email_1"])] == [
        with_email["id"]
    ]
    assert reader.get("/v1/residents/", params={"phone_1": "555-1234"}).status_code == 400


def test_lease_move_date_filters(reader: TestClient) -> None:
    leases = everything(reader, "/v1/leases/")
    moves = sorted(
        m["move_in_date"] for lease in leases for m in lease["residents_meta_data"] if m["move_in_date"]
    )
    middle = moves[len(moves) // 2]
    before = everything(reader, "/v1/leases/", before_move_in_date=middle)
    assert before
    for lease in before:
        assert any(m["move_in_date"] and m["move_in_date"] < middle for m in lease["residents_meta_data"])
    after = everything(reader, "/v1/leases/", after_move_in_date=middle)
    for lease in after:
        assert any(m["move_in_date"] and m["move_in_date"] > middle for m in lease["residents_meta_data"])
    assert reader.get("/v1/leases/", params={"before_move_in_date": "soon"}).status_code == 400
    open_ended = everything(reader, "/v1/leases/", only_null_move_outs="true")
    for lease in open_ended:
        assert any(m["move_out_date"] is None for m in lease["residents_meta_data"])


def test_billing_filters(reader: TestClient) -> None:
    accounts = everything(reader, "/v1/financial-accounts/")
    account = next(a for a in accounts if a["account_number"])
    assert account["id"] in {
        a["id"]
        for a in everything(reader, "/v1/financial-accounts/", account_number=account["account_number"])
    }
    fees = everything(reader, "/v1/fees/")
    fee = next(f for f in fees if f["charge_code_id"])
    by_code = everything(reader, "/v1/fees/", charge_code_id=fee["charge_code_id"])
    assert by_code and all(f["charge_code_id"] == fee["charge_code_id"] for f in by_code)
    recurring = everything(reader, "/v1/recurring-resident-charges/")
    item = recurring[0]
    by_lease = everything(reader, "/v1/recurring-resident-charges/", lease_id=item["lease_id"])
    assert item["id"] in {r["id"] for r in by_lease}
    codes = everything(reader, "/v1/charge-codes/", property_id=item["property_id"])
    assert codes and all(c["property_id"] == item["property_id"] for c in codes)


def test_money_is_integer_cents_with_the_raw_string(reader: TestClient) -> None:
    from decimal import Decimal

    for charge in everything(reader, "/v1/resident-charges/"):
        assert isinstance(charge["amount_in_cents"], int)
        assert Decimal(charge["amount_raw"]) * 100 == charge["amount_in_cents"]


@pytest.mark.contract
def test_data_diffs_match_the_contract(reader: TestClient, synced: SyncedIntegration) -> None:
    response = reader.get("/v1/admin/data-diffs/", params={"integration_id": synced.integration_id})
    assert response.status_code == 200
    assert_matches_contract("get", "/v1/admin/data-diffs/", response.json())
    assert reader.get("/v1/admin/data-diffs/", params={"before": "nope"}).status_code == 400


def _equality_filters() -> list[tuple[str, str, str]]:
    from pmsgate.billing import endpoints as billing
    from pmsgate.records.filters import Equals, RequiresAlso
    from pmsgate.tenancy import endpoints as tenancy

    resources = [
        tenancy.PROPERTIES,
        tenancy.UNITS,
        tenancy.RESIDENTS,
        tenancy.LEASES,
        billing.CHARGE_CODES,
        billing.FINANCIAL_ACCOUNTS,
        billing.RESIDENT_CHARGES,
        billing.RESIDENT_PAYMENTS,
        billing.RECURRING_RESIDENT_CHARGES,
        billing.FEES,
    ]
    cases = []
    for resource in resources:
        for flt in resource.list_filters:
            if isinstance(flt, Equals) and not isinstance(flt, RequiresAlso):
                cases.append((resource.path, flt.param, flt.column or flt.param))
    return cases


@pytest.mark.parametrize(("path", "param", "column"), _equality_filters())
def test_every_equality_filter(reader: TestClient, path: str, param: str, column: str) -> None:
    records = everything(reader, path)
    values = [r[column] for r in records if r.get(column) is not None]
    if not values:  # this vendor leaves the field empty (locations, floor plans): nothing matches
        assert everything(reader, path, **{param: "no_such_value"}) == []
        return
    value = values[len(values) // 2]
    filtered = everything(reader, path, **{param: value})
    assert filtered and all(r[column] == value for r in filtered)
    assert len(filtered) == sum(1 for r in records if r.get(column) == value)


def test_a_filtered_total_is_the_same_from_any_page(reader: TestClient) -> None:
    """A short page ends the list, so its total needs no count; full and empty pages count."""
    counts = Counter(c["lease_id"] for c in everything(reader, "/v1/resident-charges/") if c["lease_id"])
    lease_id, _ = counts.most_common(1)[0]
    matching = everything(reader, "/v1/resident-charges/", lease_id=lease_id)
    assert len(matching) >= 2
    for offset, limit in ((0, 250), (0, 1), (1, 250), (len(matching) - 1, 1), (len(matching), 5), (999, 5)):
        meta = reader.get(
            "/v1/resident-charges/", params={"lease_id": lease_id, "offset": offset, "limit": limit}
        ).json()["meta"]
        assert meta["total"] == len(matching), (offset, limit, meta)
        assert meta["hasMore"] == (offset + limit < len(matching)), (offset, limit, meta)
    nothing = reader.get("/v1/resident-charges/", params={"lease_id": "lease_nope"}).json()["meta"]
    assert nothing["total"] == 0 and nothing["hasMore"] is False


def test_reads_run_statement_by_statement(app: FastAPI, reader: TestClient) -> None:
    """A list or by-id read opens no transaction: each statement runs on its own (autocommit),
    which saves PostgreSQL's BEGIN and COMMIT round trips; writes keep their transactions."""
    from sqlalchemy import event

    engine = app.state.sessionmaker.kw["bind"]
    modes: list[bool] = []

    def autocommit_of(conn: Any, *_: Any) -> None:
        driver = conn.connection.driver_connection
        on_its_own = driver.autocommit if hasattr(driver, "autocommit") else False
        if engine.dialect.name == "sqlite":  # pysqlite: no isolation level = no BEGIN
            on_its_own = driver.isolation_level is None
        modes.append(bool(on_its_own))

    event.listen(engine, "before_cursor_execute", autocommit_of)
    try:
        listing = reader.get("/v1/resident-charges/", params={"limit": 5})
        assert listing.status_code == 200, listing.text
        first = listing.json()["results"][0]["id"]
        assert reader.get(f"/v1/resident-charges/{first}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", autocommit_of)
    assert modes and all(modes), modes
    with app.state.sessionmaker() as session, session.begin():  # the pool's default is unchanged
        connection = session.connection().connection.driver_connection
        if engine.dialect.name == "sqlite":
            assert connection.isolation_level is not None
        else:
            assert connection.autocommit is False


@pytest.mark.parametrize("at_once", [1, 3])
def test_a_process_runs_no_more_reads_at_once_than_its_read_limiter(
    app: FastAPI, reader: TestClient, at_once: int
) -> None:
    """Reads beyond the limit wait for a thread instead of all contending for the GIL
    (config.Settings.reads_at_once); with room for more, reads do overlap."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import anyio
    from sqlalchemy import event

    from pmsgate.config import Settings
    from pmsgate.customers.service import KEY_CACHE

    assert Settings(database_url=None).reads_at_once == 2
    assert Settings(database_url="postgresql+psycopg://h/db").reads_at_once == 4
    assert Settings(read_threads=7).reads_at_once == 7
    assert app.state.read_limiter.total_tokens == app.state.settings.reads_at_once

    app.state.read_limiter = anyio.CapacityLimiter(at_once)
    # The key is looked up now, and cached for the requests below: a key found in the cache
    # is not cached anew, so one cached 5 s ago would expire under them (8 lookups at once).
    KEY_CACHE.clear()
    assert reader.get("/v1/resident-charges/").status_code == 200
    engine = app.state.sessionmaker.kw["bind"]
    lock = threading.Lock()
    running: set[int] = set()
    most = [0]

    def enter(*_: Any) -> None:
        with lock:
            running.add(threading.get_ident())
            most[0] = max(most[0], len(running))
        time.sleep(0.03)  # a slow statement, so that reads would overlap if let through

    def leave(*_: Any) -> None:
        with lock:
            running.discard(threading.get_ident())

    event.listen(engine, "before_cursor_execute", enter)
    event.listen(engine, "after_cursor_execute", leave)
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda _: reader.get("/v1/resident-charges/", params={"limit": 3}), range(8))
            )
    finally:
        event.remove(engine, "before_cursor_execute", enter)
        event.remove(engine, "after_cursor_execute", leave)
    assert [a.status_code for a in answers] == [200] * 8
    assert most[0] == 1 if at_once == 1 else 1 < most[0] <= at_once, most


def test_a_pages_children_are_read_by_one_statement_text_whatever_the_page_size(
    app: FastAPI, reader: TestClient
) -> None:
    """PostgreSQL: the allocations of a page are asked for with one array of ids, so the
    statement's text (and the driver's parsed, prepared form of it) is the same for a page of 3
    and one of 250; an expanding `IN` made a new text per page size. Same allocations either way."""
    from sqlalchemy import event

    engine = app.state.sessionmaker.kw["bind"]
    texts: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "resident_allocations" in statement:
            texts.append(statement)

    small = everything(reader, "/v1/resident-payments/")  # warms the key cache too
    event.listen(engine, "before_cursor_execute", record)
    try:
        pages = [
            reader.get("/v1/resident-payments/", params={"limit": limit}).json()["results"]
            for limit in (3, 250)
        ]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(texts) == 2
    if engine.dialect.name == "postgresql":
        assert texts[0] == texts[1] and "ANY" in texts[0]
    by_id = {p["id"]: p["allocations"] for p in small}
    assert any(p["allocations"] for p in pages[1])
    assert all(p["allocations"] == by_id[p["id"]] for page in pages for p in page)
