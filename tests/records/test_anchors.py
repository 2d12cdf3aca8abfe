"""Deep pages start from remembered rows (records/anchors.py): paging in order, jumping a few
rows past a remembered position, sort columns with NULLs (which sort last ascending on
PostgreSQL and descending on SQLite) and ties, and a change to the data, all give the rows the
list holds at those offsets; a model in Python says which."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, update

from pmsgate.canonical.registry import Model
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.models.records import RECORD_COUNTS, RECORD_TABLES
from pmsgate.records import repository
from pmsgate.records.anchors import ANCHORS, AnchorCache
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import Served, create_integration

ROWS = 90
T0 = datetime(2025, 1, 1, tzinfo=UTC)
TABLE = RECORD_TABLES[Model.RESIDENT_CHARGES]
ORDERS = [
    "transaction_date:asc",
    "transaction_date:desc",
    "amount_in_cents:asc",
    "amount_in_cents:desc",
    "created_at:desc",
    "x_id:asc",
    "id:desc",
]


class Store:
    def __init__(self, customer: CustomerKey, integration_id: str, rows: list[dict[str, Any]]) -> None:
        self.customer, self.integration_id, self.rows = customer, integration_id, rows


@pytest.fixture(scope="module")
def store(sample_server: Served) -> Store:
    customer = make_customer("Anchors")
    integration_id, _ = create_integration(customer, sample_server.base_url)
    rows = [
        {
            "id": f"chg_anchor{i:04d}",
            "integration_id": integration_id,
            "x_id": f"x{i:04d}",
            "created_at": T0 + timedelta(minutes=i // 4),  # ties of four
            "updated_at": T0,
            "last_seen": T0,
            "content_hash": "h",
            "transaction_date": None if i % 9 == 0 else T0 - timedelta(days=(i * 7) % 20),
            "amount_in_cents": None if i % 11 == 0 else (i * 13) % 17,
            "property_id": f"prop_{i % 3}",
        }
        for i in range(ROWS)
    ]
    with unit_of_work(session_factory()) as session:
        session.execute(insert(TABLE), rows)
        session.execute(
            insert(RECORD_COUNTS).values(integration_id=integration_id, model=TABLE.name, count=ROWS)
        )
    return Store(customer, integration_id, rows)


@pytest.fixture
def reader(app: FastAPI, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # Every page remembers its rows and starts from a remembered one up to 5 rows before it.
    monkeypatch.setattr(repository, "_ANCHOR_FROM", 1)
    monkeypatch.setattr(repository, "_ANCHOR_REACH", 5)
    ANCHORS.clear()
    with TestClient(app, headers=store.customer.headers) as client:
        yield client
    ANCHORS.clear()


def _expected(app: FastAPI, rows: list[dict[str, Any]], order: str, prop: str | None) -> list[str]:
    column, direction = order.split(":")
    desc = direction == "desc"
    nulls_big = app.state.sessionmaker.kw["bind"].dialect.name == "postgresql"
    chosen = [r for r in rows if prop is None or r["property_id"] == prop]
    chosen.sort(key=lambda r: r["id"], reverse=desc)  # the tie-breaker follows the first sort
    chosen.sort(
        key=lambda r: (1 if nulls_big else -1, 0) if r[column] is None else (0, r[column]), reverse=desc
    )
    return [r["id"] for r in chosen]


def _page(reader: TestClient, order: str, offset: int, limit: int, prop: str | None) -> list[str]:
    params: dict[str, Any] = {"order-by": order, "offset": offset, "limit": limit}
    if prop is not None:
        params["property_id"] = prop
    response = reader.get("/v1/resident-charges/", params=params)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


@pytest.mark.parametrize("prop", [None, "prop_1"])
@pytest.mark.parametrize("order", ORDERS)
def test_pages_in_order_and_jumps_past_remembered_rows_are_the_lists_rows(
    app: FastAPI,
    reader: TestClient,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    order: str,
    prop: str | None,
) -> None:
    expected = _expected(app, store.rows, order, prop)
    seeks = []
    seek = repository.RecordRepository._from_anchor

    def counted(*args: Any, **kwargs: Any) -> Any:
        seeks.append(args[-2])  # the rows skipped past the remembered one
        return seek(*args, **kwargs)

    monkeypatch.setattr(repository.RecordRepository, "_from_anchor", counted)
    limit = 7
    for offset in range(0, len(expected) + limit, limit):  # a client paging through everything
        assert _page(reader, order, offset, limit, prop) == expected[offset : offset + limit], offset
    in_order = len(seeks)
    if prop is None:  # (a filter with few matches reads and sorts them instead: no positions)
        # Each page starts from the row after the last page's, unless that row's sort value
        # is NULL (not remembered: the page starts from an earlier row and skips a few).
        assert seeks.count(0) >= len(expected) // limit - 4, seeks
    for offset in (10, 17, 26, 3, 40, 22):  # a few rows past a remembered position, or none
        assert _page(reader, order, offset, 5, prop) == expected[offset : offset + 5], offset
    if prop is None:
        assert any(skip > 0 for skip in seeks[in_order:]), seeks


def test_a_change_to_the_rows_moves_the_positions(app: FastAPI, reader: TestClient, store: Store) -> None:
    order = "transaction_date:desc"
    before = _expected(app, store.rows, order, None)
    for offset in range(0, 60, 10):
        assert _page(reader, order, offset, 10, None) == before[offset : offset + 10]
    # The first rows of the list move to its end, in a transaction that moves the data version
    # (as every write of the sync does): the remembered positions no longer hold.
    moved = set(before[:15])
    past = T0 - timedelta(days=400)
    rows = [{**r, "transaction_date": past} if r["id"] in moved else r for r in store.rows]
    with unit_of_work(session_factory()) as session:
        session.execute(update(TABLE).where(TABLE.c.id.in_(moved)).values(transaction_date=past))
        session.execute(
            update(RECORD_COUNTS)
            .where(
                RECORD_COUNTS.c.integration_id == store.integration_id, RECORD_COUNTS.c.model == TABLE.name
            )
            .values(version=RECORD_COUNTS.c.version + 1)
        )
    try:
        after = _expected(app, rows, order, None)
        assert after != before
        for offset in range(10, 60, 10):
            assert _page(reader, order, offset, 10, None) == after[offset : offset + 10], offset
    finally:
        with unit_of_work(session_factory()) as session:
            for row in store.rows:
                if row["id"] in moved:
                    session.execute(
                        update(TABLE)
                        .where(TABLE.c.id == row["id"])
                        .values(transaction_date=row["transaction_date"])
                    )


def test_the_remembered_positions_are_bounded() -> None:
    cache = AnchorCache(max_lists=2, per_list=3)
    for position in (100, 200, 300, 400):
        cache.remember("a", position, ("k", position))
    assert cache.nearest("a", 450, 1000) == (400, ("k", 400))
    assert cache.nearest("a", 450, 10) is None  # too far behind: walking is as cheap
    assert cache.nearest("a", 250, 1000) == (200, ("k", 200))
    assert cache.nearest("a", 150, 1000) is None  # 100 was the oldest of four: forgotten
    cache.remember("b", 1, ("b",))
    assert cache.nearest("a", 200, 0) == (200, ("k", 200))  # "a" used after "b" was made
    cache.remember("c", 1, ("c",))
    assert cache.nearest("b", 1, 0) is None  # the least recently used list went
    assert cache.nearest("a", 200, 0) == (200, ("k", 200))
