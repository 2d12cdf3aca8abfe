"""The seen stamp: an unchanged full re-sync writes no record rows, and every read serves the
effective `last_seen` (records/seen.py) — moved forward for the rows the re-sync saw, kept for
the rows it did not (removed from the PMS), the same in responses, filters and order-by."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text

from pmsgate.canonical.registry import SYNC_ORDER, Model
from pmsgate.kit.db import get_engine, session_factory, unit_of_work
from pmsgate.kit.timeutil import iso, utcnow
from pmsgate.models.records import RECORD_TABLES, SEEN_STAMPS
from pmsgate.sync import seen as seen_module
from pmsgate.sync.engine import RunInterrupted, execute_run
from pmsgate.sync.seen import KEY_SPACE, KeyPass, KeySet, SeenKeys, key_of, key_ranges, packed_keys
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import Served, create_integration, run_queued_syncs
from tests.records.test_reads import everything

FEES = "/v1/fees/"


def queue_full_sync(integration_id: str) -> str:
    """A manual full re-sync (every record, not the changes since the last run), queued; its id."""
    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.kit.dispatch import RecordingDispatcher
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    with unit_of_work(session_factory()) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        run = request_sync(session, integration, RunKind.MANUAL, RecordingDispatcher(), full=True)
        assert run.modified_since is None
        return run.id


def full_sync(integration_id: str, **kwargs: Any) -> list[str | None]:
    """A manual full re-sync, run to its end (or its parking)."""
    return [execute_run(session_factory(), queue_full_sync(integration_id), **kwargs)]


def stored(integration_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every record row's system columns (and, on PostgreSQL, its row version)."""
    out = {}
    with session_factory()() as session:
        pg = session.get_bind().dialect.name == "postgresql"
        for model in SYNC_ORDER:
            table = RECORD_TABLES[model]
            columns = [table.c.id, table.c.last_seen, table.c.updated_at, table.c.content_hash]
            columns.append(table.c.unseen)
            if pg:
                columns.append(text("xmin::text"))
            rows = session.execute(
                select(*columns).where(table.c.integration_id == integration_id).order_by(table.c.id)
            ).all()
            out[model.value] = [tuple(row) for row in rows]
    return out


