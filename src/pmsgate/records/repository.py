"""All SQL of the record tables: scoped lists with filters and order-by, lookups by id."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    Column,
    ColumnElement,
    Row,
    RowMapping,
    String,
    Table,
    any_,
    bindparam,
    func,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.visitors import iterate, replacement_traverse

from pmsgate.canonical.registry import Model
from pmsgate.kit.pagination import ListParams
from pmsgate.models.integrations import Integration
from pmsgate.models.records import RECORD_COUNTS, RECORD_TABLES, SEEN_STAMPS
from pmsgate.records.anchors import ANCHORS
from pmsgate.records.counts import COUNTS, statement_key
from pmsgate.records.seen import (
    StampedClause,
    effective_expression,
    effective_rows,
    stamps_of,
    unseen_is,
)
from pmsgate.records.serialize import RowFormat

if TYPE_CHECKING:
    from pmsgate.records.filters import Implied


def visible_integrations(customer_id: str) -> Any:
    """Integrations a customer may read: its own, not archived."""
    return select(Integration.id).where(
        Integration.customer_id == customer_id, Integration.is_archived.is_(False)
    )


# The walk of the sort index is chosen when it reads less than 1/_WALK_SHARE of the matches.
_WALK_SHARE = 8
# From these offsets on, a page finds its rows' ids first and then reads just those rows
# (RecordRepository._window). 1M charges, 101 rows sorted by transaction_date, warm, read in
# place vs ids first: PostgreSQL offset 100 0.5 vs 1.2 ms, 1,000 5.1 vs 2.5 ms; SQLite, which
# skips rows without reading them anyway, 10,000 2.1 vs 2.6-3.1 ms, 60,000 7.4-7.7 vs 6.0-6.2.
_DEFER_FROM_OFFSET = {"postgresql": 500, "sqlite": 50_000}


# Pages from this offset on remember where they start and start from a remembered row up to
# _ANCHOR_REACH rows before them (records/anchors.py); below it, walking is as cheap.
_ANCHOR_FROM = 1_000
_ANCHOR_REACH = 1_000


class _Sort(NamedTuple):
    columns: tuple[Column[Any], ...]  # the sort column, then `id` (or `id` alone)
    descending: bool


class Scope(NamedTuple):
    """A customer's readable integrations as one model's list sees them (RecordRepository.scope_of)."""

    vendors: dict[str, str]  # integration id -> vendor
    stamps: dict[str, datetime]  # the model's seen stamps (records/seen.py), where there is one
    versions: dict[str, int]  # data versions (records/counts.py)
    counts: dict[str, int]  # the model's rows, kept by the sync (`record_counts`)


@cache
def _range_indexed(table: Table) -> dict[str, tuple[str, ...]]:
    """Columns with an `(integration_id, column, …)` index -> the index's columns after it."""
    out = {}
    for index in table.indexes:
        names = [c.name for c in index.columns]
        if len(names) > 1 and names[0] == "integration_id":
            out[names[1]] = tuple(names[2:])
    return out


@cache
def _scope(model: Model) -> Any:
    """The statement of RecordRepository.scope_of, built once per model: a statement object
    keeps its cache key, so every request skips building and keying it (~8% of a list's CPU)."""
    version = (
        select(func.coalesce(func.sum(RECORD_COUNTS.c.version), 0))
        .where(RECORD_COUNTS.c.integration_id == Integration.id)
        .scalar_subquery()
    )
    counted = RECORD_COUNTS.alias("counted")
    return (
        select(Integration.id, Integration.vendor, SEEN_STAMPS.c.stamp, version, counted.c.count)
        .outerjoin(
            SEEN_STAMPS,
            (SEEN_STAMPS.c.integration_id == Integration.id) & (SEEN_STAMPS.c.model == model.value),
        )
        .outerjoin(counted, (counted.c.integration_id == Integration.id) & (counted.c.model == model.value))
        .where(Integration.customer_id == bindparam("customer"), Integration.is_archived.is_(False))
    )


