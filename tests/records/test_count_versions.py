"""A filtered total is counted once per version of the data it counts (records/counts.py): the
pages of one filtered list share a count, and any write of the integration's records (a sync's
upsert, a `last_seen` bump, a read's end) makes the next request count again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from pmsgate.kit.db import session_factory
from pmsgate.kit.timeutil import iso, utcnow
from pmsgate.models.records import RECORD_COUNTS, RECORD_TABLES
from pmsgate.records.counts import CountCache, statement_key
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served, create_integration, run_queued_syncs
from tests.sync.test_seen import full_sync

CHARGES = "/v1/resident-charges/"
TABLE = RECORD_TABLES["resident_charges"]  # type: ignore[index]


class Counts:
    """The `count(*)` statements the application sends."""

    def __init__(self) -> None:
        self.sent = 0

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "count(*)" in statement.lower():
            self.sent += 1


@pytest.fixture
def counts(app: FastAPI) -> Iterator[Counts]:
    engine = app.state.sessionmaker.kw["bind"]
    listener = Counts()
    event.listen(engine, "before_cursor_execute", listener)
    yield listener
    event.remove(engine, "before_cursor_execute", listener)


def _stored(integration_id: str, updated_before: datetime) -> int:
    with session_factory()() as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(TABLE)
                .where(TABLE.c.integration_id == integration_id, TABLE.c.updated_at <= updated_before)
            ).scalar_one()
        )


def _version(integration_id: str) -> int:
    with session_factory()() as session:
        return int(
            session.execute(
                select(func.coalesce(func.sum(RECORD_COUNTS.c.version), 0)).where(
                    RECORD_COUNTS.c.integration_id == integration_id
                )
            ).scalar_one()
        )


def test_pages_share_a_count_until_the_records_change(
    fresh_sample_server: Served, app: FastAPI, counts: Counts
) -> None:
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    synced = utcnow()
    query = {"updated_at_lte": iso(synced), "limit": 2}
    with TestClient(app, headers=customer.headers) as client:

        def total(**params: Any) -> int:
            response = client.get(CHARGES, params={**query, **params})
            assert response.status_code == 200, response.text
            return int(response.json()["meta"]["total"])

        everything = _stored(integration_id, synced)
        assert everything > 4
        assert total() == everything and counts.sent >= 1
        counts.sent = 0
        assert total() == everything and total(offset=2) == everything and total(offset=4) == everything
        assert counts.sent == 0  # the pages reuse the first count
        assert total(updated_at_lte=iso(synced.replace(year=2000))) == 0  # another filter: its own count

        # A charge changed at the PMS: the re-sync rewrites it (updated_at after `synced`).
        charges = fresh_sample_server.app.state.store.table("charges")
        changed = charges._ids[0]
        charges.put({**charges.get(changed), "amount": "4321.09"})
        before = _version(integration_id)
        assert full_sync(integration_id) == ["COMPLETED"]
        assert _version(integration_id) > before
        counts.sent = 0
        assert total() == everything - 1 == _stored(integration_id, synced)
        assert counts.sent >= 1

        # An unchanged re-sync writes no record rows but ends each read (a new seen stamp): the
        # versions move, so nothing counted before is trusted after it.
        before = _version(integration_id)
        assert full_sync(integration_id) == ["COMPLETED"]
        assert _version(integration_id) > before
        counts.sent = 0
        assert total() == everything - 1
        assert counts.sent >= 1


def test_statement_keys_hold_every_bound_value() -> None:
    def charges(start: datetime, leases: list[str]) -> Any:
        return (
            select(func.count())
            .select_from(TABLE)
            .where(TABLE.c.transaction_date >= start, TABLE.c.lease_id.in_(leases))
        )

    day = datetime(2025, 1, 1, tzinfo=UTC)
    key = statement_key(charges(day, ["a", "b"]))
    assert key is not None and hash(key) is not None
    assert key == statement_key(charges(day, ["a", "b"]))
    assert key != statement_key(charges(day.replace(day=2), ["a", "b"]))
    assert key != statement_key(charges(day, ["a", "c"]))
    other = select(func.count()).select_from(TABLE).where(TABLE.c.due_date >= day.date())
    assert key != statement_key(other)
    unhashable = select(func.count()).select_from(TABLE).where(TABLE.c.custom_data == {"a": [1]})
    assert statement_key(unhashable) is None  # counted each time, never an error


def test_the_cache_is_bounded_and_counts_each_key_once() -> None:
    cache = CountCache(max_entries=2)
    calls: list[str] = []

    def counting(name: str, value: int) -> Any:
        return lambda: calls.append(name) or value

    assert cache.count("a", counting("a", 1)) == 1
    assert cache.count("a", counting("a", 9)) == 1
    assert cache.count(None, counting("none", 5)) == 5 and cache.count(None, counting("none", 6)) == 6
    cache.count("b", counting("b", 2))
    cache.count("c", counting("c", 3))  # drops "a", the least recently used
    assert cache.count("a", counting("a", 4)) == 4
    assert calls == ["a", "none", "none", "b", "c", "a"]