class Writes:
    """Statements that write a record table, as the application sends them."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.tables = tuple(t.name for t in RECORD_TABLES.values())

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        head = statement.lstrip()[:80].upper()
        if head.startswith(("UPDATE", "INSERT", "DELETE", "COPY")) and any(
            f" {name.upper()} " in f" {head} " or f" {name.upper()}(" in head for name in self.tables
        ):
            self.statements.append(statement[:80])


@pytest.fixture
def reader(app: FastAPI) -> Iterator[tuple[TestClient, CustomerKey]]:
    customer = make_customer("Seen reader")
    with TestClient(app, headers=customer.headers) as client:
        yield client, customer


def _fees_table(server: Served) -> Any:
    return server.app.state.store.table("fees")


def remove_fee(server: Served) -> dict[str, Any]:
    """Take one fee out of the emulator (a record deleted at the PMS)."""
    table = _fees_table(server)
    fee_id = table._ids[len(table._ids) // 2]
    row = table._rows.pop(fee_id)
    table._ids.remove(fee_id)
    return dict(row.data)


def test_an_unchanged_full_resync_writes_no_record_rows(fresh_sample_server: Served) -> None:
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    before = stored(integration_id)
    writes = Writes()
    event.listen(get_engine(), "before_cursor_execute", writes)
    try:
        started = utcnow()
        assert full_sync(integration_id) == ["COMPLETED"]
    finally:
        event.remove(get_engine(), "before_cursor_execute", writes)
    assert stored(integration_id) == before  # same values (and, on PostgreSQL, same row versions)
    assert writes.statements == []
    with session_factory()() as session:
        stamps = dict(
            session.execute(
                select(SEEN_STAMPS.c.model, SEEN_STAMPS.c.stamp).where(
                    SEEN_STAMPS.c.integration_id == integration_id
                )
            ).all()
        )
    assert set(stamps) == {m.value for m in SYNC_ORDER}
    assert all(stamp >= started for stamp in stamps.values())


HELD = pytest.mark.parametrize(
    "held", [seen_module.HELD_KEYS, 2], ids=["keys held", "keys read back in ranges"]
)


@HELD
def test_last_seen_served_moves_for_seen_rows_and_stays_for_removed_ones(
    fresh_sample_server: Served, app: FastAPI, monkeypatch: pytest.MonkeyPatch, held: int
) -> None:
    monkeypatch.setattr("pmsgate.sync.repository._SCAN_CHUNK", 4)  # several keyset pages per model
    monkeypatch.setattr(seen_module, "HELD_KEYS", held)  # 2: a pass per two rows of each model
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    with TestClient(app, headers=customer.headers) as client:
        first = {f["x_id"]: f for f in everything(client, FEES)}
        assert len(first) >= 3
        removed = remove_fee(fresh_sample_server)
        gone = next(f for f in first.values() if f["x_id"] == str(removed["feeId"]))
        # And one fee changed at the PMS: written by the re-sync, after its stamp.
        fees = _fees_table(fresh_sample_server)
        changed_id = fees._ids[0]
        fees.put({**fees.get(changed_id), "amount": "123.45"})
        changed = str(changed_id)

        resync_start = utcnow()
        assert full_sync(integration_id) == ["COMPLETED"]
        after = {f["x_id"]: f for f in everything(client, FEES)}
        assert after.keys() == first.keys()  # never a delete
        assert after[gone["x_id"]]["last_seen"] == gone["last_seen"]
        since = iso(resync_start)
        for x_id, fee in after.items():
            if x_id != gone["x_id"]:
                assert fee["last_seen"] >= since, fee
            if x_id not in (gone["x_id"], changed):
                assert fee["updated_at"] == first[x_id]["updated_at"]
        assert after[changed]["amount_in_cents"] == 12345
        assert after[changed]["last_seen"] >= max(f["last_seen"] for x, f in after.items() if x != changed)
        # By id, as in the list.
        one = client.get(f"{FEES}{gone['id']}").json()["results"]
        assert one["last_seen"] == gone["last_seen"]

        # Filters see the values the responses show.
        seen_since = everything(client, FEES, last_seen_gte=since)
        assert {f["x_id"] for f in seen_since} == set(after) - {gone["x_id"]}
        assert everything(client, FEES, last_seen_lte=gone["last_seen"]) == [after[gone["x_id"]]]
        assert everything(client, FEES, last_seen_lte=iso(resync_start - timedelta(milliseconds=1))) == [
            after[gone["x_id"]]
        ]
        middle = sorted(f["last_seen"] for f in after.values())[len(after) // 2]
        assert {f["id"] for f in everything(client, FEES, last_seen_gte=middle)} == {
            f["id"] for f in after.values() if f["last_seen"] >= middle
        }
        assert {f["id"] for f in everything(client, FEES, last_seen_lte=middle)} == {
            f["id"] for f in after.values() if f["last_seen"] <= middle
        }

        # order-by=last_seen: the removed fee first (ascending) or last, any page size.
        for direction in ("asc", "desc"):
            ordered = everything(client, FEES, **{"order-by": f"last_seen:{direction}"})
            times = [f["last_seen"] for f in ordered]
            assert times == sorted(times, reverse=direction == "desc")
            # the three kinds of rows: unseen (own time), tied at the stamp, written after it
            assert ordered[0 if direction == "asc" else -1]["x_id"] == gone["x_id"]
            assert ordered[-1 if direction == "asc" else 0]["x_id"] == changed
            paged: list[dict[str, Any]] = []
            for offset in range(0, len(ordered), 3):
                page = client.get(
                    FEES, params={"order-by": f"last_seen:{direction}", "offset": offset, "limit": 3}
                ).json()
                assert page["meta"]["total"] == len(ordered)
                paged.extend(page["results"])
            assert [f["id"] for f in paged] == [f["id"] for f in ordered]

        # A second re-sync: the removed fee still keeps its time; back at the PMS, it is seen.
        assert full_sync(integration_id) == ["COMPLETED"]
        assert client.get(f"{FEES}{gone['id']}").json()["results"]["last_seen"] == gone["last_seen"]
        _fees_table(fresh_sample_server).put(removed)
        back = utcnow()
        assert full_sync(integration_id) == ["COMPLETED"]
        assert client.get(f"{FEES}{gone['id']}").json()["results"]["last_seen"] >= iso(back)
        assert len(everything(client, FEES, last_seen_gte=iso(back))) == len(first)


def die_on_second_page_of_fees(model: Model, page: int) -> None:
    """A page hook: the worker dies once the second page of fees is committed."""
    if model is Model.FEES and page == 2:
        raise RunInterrupted


def _crash_and_resume(integration_id: str, *, keep_keys: bool) -> tuple[Any, Any]:
    """A full re-sync whose worker dies on the second page of fees (3 fees a page), resumed by
    another; with `keep_keys` False the keys the dead slice saved are lost first (a run from
    before they were kept). Returns (the re-sync's start, the resume's start)."""
    from pmsgate.config import get_settings
    from pmsgate.models.records import SEEN_KEYS
    from pmsgate.models.sync import SyncRun

    run_id = queue_full_sync(integration_id)
    settings = get_settings()
    settings.sync_page_size = 3
    try:
        started = utcnow()
        with pytest.raises(RunInterrupted):
            execute_run(session_factory(), run_id, page_hook=die_on_second_page_of_fees)
        with session_factory()() as session, session.begin():
            run = session.get(SyncRun, run_id)
            assert run is not None and run.checkpoint is not None
            assert run.checkpoint["model"] == "fees" and run.checkpoint["token"] is not None
            run.heartbeat_at = utcnow() - timedelta(hours=1)
            saved = select(SEEN_KEYS.c.id).where(SEEN_KEYS.c.run_id == run_id, SEEN_KEYS.c.model == "fees")
            assert len(session.execute(saved).all()) == 2  # one per committed batch (page)
            if not keep_keys:
                session.execute(SEEN_KEYS.delete().where(SEEN_KEYS.c.run_id == run_id))
        resumed = utcnow()
        assert execute_run(session_factory(), run_id) == "COMPLETED"
    finally:
        settings.sync_page_size = 250
    with session_factory()() as session:
        left = session.execute(select(SEEN_KEYS.c.id).where(SEEN_KEYS.c.run_id == run_id)).all()
    assert left == []  # scratch, gone with the stamp (or the bump)
    return started, resumed


def _fees_stamp(integration_id: str) -> Any:
    with session_factory()() as session:
        return session.scalar(
            select(SEEN_STAMPS.c.stamp).where(
                SEEN_STAMPS.c.integration_id == integration_id, SEEN_STAMPS.c.model == "fees"
            )
        )


@HELD
def test_a_resumed_resync_reloads_the_keys_its_dead_slice_saw(
    fresh_sample_server: Served, app: FastAPI, monkeypatch: pytest.MonkeyPatch, held: int
) -> None:
    monkeypatch.setattr(seen_module, "HELD_KEYS", held)
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    with TestClient(app, headers=customer.headers) as client:
        first = {f["x_id"]: f for f in everything(client, FEES)}
        gone = str(remove_fee(fresh_sample_server)["feeId"])
        started, _ = _crash_and_resume(integration_id, keep_keys=True)
        # The read of fees ended complete across the two workers: stamped, the removed fee marked.
        assert _fees_stamp(integration_id) >= started
        after = {f["x_id"]: f for f in everything(client, FEES)}
        assert after.keys() == first.keys()
        assert after[gone]["last_seen"] == first[gone]["last_seen"]
        assert all(f["last_seen"] >= iso(started) for x, f in after.items() if x != gone)
        assert {f["x_id"] for f in everything(client, FEES, last_seen_gte=iso(started))} == set(first) - {
            gone
        }


def test_a_resumed_resync_without_saved_keys_bumps_what_it_reads(
    fresh_sample_server: Served, app: FastAPI
) -> None:
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    with TestClient(app, headers=customer.headers) as client:
        first = {f["x_id"]: f for f in everything(client, FEES)}
        gone = str(remove_fee(fresh_sample_server)["feeId"])
        stamp_before = _fees_stamp(integration_id)
        _, resumed = _crash_and_resume(integration_id, keep_keys=False)
        # Without the whole set the read sets no stamp and marks nothing: it bumped its rows.
        assert _fees_stamp(integration_id) == stamp_before
        after = {f["x_id"]: f for f in everything(client, FEES)}
        assert after.keys() == first.keys()
        assert after[gone]["last_seen"] == first[gone]["last_seen"]
        bumped = {x for x, f in after.items() if f["last_seen"] >= iso(resumed)}
        assert gone not in bumped and len(bumped) >= len(first) - 1 - 6  # all but the dead slice's pages
        assert all(after[x]["last_seen"] >= first[x]["last_seen"] for x in after)
        # A later complete read stamps again and marks the removed fee.
        later = utcnow()
        assert full_sync(integration_id) == ["COMPLETED"]
        after = {f["x_id"]: f for f in everything(client, FEES)}
        assert after[gone]["last_seen"] == first[gone]["last_seen"]
        assert all(f["last_seen"] >= iso(later) for x, f in after.items() if x != gone)


@HELD
def test_a_read_that_fails_mid_model_bumps_the_rows_it_saw(
    fresh_sample_server: Served, monkeypatch: pytest.MonkeyPatch, held: int
) -> None:
    from pmsgate.sync.repository import SyncRepository

    monkeypatch.setattr("pmsgate.sync.repository._SCAN_CHUNK", 3)
    monkeypatch.setattr(seen_module, "HELD_KEYS", held)  # none saved: the unsaved keys, in ranges
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    table = RECORD_TABLES[Model.FEES]
    query = select(table.c.id, table.c.last_seen).where(table.c.integration_id == integration_id)
    with session_factory()() as session:
        before = dict(session.execute(query).all())
    ids = sorted(before)
    seen = SeenKeys(utcnow())
    for record_id in ids[::2]:
        seen.add(record_id)
    with unit_of_work(session_factory()) as session:
        SyncRepository.from_session(session).bump_seen(table, integration_id, "run_none", seen)
    with session_factory()() as session:
        after = dict(session.execute(query).all())
    assert {i for i in ids if after[i] == seen.started} == set(ids[::2])
    assert all(after[i] == before[i] for i in ids[1::2])


def _ids(count: int, salt: str = "") -> list[str]:
    import hashlib

    return [f"fee_{hashlib.sha256(f'{salt}{n}'.encode()).hexdigest()[:24]}" for n in range(count)]


def test_a_key_set_is_a_sorted_set_of_64_bit_keys() -> None:
    keys = KeySet()
    ids = _ids(150_000)
    keys.extend(key_of(i) for i in ids[::2])
    assert len(keys) == 75_000
    assert all(key_of(i) in keys for i in ids[::2])
    assert not any(key_of(i) in keys for i in ids[1::2])
    assert list(keys.sorted_keys()) == sorted(key_of(i) for i in ids[::2])
    # Keys added after a membership check are found too (the buckets are sorted again).
    keys.add(key_of(ids[1]))
    assert key_of(ids[1]) in keys and key_of(ids[3]) not in keys
    assert "not a key" not in keys


def seen_and_not(keys: SeenKeys, ids: list[str], saved: list[bytes]) -> tuple[set[str], set[str], int]:
    """What the end-of-read check finds of `ids`, over all its passes, and how many passes;
    every id must fall in exactly one pass."""
    seen: list[str] = []
    unseen: list[str] = []
    passes = 0
    for keys_pass in keys.passes(lambda: saved):
        found, missing = keys_pass.split(ids)
        seen.extend(found)
        unseen.extend(missing)
        passes += 1
    assert sorted(seen + unseen) == sorted(ids)
    return set(seen), set(unseen), passes


@pytest.mark.parametrize("held", [seen_module.HELD_KEYS, 1_000, 1], ids=["held", "ranges", "a range a key"])
def test_seen_keys_found_alike_held_or_read_back(held: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seen_module, "HELD_KEYS", held)
    ids = _ids(6_000)
    keys = SeenKeys(utcnow())
    saved: list[bytes] = []
    for start in range(0, 4_000, 500):  # batches: each one's keys saved, as a batch of pages does
        for record_id in ids[start : start + 400]:
            keys.add(record_id)
        keys.add_packed(packed_keys(ids[start + 450 : start + 500]))  # a known page's keys
        saved.append(keys.unsaved())
    for record_id in ids[4_000:4_100]:
        keys.add(record_id)  # not saved yet (a batch that did not commit)
    batched = {i for n, i in enumerate(ids[:4_000]) if n % 500 < 400 or n % 500 >= 450}
    expected = batched | set(ids[4_000:4_100])
    assert len(keys) == len(expected)
    assert keys.held == (held >= len(expected))
    seen, unseen, passes = seen_and_not(keys, ids, saved)
    assert seen == expected
    assert unseen == set(ids) - expected
    assert passes == (1 if keys.held else len(expected) // held + 1)
    # A read resumed elsewhere loads what was saved: the same, bar the unsaved batch.
    resumed = SeenKeys(keys.started)
    for data in saved:
        resumed.load(data)
    assert seen_and_not(resumed, ids, saved)[0] == batched
    assert keys.unsaved() == packed_keys(ids[4_000:4_100]) and keys.unsaved() == b""
    # Once its read is closed the keys' memory goes, and nothing can ask them any more.
    keys.release()
    with pytest.raises(RuntimeError):
        next(keys.passes(lambda: saved))


@pytest.mark.parametrize("held", [seen_module.HELD_KEYS, 2], ids=["held", "ranges"])
def test_seen_keys_at_the_ends_of_the_key_space(held: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seen_module, "HELD_KEYS", held)
    keys = SeenKeys(utcnow())
    ends = [f"fee_{'0' * 8}{n:016x}" for n in (0, 1, (1 << 56) - 1, 1 << 56, (1 << 64) - 1)]
    others = [f"fee_{'0' * 8}{n:016x}" for n in (2, (1 << 56) + 1, (1 << 64) - 2)]
    saved: list[bytes] = []
    for record_id in ends:
        assert record_id not in seen_and_not(keys, ends, saved)[0]
        keys.add(record_id)
        saved.append(keys.unsaved())
        assert record_id in seen_and_not(keys, ends, saved)[0]
    assert seen_and_not(keys, ends + others, saved)[:2] == (set(ends), set(others))
    assert len(keys) == len(ends)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 256])
def test_a_pass_bounds_its_range_as_the_text_of_the_ids_last_16_hex_digits(count: int) -> None:
    """The store filters a pass's rows by the text of the id's key: the same rows as the keys."""
    ends = [0, 1, (1 << 56) - 1, 1 << 56, KEY_SPACE - 2, KEY_SPACE - 1]
    beside_bounds = [low - d for low, _ in key_ranges(count) for d in (0, 1) if low - d >= 0]
    keys = ends + beside_bounds + [key_of(i) for i in _ids(2_000)]
    for low, high in key_ranges(count):
        text_low, text_high = KeyPass(low, high, KeySet()).hex_bounds()
        assert (text_low is None) == (low == 0) and (text_high is None) == (high == KEY_SPACE)
        for key in keys:
            digits = f"{key:016x}"
            by_text = (text_low is None or digits >= text_low) and (text_high is None or digits < text_high)
            assert by_text == (low <= key < high), (low, high, digits)


@pytest.mark.parametrize("close", [False, True], ids=["bumped", "closed"])
def test_rows_with_keys_at_the_bounds_of_the_ranges_are_checked_by_their_own_pass(
    fresh_sample_server: Served, monkeypatch: pytest.MonkeyPatch, close: bool
) -> None:
    """The store filters each pass's rows by key (SyncRepository._key_range): rows whose keys
    lie on and beside the ranges' bounds are each checked once, seen or not."""
    from pmsgate.sync.repository import SyncRepository

    monkeypatch.setattr(seen_module, "HELD_KEYS", 1)  # 3 keys seen: 4 ranges, cut at 1/4, 1/2, 3/4
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    table = RECORD_TABLES[Model.FEES]
    quarter = KEY_SPACE // 4
    keys = [0, *(bound + d for bound in (quarter, 2 * quarter, 3 * quarter) for d in (-1, 0)), KEY_SPACE - 1]
    ids = [f"fee_{integration_id[-8:]}{key:016x}" for key in keys]  # ids are unique across integrations
    with unit_of_work(session_factory()) as session:
        stored = session.scalars(select(table.c.id).where(table.c.integration_id == integration_id)).all()
        assert len(stored) >= len(ids)
        for old, new in zip(sorted(stored), ids, strict=False):
            session.execute(table.update().where(table.c.id == old).values(id=new))
    query = select(table.c.id, table.c.last_seen, table.c.unseen).where(table.c.id.in_(ids))
    with session_factory()() as session:
        before = {i: (last_seen, unseen) for i, last_seen, unseen in session.execute(query)}
    seen = SeenKeys(utcnow())
    for record_id in (ids[2], ids[3], ids[6]):  # a range's first key, one's last, one's first
        seen.add(record_id)
    assert not seen.held
    with unit_of_work(session_factory()) as session:
        repository = SyncRepository.from_session(session)
        if close:
            repository.close_read(table, integration_id, "run_none", seen)
        else:
            repository.bump_seen(table, integration_id, "run_none", seen)
    with session_factory()() as session:
        after = {i: (last_seen, unseen) for i, last_seen, unseen in session.execute(query)}
    seen_ids = {ids[2], ids[3], ids[6]}
    for record_id in ids:
        if close:  # the rows not seen are marked, the seen ones left for the stamp to cover
            assert after[record_id][1] == (record_id not in seen_ids), record_id
        else:  # the rows seen get the read's start, the others keep theirs
            expected = seen.started if record_id in seen_ids else before[record_id][0]
            assert after[record_id] == (expected, False), record_id