@cache
def _by_column(table: Table, column: str, dialect: str) -> Any:
    """Rows whose `column` is one of the `values` (a page's children: allocations, links), built
    once per table and column: a statement built per request was coerced and keyed again.

    PostgreSQL takes the values as one array (`= ANY(:values)`): an expanding `IN` of a page's
    100 ids was rendered into a new SQL text per request, which SQLAlchemy and the driver then
    parsed again (a fifth of a 100-charge page's CPU on PostgreSQL)."""
    if dialect == "postgresql":
        match = table.c[column] == any_(bindparam("values", type_=ARRAY(String)))
    else:
        match = table.c[column].in_(bindparam("values", expanding=True))
    return select(table).where(match).order_by(table.c.id)


class RecordRepository:
    def __init__(self, session: Session, model: Model) -> None:
        self.session = session
        self.model = model
        self.table: Table = RECORD_TABLES[model]

    @classmethod
    def from_session(cls, session: Session, model: Model) -> RecordRepository:
        return cls(session, model)

    def _base(self, customer_id: str, columns: Sequence[Any]) -> Any:
        return (
            select(*columns)
            .select_from(self.table.join(Integration, Integration.id == self.table.c.integration_id))
            .where(self.table.c.integration_id.in_(visible_integrations(customer_id)))
        )

    def scope_of(self, customer_id: str) -> Scope:
        """The customer's readable integrations (a handful of rows) with what every list of
        this model needs of them, in one query."""
        scope = Scope({}, {}, {}, {})
        # On the connection: a Core statement needs none of the ORM's handling (a tenth of a
        # 100-charge page's CPU went to it).
        for integration_id, vendor, stamp, version, count in self.session.connection().execute(
            _scope(self.model), {"customer": customer_id}
        ):
            scope.vendors[integration_id] = vendor
            scope.versions[integration_id] = int(version)
            scope.counts[integration_id] = int(count or 0)
            if stamp is not None:
                scope.stamps[integration_id] = stamp
        return scope

    def page(
        self,
        customer_id: str,
        clauses: Sequence[ColumnElement[bool] | StampedClause],
        params: ListParams,
        shape: RowFormat,
        *,
        integration_id: str | None = None,
        vendor: str | None = None,
        implied: Sequence[Implied] = (),
    ) -> tuple[list[dict[str, Any]], int]:
        """One page, shown in `shape` (with effective `last_seen`, records/seen.py), and the
        exact total, scoped to the customer's integrations.

        The integrations are resolved first, so the record query has no join and, for the
        usual single integration, an equality on `integration_id` that the
        `(integration_id, <sort column>)` indexes serve in order: a page of a sorted list reads
        `limit` index entries instead of sorting the integration's rows (410 ms → ~1 ms over
        1,000,000 charges). The tie-breaker `id` follows the first sort's direction so an
        index scanned backwards still yields the requested order.
        """
        vendors, all_stamps, all_versions, all_counts = self.scope_of(customer_id)
        # The `integration_id` and `integration_vendor` filters narrow the scope itself (no
        # subquery, no join): the list stays on the integration indexes, and without other
        # filters its total still comes from record_counts.
        ids = sorted(
            i
            for i, v in vendors.items()
            if (integration_id is None or i == integration_id) and (vendor is None or v == vendor)
        )
        if not ids:
            return [], 0
        stamps = {i: all_stamps[i] for i in ids if i in all_stamps}
        versions = tuple(all_versions[i] for i in ids)
        stored = sum(all_counts[i] for i in ids)  # the unfiltered total
        where = [c(ids, stamps) if isinstance(c, StampedClause) else c for c in clauses]
        scope = (
            self.table.c.integration_id == ids[0] if len(ids) == 1 else self.table.c.integration_id.in_(ids)
        )
        only_seen = params.order_by and params.order_by[0][0] == "last_seen" and len(params.order_by) == 1
        counted: int | None = None
        walk = False
        filters = where
        rivals = self._rival_columns(where, params)
        if rivals:
            # A filter on a column with its own (integration_id, column) index: the plan of the
            # page depends on how many rows match, so count first (covering index, cheap).
            counted = self._count(scope, versions, where)
            walk = self._walk_is_cheaper(counted, stored, params)
            if walk:  # the sort index in order, the filters checked on each row
                walked = params.order_by[0][0] if params.order_by else "created_at"
                filters = [
                    *self._off_index(where, rivals),
                    *(bound.clause for bound in implied if bound.column == walked),
                ]
        sorts_seen = bool(stamps) and any(name == "last_seen" for name, _ in params.order_by)
        raw: list[Row[Any]]
        # One row past the page says whether the list goes on: a page that reaches the end of
        # a filtered list has its total without a count.
        fetch = params.limit + 1
        if counted is not None and counted <= params.offset:
            raw = []  # past the end: nothing to read
        elif stamps and only_seen and len(ids) == 1:
            raw = self._seen_order(shape.columns, [scope, *filters], params, fetch)
        elif len(ids) > 1 and (counted is None or walk) and not sorts_seen:
            raw = self._merged(ids, filters, params, shape, fetch)
        else:
            order = self._order(params, stamps)
            if counted is not None and not walk:  # the filter's range, its matches sorted
                order = self._off_index(order, {self.table.c[name] for name, _ in params.order_by})
            raw = self._window(shape.columns, [scope, *filters], order, params.offset, fetch, versions)
        ends = len(raw) < fetch
        rows = shape.rows(raw[: params.limit], vendors, stamps)
        if counted is not None:
            total = counted
        elif where and ends and (rows or params.offset == 0):
            total = params.offset + len(rows)  # the page reaches the end of the list: nothing to count
        elif where:
            total = self._count(scope, versions, where)
        else:  # kept by the sync in the same transaction as the rows (no counting per request)
            total = stored
        return rows, total

    def _rows(self, statement: Any) -> list[Row[Any]]:
        """Plain rows of a Core statement, on the session's connection (the ORM's handling of
        a statement is not needed for tables), fetched at once: iterating a result fetches row
        by row, which psycopg does in Python (a tenth of a 100-charge page's CPU)."""
        return list(self.session.connection().execute(statement).all())

    def _defers(self, offset: int) -> bool:
        dialect = self.session.get_bind().dialect.name
        return offset >= _DEFER_FROM_OFFSET.get(dialect, _DEFER_FROM_OFFSET["postgresql"])

    def _window(
        self,
        columns: Sequence[Any],
        where: Sequence[Any],
        order: Sequence[Any],
        offset: int,
        limit: int,
        versions: tuple[int, ...] | None = None,
    ) -> list[Row[Any]]:
        """`limit` rows from `offset` on, in `order`: from a remembered position near the
        offset where there is one (records/anchors.py; `versions` of the integrations' data
        given), else by walking the sort index."""
        sort = self._anchor_keys(columns, order) if offset >= _ANCHOR_FROM else None
        if sort is None or versions is None:
            return self._walked(columns, where, order, offset, limit)
        list_key = self._versioned_key(select(self.table.c.id).where(*where).order_by(*order), versions)
        if list_key is None:
            return self._walked(columns, where, order, offset, limit)
        found = ANCHORS.nearest(list_key, offset, _ANCHOR_REACH)
        if found is None:
            rows = self._walked(columns, where, order, offset, limit)
        else:
            position, keys = found
            rows = self._from_anchor(columns, where, order, sort, keys, offset - position, limit)
        names = [column.name for column in columns]
        at = [names.index(column.name) for column in sort.columns]
        for index in {0, len(rows) - 1} if rows else ():
            keys = tuple(rows[index][i] for i in at)
            if None not in keys:  # NULL sort values have no place in a seek; walk to them
                ANCHORS.remember(list_key, offset + index, keys)
        return rows

    def _walked(
        self, columns: Sequence[Any], where: Sequence[Any], order: Sequence[Any], offset: int, limit: int
    ) -> list[Row[Any]]:
        """`limit` rows from `offset` on, in `order`. From `_DEFER_FROM_OFFSET` on, a walk of
        the sort index alone (covering: `(integration_id, column, id)`) finds the page's ids,
        and only those rows are read (PostgreSQL read every skipped row's heap tuple: offset
        500,000 of 1M charges 527 → 59 ms warm; SQLite, which skips rows unread, 60 → 35 ms)."""
        if not self._defers(offset):
            return self._rows(select(*columns).where(*where).order_by(*order).offset(offset).limit(limit))
        page = select(self.table.c.id).where(*where).order_by(*order).offset(offset).limit(limit).subquery()
        # Both stores materialize the ids (a subquery with LIMIT) and read each row by primary key.
        return self._read_by_ids(page, columns, order)

    def _anchor_keys(self, columns: Sequence[Any], order: Sequence[Any]) -> _Sort | None:
        """The sort of `order` if a page of it can start from a remembered row: plain columns
        of this table (the sort column, then `id`), one direction, all among `columns`."""
        keys = []
        for element in order:
            column = element.element if isinstance(element, UnaryExpression) else None
            if not isinstance(column, Column) or column.table is not self.table:
                return None  # an expression (effective last_seen, a column kept off its index)
            keys.append((column, element.modifier))
        shown = {column.name for column in columns}
        if (
            not 1 <= len(keys) <= 2
            or keys[-1][0] is not self.table.c.id
            or len({modifier for _, modifier in keys}) != 1
            or any(column.name not in shown for column, _ in keys)
        ):
            return None
        return _Sort(tuple(column for column, _ in keys), keys[0][1] is operators.desc_op)

    def _from_anchor(
        self,
        columns: Sequence[Any],
        where: Sequence[Any],
        order: Sequence[Any],
        sort: _Sort,
        keys: tuple[Any, ...],
        skip: int,
        limit: int,
    ) -> list[Row[Any]]:
        """`limit` rows in `order`, `skip` rows past the row whose sort keys are `keys`: a seek
        in the sort index (a row-value comparison both stores read as a range of it). Where
        NULLs sort after every value (PostgreSQL ascending, SQLite descending) a nullable sort
        column's NULL rows follow the range, so they are read as a second range."""
        # Bound with the types the columns were selected as: the values are what the driver gave.
        typed = {column.name: column.type for column in columns}
        bounds = [
            bindparam(None, value, type_=typed[c.name]) for c, value in zip(sort.columns, keys, strict=True)
        ]
        left = sort.columns[0] if len(keys) == 1 else tuple_(*sort.columns)
        right = bounds[0] if len(keys) == 1 else tuple_(*bounds)
        seek = left <= right if sort.descending else left >= right
        column = sort.columns[0]
        nulls_after = (self.session.get_bind().dialect.name == "postgresql") != sort.descending
        if len(keys) == 1 or not column.nullable or not nulls_after:
            return self._rows(select(*columns).where(*where, seek).order_by(*order).offset(skip).limit(limit))
        parts = [
            select(*columns).where(*where, part).order_by(*order).limit(skip + limit).subquery()
            for part in (seek, column.is_(None))
        ]
        both = union_all(*(select(part) for part in parts)).subquery()
        outer = [both.c[c.name].desc() if sort.descending else both.c[c.name].asc() for c in sort.columns]
        return self._rows(select(both).order_by(*outer).offset(skip).limit(limit))

    def _read_by_ids(self, page: Any, columns: Sequence[Any], order: Sequence[Any]) -> list[Row[Any]]:
        """The rows whose ids `page` (a subquery) selects, in `order`."""
        joined = page.join(self.table, self.table.c.id == page.c.id)
        return self._rows(select(*columns).select_from(joined).order_by(*order))

    def _merged(
        self, ids: Sequence[str], filters: Sequence[Any], params: ListParams, shape: RowFormat, fetch: int
    ) -> list[Row[Any]]:
        """Several integrations: each one's first offset + fetch rows, read in its
        `(integration_id, <sort column>)` index order, merged and cut to the page (an `IN` over
        the integrations sorted all their rows: ~420 ms over 1,000,000 charges). From
        `_DEFER_FROM_OFFSET` on, as in `_window`, only ids and sort keys are merged."""
        table = self.table
        order = self._order(params, {})
        first = params.offset + fetch
        deferred = self._defers(params.offset)
        keys = [*params.order_by, ("id", params.order_by[0][1] if params.order_by else "asc")]
        # Deep pages merge ids and sort keys only (index-only reads), then read the page's rows.
        columns = [table.c[name] for name in dict.fromkeys(n for n, _ in keys)] if deferred else shape.columns
        parts = [
            select(*columns)
            .where(table.c.integration_id == i, *filters)
            .order_by(*order)
            .limit(first)
            .subquery()
            for i in ids
        ]
        merged = union_all(*(select(part) for part in parts)).subquery()
        outer = [merged.c[name].desc() if way == "desc" else merged.c[name].asc() for name, way in keys]
        if not deferred:
            return self._rows(select(merged).order_by(*outer).offset(params.offset).limit(fetch))
        page = select(merged.c.id).order_by(*outer).offset(params.offset).limit(fetch).subquery()
        return self._read_by_ids(page, shape.columns, order)

    def _count(self, scope: Any, versions: tuple[int, ...], where: Sequence[Any]) -> int:
        """The matches of the filters, counted once per `versions` of the integrations' data."""
        query = select(func.count()).select_from(self.table).where(scope, *where)
        key = self._versioned_key(query, versions)
        return COUNTS.count(key, lambda: int(self.session.execute(query).scalar_one()))

    def _versioned_key(self, statement: Any, versions: tuple[int, ...]) -> Hashable | None:
        """What a result of `statement` is kept under while `versions` of the integrations'
        data hold (a count, a list's remembered positions): the store, the versions and the
        statement's key; None when the statement cannot be keyed."""
        key = statement_key(statement)
        return None if key is None else (str(self.session.get_bind().engine.url), versions, key)

    def _rival_columns(self, where: Sequence[Any], params: ListParams) -> set[Column[Any]]:
        """Columns of the filters that have an `(integration_id, column, …)` index of their own,
        other than the first sort key's: the planner may read that index's range and sort every
        match, or walk the sort index and filter. Which is cheaper depends on the count."""
        first = params.order_by[0][0] if params.order_by else "created_at"
        indexed = _range_indexed(self.table)
        return {
            c
            for clause in where
            for c in iterate(clause)
            if isinstance(c, Column)
            and c.table is self.table
            and c.name in indexed
            and c.name != first
            and indexed[c.name][:1] != (first,)  # (integration_id, property_id, created_at): in order
        }

    def _walk_is_cheaper(self, matches: int, rows: int, params: ListParams) -> bool:
        """Walking the sort index reads about (offset + limit) * rows / matches rows (matches
        spread over the order); reading the filter's range reads and sorts all the matches.
        The walk is chosen only when it reads a small part of what the range would."""
        if matches <= params.offset + params.limit:
            return False
        return (params.offset + params.limit) * rows < matches * matches // _WALK_SHARE

    def _off_index(self, clauses: Sequence[Any], columns: set[Column[Any]]) -> list[Any]:
        """The clauses (filters or sort keys) with those columns kept off their indexes:
        SQLite's no-op unary `+column`; PostgreSQL's `COALESCE(column, column)` (the same
        values, NULL stays NULL, not an indexed expression). Filters so changed make the page
        walk the sort index; sort keys so changed make it read the filter's range and sort."""
        dialect = self.session.get_bind().dialect.name

        def off(element: Any) -> Any:
            if any(element is column for column in columns):
                if dialect == "sqlite":
                    return UnaryExpression(element, operator=operators.custom_op("+"), type_=element.type)
                return func.coalesce(element, element, type_=element.type)
            return None

        opts: dict[str, Any] = {}
        return [replacement_traverse(clause, opts, off) for clause in clauses]  # type: ignore[call-overload]

    def _order(self, params: ListParams, stamps: Mapping[str, Any]) -> list[Any]:
        """ORDER BY of the sort keys and the tie-breaker `id`; `last_seen` sorts by its
        effective time (then its own: the effective order on one integration, see _seen_order)."""
        order: list[Any] = []
        for name, direction in params.order_by:
            column = self.table.c[name]
            keys = (
                [effective_expression(self.table, stamps), column]
                if name == "last_seen" and stamps
                else [column]
            )
            order.extend(key.desc() if direction == "desc" else key.asc() for key in keys)
        first_direction = params.order_by[0][1] if params.order_by else "asc"
        order.append(self.table.c.id.desc() if first_direction == "desc" else self.table.c.id.asc())
        return order

    def _seen_order(
        self, columns: Sequence[Any], where: Sequence[Any], params: ListParams, fetch: int
    ) -> list[Row[Any]]:
        """`order-by=last_seen` on one integration with a stamp: `fetch` rows from the offset
        on, of the unseen rows (their own times, all below the stamp) and the others (their own
        order is their effective order), each a range of an index read in order; ascending lists
        the unseen first."""
        table = self.table
        direction = params.order_by[0][1]
        desc = direction == "desc"
        order = (
            [table.c.last_seen.desc(), table.c.id.desc()]
            if desc
            else [table.c.last_seen.asc(), table.c.id.asc()]
        )
        first, second = (False, True) if desc else (True, False)
        head = [*where, unseen_is(table, first)]
        rows = self._window(columns, head, order, params.offset, fetch)
        if len(rows) == fetch:
            return rows
        if rows:
            before = params.offset + len(rows)
        else:
            counted = select(func.count()).select_from(table).where(*head)
            before = int(self.session.execute(counted).scalar_one())
        tail = [*where, unseen_is(table, second)]
        return rows + self._window(columns, tail, order, max(0, params.offset - before), fetch - len(rows))

    def _effective(self, rows: Sequence[RowMapping]) -> list[dict[str, Any]]:
        stamps = stamps_of(self.session, self.model.value, {row["integration_id"] for row in rows})
        return effective_rows(rows, stamps)

    def get(self, customer_id: str, record_id: str) -> dict[str, Any] | None:
        query = self._base(customer_id, [*self.table.c, Integration.vendor]).where(
            self.table.c.id == record_id
        )
        row = self.session.execute(query).mappings().first()
        return None if row is None else self._effective([row])[0]

    def shown(self, customer_id: str, record_id: str, shape: RowFormat) -> dict[str, Any] | None:
        """A record by id, shown in `shape`, if it is in one of the customer's readable integrations."""
        vendors, stamps, _, _ = self.scope_of(customer_id)
        if not vendors:
            return None
        query = select(*shape.columns).where(
            self.table.c.id == record_id, self.table.c.integration_id.in_(sorted(vendors))
        )
        rows = self._rows(query)
        return shape.rows(rows, vendors, stamps)[0] if rows else None

    def by_column(self, column: str, values: Sequence[str]) -> list[dict[str, Any]]:
        if not values:
            return []
        statement = _by_column(self.table, column, self.session.get_bind().dialect.name)
        rows = self.session.connection().execute(statement, {"values": list(values)}).mappings().all()
        return self._effective(list(rows))

    def exists_in_integration(self, integration_id: str, record_id: str) -> dict[str, Any] | None:
        query = select(self.table).where(
            self.table.c.id == record_id, self.table.c.integration_id == integration_id
        )
        row = self.session.execute(query).mappings().first()
        return None if row is None else self._effective([row])[0]
