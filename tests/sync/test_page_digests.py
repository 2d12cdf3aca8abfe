"""Pages a complete read met before, unchanged, are not mapped again (sync/pages.py): an
unchanged full re-sync maps nothing and stores exactly what mapping would have, and a page is
mapped again whenever its stored rows may differ from what it maps to."""

from __future__ import annotations

import itertools
import random
from array import array
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from pmsgate.canonical.registry import SYNC_ORDER, Model
from pmsgate.connectors import streaming
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.records import PAGE_DIGESTS, RECORD_TABLES
from pmsgate.models.sync import SyncRun
from pmsgate.sync import pages
from pmsgate.sync.engine import RunInterrupted, execute_run
from pmsgate.sync.pages import PageDigests, Part, Reader, _pages_sharing_keys, context
from pmsgate.sync.seen import key_ranges, packed_keys
from pmsgate.sync.upsert import UpsertContext, upsert_records
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served, create_integration, run_queued_syncs
from tests.sync.test_seen import die_on_second_page_of_fees, full_sync, queue_full_sync, stored


@pytest.fixture
def mapped(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Native rows mapped, by model (every mapping of a digesting connector goes through
    streaming.map_records)."""
    counts: dict[str, int] = {}
    real = streaming.map_records

    def counting(model: Model, rows: Any, *args: Any, **kwargs: Any) -> Any:
        counts[model.value] = counts.get(model.value, 0) + len(rows)
        return real(model, rows, *args, **kwargs)

    monkeypatch.setattr(streaming, "map_records", counting)
    yield counts


def _fees(server: Served) -> Any:
    return server.app.state.store.table("fees")


def _stored_fee(integration_id: str, x_id: str) -> dict[str, Any]:
    table = RECORD_TABLES[Model.FEES]
    with session_factory()() as session:
        row = session.execute(
            select(table).where(table.c.integration_id == integration_id, table.c.x_id == x_id)
        ).one()
        return dict(row._mapping)


def _synced(server: Served) -> str:
    integration_id, dispatcher = create_integration(make_customer(), server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    return integration_id


def test_an_unchanged_full_resync_maps_nothing_and_stores_the_same(
    fresh_sample_server: Served, mapped: dict[str, int]
) -> None:
    integration_id = _synced(fresh_sample_server)
    assert sum(mapped.values()) > 0
    before = stored(integration_id)
    for _ in range(2):  # the second re-sync meets the pages the first found unchanged
        mapped.clear()
        assert full_sync(integration_id) == ["COMPLETED"]
        assert mapped == {}
        assert stored(integration_id) == before
    with session_factory()() as session:
        latest = select(SyncRun).where(SyncRun.integration_id == integration_id)
        run = session.scalars(latest.order_by(SyncRun.created_at.desc())).first()
        assert run is not None
        for model in SYNC_ORDER:
            rows = len(before[model.value])
            counts = run.counts.get(model.value, {})
            assert counts.get("unchanged", 0) == rows, model
            assert counts.get("new", 0) == counts.get("updated", 0) == 0


def test_a_record_changed_at_the_pms_is_mapped_and_stored(
    fresh_sample_server: Served, mapped: dict[str, int]
) -> None:
    integration_id = _synced(fresh_sample_server)
    fees = _fees(fresh_sample_server)
    fee = dict(fees.get(fees._ids[0]))
    fees.put({**fee, "label": "Renamed at the PMS"})
    mapped.clear()
    assert full_sync(integration_id) == ["COMPLETED"]
    assert set(mapped) == {"fees"}  # only the page that changed was mapped
    assert _stored_fee(integration_id, str(fee["feeId"]))["name"] == "Renamed at the PMS"


def test_a_row_written_by_another_path_drops_the_pages_holding_its_table(
    fresh_sample_server: Served, mapped: dict[str, int]
) -> None:
    integration_id = _synced(fresh_sample_server)
    fees = _fees(fresh_sample_server)
    fee = fees.get(fees._ids[0])
    x_id = str(fee["feeId"])
    assert _stored_fee(integration_id, x_id)["name"] == fee["label"]
    # A write job's read-back (or an incremental sync) stores another value for that row.
    record = next(r for r in streaming.map_records(Model.FEES, [fee], _fee_mapper(), x_id="feeId")[0])
    with unit_of_work(session_factory()) as session:
        upsert_records(
            session,
            UpsertContext(integration_id, utcnow(), None, record_diffs=False),
            [record.model_copy(update={"name": "Written elsewhere"})],
        )
    assert _stored_fee(integration_id, x_id)["name"] == "Written elsewhere"
    mapped.clear()
    assert full_sync(integration_id) == ["COMPLETED"]
    assert mapped.get("fees", 0) > 0  # the fees pages were mapped again
    assert _stored_fee(integration_id, x_id)["name"] == fee["label"]  # back to the PMS's value


def _fee_mapper() -> Any:
    from pmsgate.connectors.sample.streams import STREAMS

    return STREAMS[Model.FEES].mapper


def test_a_resync_resumed_by_another_worker_still_maps_nothing(
    fresh_sample_server: Served, mapped: dict[str, int]
) -> None:
    from pmsgate.config import get_settings

    settings = get_settings()
    settings.sync_page_size = 3
    try:
        integration_id = _synced(fresh_sample_server)
        before = stored(integration_id)
        run_id = queue_full_sync(integration_id)
        mapped.clear()
        with pytest.raises(RunInterrupted):
            execute_run(session_factory(), run_id, page_hook=die_on_second_page_of_fees)
        with session_factory()() as session, session.begin():
            run = session.get(SyncRun, run_id)
            assert run is not None
            run.heartbeat_at = utcnow() - timedelta(hours=1)
        assert execute_run(session_factory(), run_id) == "COMPLETED"
        assert mapped == {}
        assert stored(integration_id) == before
        mapped.clear()
        assert full_sync(integration_id) == ["COMPLETED"]  # the resumed read's pages stand
        assert mapped == {}
    finally:
        settings.sync_page_size = 250


def _id(n: int) -> str:
    return f"fee_{n:024x}"  # a stable id's shape (kit/ids.py)


@pytest.mark.parametrize("keys_per_pass", [pages.KEYS_PER_PASS, 1], ids=["one pass", "a pass per key"])
def test_pages_of_one_read_sharing_a_row_are_dropped_when_it_ends(
    fresh_sample_server: Served, monkeypatch: pytest.MonkeyPatch, keys_per_pass: int
) -> None:
    """Also when the read's keys are checked in key ranges, one pass each (a large model)."""
    monkeypatch.setattr(pages, "KEYS_PER_PASS", keys_per_pass)
    integration_id = _synced(fresh_sample_server)
    reader = Reader("fees", utcnow())
    with unit_of_work(session_factory()) as session:
        digests = PageDigests.from_session(session)
        digests.record(integration_id, reader, "a" * 32, [Part("fees", packed_keys([_id(1), _id(2)]), 0)])
        digests.record(integration_id, reader, "b" * 32, [Part("fees", packed_keys([_id(2), _id(3)]), 0)])
        digests.record(integration_id, reader, "c" * 32, [Part("fees", packed_keys([_id(4)]), 0)])
        digests.close(integration_id, reader)
    with session_factory()() as session:
        left = session.scalars(
            select(PAGE_DIGESTS.c.digest).where(
                PAGE_DIGESTS.c.integration_id == integration_id, PAGE_DIGESTS.c.read_model == "fees"
            )
        ).all()
    assert left == ["c" * 32]  # the first sync's fee pages went too: this read replaced them


def test_pages_sharing_keys_are_found_across_runs() -> None:
    rows = [
        ("p1", "fees", packed_keys([_id(1), _id(2), _id(2)])),  # twice in one page: not shared
        ("p2", "fees", packed_keys([_id(3)])),
        ("p3", "fees", packed_keys([_id(4), _id(3)])),
        ("p4", "units", packed_keys([_id(1)])),  # the same key in another table: not shared
    ]
    assert _pages_sharing_keys(rows) == {"p2", "p3"}


def test_key_ranges_cover_the_key_space_once() -> None:
    for count in (1, 2, 3, 7, 16):
        ranges = key_ranges(count)
        assert len(ranges) == count
        assert ranges[0][0] == 0 and ranges[-1][1] == 1 << 64
        assert all(high == next_low for (_, high), (next_low, _) in itertools.pairwise(ranges))


def test_pages_sharing_keys_checked_in_key_ranges_are_those_found_at_once() -> None:
    """Random reads (keys repeated within and across pages and tables, keys at the ends of the
    key space): the union over any number of key ranges is what one pass and a plain count find."""
    rng = random.Random(12)
    for _ in range(200):
        pool = [rng.getrandbits(64) for _ in range(rng.randint(1, 40))] + [0, (1 << 64) - 1]
        rows = []
        for page in range(rng.randint(1, 12)):
            for model in rng.sample(["fees", "units"], rng.randint(1, 2)):
                keys = [rng.choice(pool) for _ in range(rng.randint(0, 8))]
                rows.append((f"p{page}", model, array("Q", keys).tobytes()))
        holders: dict[tuple[str, int], set[str]] = {}
        for page_id, model, packed in rows:
            for key in array("Q", packed):
                holders.setdefault((model, key), set()).add(page_id)
        expected = set().union(*(held for held in holders.values() if len(held) > 1))
        assert _pages_sharing_keys(rows) == expected
        for count in (2, 3, 5):
            found = set().union(*(_pages_sharing_keys(rows, low, high) for low, high in key_ranges(count)))
            assert found == expected


def test_the_context_holds_the_disabled_properties() -> None:
    assert context("SAMPLE1", ["prop_a"]) != context("SAMPLE1", [])
    assert context("SAMPLE1", ["prop_a", "prop_b"]) == context("SAMPLE1", ["prop_b", "prop_a"])
    assert context("SAMPLE1", []) != context("SAMPLE2", [])


def test_a_read_knows_which_tables_pages_of_other_reads_hold(fresh_sample_server: Served) -> None:
    """A complete read looks for pages to drop only in the tables other reads' pages hold (no
    other read records pages while it lasts); its own pages are not among them."""
    integration_id = _synced(fresh_sample_server)
    with session_factory()() as session:
        recorded = session.execute(
            select(PAGE_DIGESTS.c.read_model, PAGE_DIGESTS.c.read_started, PAGE_DIGESTS.c.keys_model).where(
                PAGE_DIGESTS.c.integration_id == integration_id
            )
        ).all()
        digests = PageDigests.from_session(session)
        fees = next(r for r in recorded if r.read_model == Model.FEES.value)
        own = Reader(Model.FEES.value, fees.read_started)
        others = {r.keys_model for r in recorded if (r.read_model, r.read_started) != tuple(own)}
        assert digests.held_by_others(integration_id, own) == others
        assert Model.FEES.value not in others  # only the fees read's pages hold fees
        later = Reader(Model.FEES.value, fees.read_started + timedelta(seconds=1))
        assert digests.held_by_others(integration_id, later) == others | {Model.FEES.value}
