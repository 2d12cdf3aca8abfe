"""All SQL of sync runs and data diffs, and the batched upsert of record pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, ClassVar

import orjson
import psycopg
from sqlalchemy import (
    ARRAY,
    JSON,
    ColumnElement,
    DateTime,
    Dialect,
    Select,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from pmsgate.canonical.registry import Model
from pmsgate.kit.pagination import ListParams
from pmsgate.kit.repository import Repository, where_given
from pmsgate.kit.sqltypes import UTCDateTime
from pmsgate.models.integrations import Integration, PropertyConfiguration
from pmsgate.models.records import RECORD_COUNTS, RECORD_TABLES, SEEN_KEYS, SEEN_STAMPS
from pmsgate.models.sync import DataDiff, SyncRun
from pmsgate.sync.seen import KeyPass, SeenKeys
from pmsgate.sync.states import LIVE, RunStatus

# SQLite allows 32766 bound parameters per statement; ~45 columns a row.
_IN_CHUNK = 500
_SCAN_CHUNK = 10_000  # rows per keyset page of the unseen scan (records/seen.py)


def _saved_by(run_id: str, model: str) -> tuple[ColumnElement[bool], ...]:
    """The conditions for the seen keys a run's read of `model` saved."""
    return SEEN_KEYS.c.run_id == run_id, SEEN_KEYS.c.model == model


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class SyncRepository(Repository):
    def get(self, run_id: str) -> SyncRun | None:
        return self.session.get(SyncRun, run_id)

    # the integration a run reads, and its property configurations
    def integration(self, integration_id: str) -> Integration | None:
        return self.session.scalars(select(Integration).where(Integration.id == integration_id)).first()

    def disabled_x_property_ids(self, integration_id: str) -> set[str]:
        return set(
            self.session.scalars(
                select(PropertyConfiguration.x_property_id).where(
                    PropertyConfiguration.integration_id == integration_id,
                    PropertyConfiguration.enabled.is_(False),
                )
            )
        )

    def known_property_ids(self, integration_id: str, property_ids: Sequence[str]) -> set[str]:
        return set(
            self.session.scalars(
                select(PropertyConfiguration.property_id).where(
                    PropertyConfiguration.integration_id == integration_id,
                    PropertyConfiguration.property_id.in_(property_ids),
                )
            )
        )

    def live_run(self, integration_id: str) -> SyncRun | None:
        return self.session.scalars(
            select(SyncRun).where(SyncRun.integration_id == integration_id, SyncRun.status.in_(LIVE))
        ).first()

    def claim(self, run_id: str, worker: str, now: datetime, stale_before: datetime) -> bool:
        """Atomically move a QUEUED run (or a RUNNING one whose worker stopped beating) to RUNNING."""
        result = self.session.execute(
            update(SyncRun)
            .where(
                SyncRun.id == run_id,
                or_(
                    SyncRun.status == RunStatus.QUEUED,
                    and_(
                        SyncRun.status == RunStatus.RUNNING,
                        # a dead worker's run, or one parked between slices
                        or_(SyncRun.heartbeat_at < stale_before, SyncRun.worker.is_(None)),
                    ),
                ),
            )
            .values(
                status=RunStatus.RUNNING,
                worker=worker,
                run_after=None,
                heartbeat_at=now,
                started_at=func.coalesce(SyncRun.started_at, now),
                attempts=SyncRun.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    def stale_or_lost(
        self, stale_before: datetime, queued_before: datetime, now: datetime | None = None
    ) -> list[str]:
        """Runs whose worker died (stale heartbeat) or whose queue message was lost; a run
        parked until a later time is not lost."""
        query = select(SyncRun.id).where(
            or_(
                and_(SyncRun.status == RunStatus.RUNNING, SyncRun.heartbeat_at < stale_before),
                and_(SyncRun.status == RunStatus.QUEUED, SyncRun.created_at < queued_before),
            )
        )
        if now is not None:
            query = query.where(or_(SyncRun.run_after.is_(None), SyncRun.run_after <= now))
        return list(self.session.scalars(query))

    def oldest_waiting_since(self, now: datetime) -> datetime | None:
        """Since when the longest-waiting runnable run (queued, or parked and due) waits."""
        return self.session.scalar(
            select(func.min(func.coalesce(SyncRun.run_after, SyncRun.created_at))).where(
                or_(
                    SyncRun.status == RunStatus.QUEUED,
                    and_(SyncRun.status == RunStatus.RUNNING, SyncRun.worker.is_(None)),
                ),
                or_(SyncRun.run_after.is_(None), SyncRun.run_after <= now),
            )
        )

    def customer_of(self, run_id: str) -> str | None:
        return self.session.scalar(
            select(Integration.customer_id)
            .join(SyncRun, SyncRun.integration_id == Integration.id)
            .where(SyncRun.id == run_id)
        )

    def load_by_customer(self, now: datetime, stale_before: datetime) -> dict[str, tuple[int, int]]:
        """Per customer: (runs a live worker performs now, runs ready to run and waiting)."""
        running = and_(
            SyncRun.status == RunStatus.RUNNING,
            SyncRun.worker.is_not(None),
            SyncRun.heartbeat_at >= stale_before,
        )
        waiting = and_(
            or_(
                SyncRun.status == RunStatus.QUEUED,
                and_(SyncRun.status == RunStatus.RUNNING, SyncRun.worker.is_(None)),
            ),
            or_(SyncRun.run_after.is_(None), SyncRun.run_after <= now),
        )
        rows = self.session.execute(
            select(
                Integration.customer_id,
                func.count().filter(running),
                func.count().filter(waiting),
            )
            .join(Integration, Integration.id == SyncRun.integration_id)
            .where(SyncRun.status.in_([RunStatus.QUEUED, RunStatus.RUNNING]))
            .group_by(Integration.customer_id)
        ).all()
        return {str(customer): (int(r), int(w)) for customer, r, w in rows}

    def runs_of(self, integration_id: str, params: ListParams) -> tuple[Sequence[SyncRun], int]:
        return self.page(select(SyncRun).where(SyncRun.integration_id == integration_id), SyncRun, params)

    # records
    def existing_keys(
        self, table: Table, integration_id: str, x_ids: Sequence[str]
    ) -> dict[str, tuple[str, datetime, str, bool]]:
        """`x_id -> (content_hash, created_at, id, unseen)` of the page's rows already stored.

        Only the narrow columns: a re-sync compares hashes and reads whole rows only for the
        few that changed (for their diffs). On PostgreSQL each key is looked up on its own
        through the unique `(integration_id, x_id)` index (a LATERAL probe per key): with an
        `IN` list a planner without statistics scanned `(integration_id, created_at)` instead,
        so every page cost in proportion to the rows already stored (issue 12).
        """
        found: dict[str, tuple[str, datetime, str, bool]] = {}
        if not x_ids:
            return found
        if self._dialect() == "postgresql":
            self._plan_each_probe()
            rows = self.session.execute(keys_query(table, integration_id, x_ids))
            found.update({x: (h, c, i, u) for x, h, c, i, u in rows})
            return found
        statement = _statements(table).keys
        for chunk in _chunks(x_ids):
            rows = self.session.execute(statement, {"integration_id": integration_id, "x_ids": list(chunk)})
            found.update({x: (h, c, i, u) for x, h, c, i, u in rows})
        return found

    def _plan_each_probe(self) -> None:
        """PostgreSQL: the probe is planned for each page, not once per connection. The driver
        prepares a statement run five times and the server then keeps one generic plan until the
        table is analysed: planned while the table was tiny (no statistics, every index costed
        alike), it probed `(integration_id, property_id, …)` and read every row of the
        integration per key, so each page cost in proportion to the rows stored."""
        transaction = self.session.get_transaction()
        if transaction is None or self.session.info.get("planned_each") is not transaction:
            self.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
            self.session.info["planned_each"] = self.session.get_transaction()

    def empty_models(self, integration_id: str) -> frozenset[Model]:
        """Models of which the store holds no row of the integration, whose pages need not look
        their keys up: PostgreSQL only, where the upsert says how many rows it inserted and the
        unique index arbitrates a key met twice. SQLite's lookup is cheap, and its counts rely
        on it: empty there."""
        if self._dialect() != "postgresql":
            return frozenset()
        holding = self.session.scalars(
            select(RECORD_COUNTS.c.model).where(
                RECORD_COUNTS.c.integration_id == integration_id, RECORD_COUNTS.c.count > 0
            )
        )
        return frozenset(RECORD_TABLES) - {Model(m) for m in holding}

    def existing(self, table: Table, integration_id: str, x_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Whole stored rows of these keys (the changed ones, for their diffs)."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(x_ids):
            rows = self.session.execute(
                select(table).where(table.c.integration_id == integration_id, table.c.x_id.in_(chunk))
            ).mappings()
            found.update({row["x_id"]: dict(row) for row in rows})
        return found

    def upsert(self, table: Table, rows: list[dict[str, Any]], *, all_new: bool = False) -> int | None:
        """Insert new rows, overwrite changed ones; `id` and `created_at` never change.

        The rows go to the driver directly (values converted once by the columns' own bind
        processors): SQLite gets one `executemany` of a prepared `INSERT … ON CONFLICT`,
        PostgreSQL a `COPY` into a temporary staging table and one `INSERT … SELECT … ON
        CONFLICT` from it. Both arbitrate on the unique `(integration_id, x_id)` index. When the
        lookup found none of the rows (a first sync), PostgreSQL copies them straight into the
        table, falling back to the merge if a concurrent writer inserted one of the keys since.
        Returns how many rows were new where the database says so (PostgreSQL: a concurrent
        writer may have inserted a key after our lookup); None on SQLite, whose writers are
        serialized so the lookup is exact.
        """
        if not rows:
            return 0
        bulk = _Bulk.of(table, self.session.get_bind().dialect)
        values = bulk.values(rows)
        connection = self.session.connection()
        if bulk.dialect == "postgresql":
            raw = connection.connection.driver_connection
            assert raw is not None
            if all_new and self._copy_new(raw, bulk, values):
                return len(values)
            with raw.cursor() as cursor:
                cursor.execute(bulk.create_staging)
                with cursor.copy(bulk.copy) as copy:
                    for row in values:
                        copy.write_row(row)
                cursor.execute(bulk.merge)
                inserted = sum(1 for (new,) in cursor.fetchall() if new)
                cursor.execute(bulk.clear_staging)
            return inserted
        connection.exec_driver_sql(bulk.insert, values)
        return None

    def _copy_new(self, raw: Any, bulk: _Bulk, values: list[tuple[Any, ...]]) -> bool:
        # A SAVEPOINT of the session's transaction, sent before the COPY: the driver's own
        # `transaction()` opens and commits a transaction of its own when the session has not
        # sent a statement yet (a first page that looked nothing up).
        savepoint = self.session.connection().begin_nested()
        try:
            with raw.cursor() as cursor, cursor.copy(bulk.copy_direct) as copy:
                for row in values:
                    copy.write_row(row)
        except psycopg.errors.UniqueViolation:  # a key stored since; merge instead
            savepoint.rollback()
            return False
        savepoint.commit()
        return True

    def add_counts(self, integration_id: str, added: dict[str, int], written: Iterable[str] = ()) -> None:
        """Keep `record_counts` in the writing transaction: the unfiltered lists' totals, and
        the version of every model whose rows were `added` or otherwise `written` (updated,
        `last_seen` moved, marked unseen, a new seen stamp), which ends the filtered totals
        counted before (records/counts.py)."""
        models = {m for m, n in added.items() if n} | set(written)
        rows = [
            {"integration_id": integration_id, "model": m, "count": added.get(m, 0), "version": 1}
            for m in sorted(models)
        ]
        if not rows:
            return
        self.session.execute(_add_counts_statement(self._dialect()), rows)

    def touch(self, table: Table, ids: Sequence[str], now: datetime) -> None:
        """`last_seen = now` (and not unseen) for these rows, by primary key (the one index a planner without
        statistics cannot mistake: by `(integration_id, x_id IN …)` it may pick another)."""
        statement = _statements(table).touch
        for chunk in _chunks(ids):
            self.session.execute(statement, {"ids": list(chunk), "now": now})

    def save_seen(self, run_id: str, model: str, seen: SeenKeys) -> None:
        """The keys the read added since its last batch, in this batch's transaction."""
        data = seen.unsaved()
        if data:
            self.session.execute(
                insert(SEEN_KEYS).values(run_id=run_id, model=model, started=seen.started, packed=data)
            )

    def load_seen(self, run_id: str, model: str) -> SeenKeys | None:
        """The keys an earlier slice of this run's read of `model` saved; None if it kept none
        (that read then bumps the rows it sees, as an incremental one does)."""
        rows = self.session.execute(
            select(SEEN_KEYS.c.started, SEEN_KEYS.c.packed)
            .where(*_saved_by(run_id, model))
            .order_by(SEEN_KEYS.c.id),
            execution_options={"yield_per": 100},  # a large read's keys are not all held (sync/seen.py)
        )
        seen: SeenKeys | None = None
        for started, data in rows:
            if seen is None:
                seen = SeenKeys(started)
            seen.load(data)
        return seen

    def drop_seen(self, run_id: str, model: str) -> None:
        """The read's scratch keys, once its stamp is set or its rows bumped."""
        self.session.execute(delete(SEEN_KEYS).where(*_saved_by(run_id, model)))

    def stamp_of(self, integration_id: str, model: str) -> datetime | None:
        """The start of the last complete read of the model (records/seen.py), if any."""
        return self.session.scalar(
            select(SEEN_STAMPS.c.stamp).where(
                SEEN_STAMPS.c.integration_id == integration_id, SEEN_STAMPS.c.model == model
            )
        )

    def close_read(self, table: Table, integration_id: str, run_id: str, seen: SeenKeys) -> int:
        """The end of a complete read of a model: its stored rows that it neither wrote nor saw
        are marked unseen (their effective time so far written into `last_seen`), and the
        model's stamp becomes the read's start, in the caller's transaction. Returns how many
        rows were marked (vendor-deleted, out of the read's window, of disabled properties)."""
        model = table.name
        previous = self.stamp_of(integration_id, model)
        last_seen: Any = table.c.last_seen
        if previous is not None:  # the effective time under the previous stamp, kept as own
            last_seen = case(
                (table.c.last_seen < previous, literal(previous, UTCDateTime())), else_=last_seen
            )
        mark = (
            update(table)
            .where(table.c.id.in_(bindparam("ids", expanding=True)), table.c.unseen == false())
            .values(unseen=True, last_seen=last_seen)
            .execution_options(synchronize_session=False)
        )
        marked = 0
        for keys in self._passes(run_id, model, seen):
            for ids in self._unseen_candidates(table, integration_id, seen, keys):
                _, missing = keys.split(ids)
                for chunk in _chunks(missing):
                    self.session.execute(mark, {"ids": list(chunk)})
                marked += len(missing)
        values = {"integration_id": integration_id, "model": model, "stamp": seen.started}
        upsert = (postgresql.insert if self._dialect() == "postgresql" else sqlite.insert)(SEEN_STAMPS)
        self.session.execute(
            upsert.values(**values).on_conflict_do_update(
                index_elements=[SEEN_STAMPS.c.integration_id, SEEN_STAMPS.c.model],
                set_={"stamp": seen.started},
            )
        )
        self.add_counts(integration_id, {}, [model])
        return marked

    def bump_seen(self, table: Table, integration_id: str, run_id: str, seen: SeenKeys) -> None:
        """A read that stops before its model's last page (parked, failed) sets no stamp: the
        rows it saw unchanged get `last_seen` = the read's start, as a run without a stamp does."""
        for keys in self._passes(run_id, table.name, seen):
            for ids in self._unseen_candidates(table, integration_id, seen, keys):
                self.touch(table, keys.split(ids)[0], seen.started)
        self.add_counts(integration_id, {}, [table.name])

    def _passes(self, run_id: str, model: str, seen: SeenKeys) -> Iterator[KeyPass]:
        """The read's keys, a range of the key space at a time when they are not all held
        (each range reads the read's saved batches once, streamed)."""

        def saved() -> Iterator[bytes]:
            rows = self.session.execute(
                select(SEEN_KEYS.c.packed).where(*_saved_by(run_id, model)),
                execution_options={"yield_per": 100},
            )
            for (data,) in rows:
                yield data

        return seen.passes(saved)

    def _unseen_candidates(
        self, table: Table, integration_id: str, seen: SeenKeys, keys: KeyPass
    ) -> Iterable[list[str]]:
        """Ids of the rows not written since the read started and not marked unseen, with a
        key in the pass's range, in chunks along the `(integration_id, last_seen, id)` index
        (keyset pages: memory stays flat). `last_seen` is read and given back as the column
        holds it (naive UTC): the aware conversion of every row's time was half of the scan's
        time in Python, for a value used only as the next page's bound."""
        stored_last_seen = type_coerce(table.c.last_seen, DateTime())
        base = select(table.c.id, stored_last_seen).where(
            table.c.integration_id == integration_id,
            table.c.last_seen < seen.started,
            table.c.unseen == false(),
            *self._key_range(table, keys),
        )
        after: tuple[datetime, str] | None = None
        while True:
            query = base
            if after is not None:
                query = query.where(
                    tuple_(table.c.last_seen, table.c.id)
                    > tuple_(literal(after[0], DateTime()), literal(after[1], table.c.id.type))
                )
            rows = self.session.execute(
                query.order_by(table.c.last_seen, table.c.id).limit(_SCAN_CHUNK)
            ).all()
            if not rows:
                return
            yield [row[0] for row in rows]
            if len(rows) < _SCAN_CHUNK:
                return
            after = (rows[-1][1], rows[-1][0])

    def _key_range(self, table: Table, keys: KeyPass) -> list[ColumnElement[bool]]:
        """A pass over part of the key space filters its rows in the store: only the range's
        ids cross to Python (a range per ~1M keys; a model of 3M rows is scanned three times)."""
        low, high = keys.hex_bounds()
        key: ColumnElement[str] = func.substr(table.c.id, func.length(table.c.id) - 15)
        if self._dialect() == "postgresql":
            key = key.collate("C")  # byte order whatever the database's collation
        return [
            *([key >= low] if low is not None else []),
            *([key < high] if high is not None else []),
        ]

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    # data diffs
    def add_diffs(self, diffs: list[dict[str, Any]]) -> None:
        self.insert_rows(DataDiff, diffs)

    def list_diffs(
        self,
        customer_id: str,
        params: ListParams,
        *,
        integration_id: str | None,
        vendor: str | None,
        before: datetime | None,
        after: datetime | None,
    ) -> tuple[list[tuple[DataDiff, str]], int]:
        query = (
            select(DataDiff, Integration.vendor)
            .join(Integration, Integration.id == DataDiff.integration_id)
            .where(Integration.customer_id == customer_id, Integration.is_archived.is_(False))
        )
        query = where_given(query, (DataDiff.integration_id, integration_id), (Integration.vendor, vendor))
        if before:
            query = query.where(DataDiff.created_at < before)
        if after:
            query = query.where(DataDiff.created_at > after)
        return self.page_rows(query, DataDiff, params)


def keys_query(table: Table, integration_id: str, x_ids: Sequence[str]) -> Select[Any]:
    """PostgreSQL: one LATERAL probe of the unique index per key (see `existing_keys`)."""
    keys = select(func.unnest(cast(list(x_ids), ARRAY(Text))).column_valued("x_id")).subquery("k")
    probe = (
        select(table.c.x_id, table.c.content_hash, table.c.created_at, table.c.id, table.c.unseen)
        .where(table.c.integration_id == integration_id, table.c.x_id == keys.c.x_id)
        .limit(1)
        .lateral("t")
    )
    return select(
        probe.c.x_id, probe.c.content_hash, probe.c.created_at, probe.c.id, probe.c.unseen
    ).select_from(keys.join(probe, true()))


class _Statements:
    """The sync's per-page statements of one record table, built once: a statement built per
    page had its `IN` list coerced element by element and its cache key computed each time
    (15% of an unchanged re-sync); these bind the list as one expanding parameter."""

    _cache: ClassVar[dict[str, _Statements]] = {}

    def __init__(self, table: Table) -> None:
        self.keys = select(
            table.c.x_id, table.c.content_hash, table.c.created_at, table.c.id, table.c.unseen
        ).where(
            table.c.integration_id == bindparam("integration_id"),
            table.c.x_id.in_(bindparam("x_ids", expanding=True)),
        )
        self.touch = (
            update(table)
            .where(table.c.id.in_(bindparam("ids", expanding=True)))
            # Never before the row was created, whatever the clock of this worker's machine.
            .values(
                last_seen=case(
                    (table.c.created_at > bindparam("now"), table.c.created_at),
                    else_=bindparam("now", type_=table.c.last_seen.type),
                ),
                unseen=False,
            )
            .execution_options(synchronize_session=False)
        )


def _statements(table: Table) -> _Statements:
    found = _Statements._cache.get(table.name)
    if found is None:
        found = _Statements._cache[table.name] = _Statements(table)
    return found


_ADD_COUNTS: dict[str, Any] = {}


def _add_counts_statement(dialect: str) -> Any:
    statement = _ADD_COUNTS.get(dialect)
    if statement is None:
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RECORD_COUNTS)
        statement = _ADD_COUNTS[dialect] = insert.on_conflict_do_update(
            index_elements=[RECORD_COUNTS.c.integration_id, RECORD_COUNTS.c.model],
            set_={
                "count": RECORD_COUNTS.c.count + insert.excluded["count"],
                "version": RECORD_COUNTS.c.version + 1,
            },
        )
    return statement


class _Bulk:
    """The driver-level statements of one record table, built once per table and dialect.
    Every name in them comes from the table's own metadata, never from input."""

    _cache: ClassVar[dict[tuple[str, str], _Bulk]] = {}

    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.dialect = dialect.name
        self.columns = [c.name for c in table.c]
        self.processors = [
            (i, _orjson_text if isinstance(c.type, JSON) and dialect.name == "sqlite" else p)
            for i, c in enumerate(table.c)
            if (p := c.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]
        keep = {"id", "created_at", "integration_id", "x_id"}
        names = ", ".join(f'"{c}"' for c in self.columns)
        # Never changed or seen before created, whatever the clock of the machine writing
        # (the reads rely on it: records/filters.py Implied). Timestamps compare as SQLite's text.
        latest = "max" if dialect.name == "sqlite" else "GREATEST"
        updates = ", ".join(
            f'"{c}" = {latest}(excluded."{c}", {table.name}.created_at)'
            if c in ("updated_at", "last_seen")
            else f'"{c}" = excluded."{c}"'
            for c in self.columns
            if c not in keep
        )
        conflict = f"ON CONFLICT (integration_id, x_id) DO UPDATE SET {updates}"
        self.staging = staging = f"_pmsgate_staging_{table.name}"
        self.insert = (
            f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(self.columns))}) {conflict}"  # noqa: S608
        )
        self.create_staging = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} "
            f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        self.copy = f"COPY {staging} ({names}) FROM STDIN"
        self.copy_direct = f"COPY {table.name} ({names}) FROM STDIN"
        self.merge = (
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {staging} {conflict} "  # noqa: S608
            "RETURNING (xmax = 0)"  # true where the row was inserted, not updated
        )
        self.clear_staging = f"DELETE FROM {staging}"  # noqa: S608

    @classmethod
    def of(cls, table: Table, dialect: Dialect) -> _Bulk:
        key = (table.name, dialect.name)
        if key not in cls._cache:
            cls._cache[key] = cls(table, dialect)
        return cls._cache[key]

    def values(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """Driver values of the rows. A page repeats most converted values (its three system
        times are one instant, dates recur), so each distinct value is converted once."""
        out = []
        columns, processors = self.columns, self.processors
        memo: dict[tuple[int, Any], Any] = {}
        for row in rows:
            values = [row.get(c) for c in columns]
            for index, process in processors:
                value = values[index]
                if value is None:
                    continue
                if isinstance(value, dict | list):
                    values[index] = process(value)
                    continue
                key = (index, value)
                converted = memo.get(key, _MISSING)
                if converted is _MISSING:
                    converted = memo[key] = process(value)
                values[index] = converted
            out.append(tuple(values))
        return out


_MISSING = object()


def _orjson_text(value: Any) -> str:
    """JSON columns on SQLite: the same text SQLAlchemy's serializer writes, by orjson."""
    return orjson.dumps(value).decode()
