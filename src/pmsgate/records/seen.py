"""The effective `last_seen` of a record row, served by every read.

An unchanged re-sync does not write the rows it saw (on PostgreSQL each such write was a new
row version with an entry in every index). Instead, per (integration, model), `seen_stamps`
holds the start of the last complete read of the model, and the rows that read did not see are
marked `unseen` (with their effective time of before that read written into `last_seen`). So:

    effective last_seen = own last_seen             if the row is unseen
                        = max(own last_seen, stamp) otherwise (and own if there is no stamp)

An unseen row's own time is below the stamp (every write of a row clears the mark), so the
effective order is: unseen rows by their own time, then the other rows by their own time (those
at or below the stamp all read as the stamp). Every query keeps to the `(integration_id,
last_seen, id)` index and the partial index of the unseen rows:

- a bound on `last_seen` is, per integration with a stamp `S`, either the plain bound on the
  column, or "not unseen, or the bound" (`_gte` when `S` satisfies it), or "unseen and the
  bound" (`_lte` when `S` does not: the partial index) (see `bound_clause`);
- `order-by=last_seen` on one integration reads two ranges, the unseen rows and the others,
  each in index order (`RecordRepository.page`); across integrations it sorts by the
  effective expression (as a list over several integrations sorted before).

Ties of the effective time (the rows at or below the stamp) are ordered by their own time,
then `id`: a stable total order that the index yields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, case, false, literal, or_, select, true
from sqlalchemy.orm import Session

from pmsgate.kit.sqltypes import UTCDateTime
from pmsgate.models.records import SEEN_STAMPS

Stamps = Mapping[str, datetime]  # integration id -> the model's stamp (integrations with one)


def stamps_of(session: Session, model: str, integration_ids: Iterable[str]) -> dict[str, datetime]:
    ids = sorted(set(integration_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(SEEN_STAMPS.c.integration_id, SEEN_STAMPS.c.stamp).where(
            SEEN_STAMPS.c.model == model, SEEN_STAMPS.c.integration_id.in_(ids)
        )
    )
    return {integration_id: stamp for integration_id, stamp in rows}


def effective(own: datetime, unseen: bool, stamp: datetime | None) -> datetime:
    if unseen or stamp is None or own >= stamp:
        return own
    return stamp


def effective_rows(rows: Iterable[Any], stamps: Stamps) -> list[dict[str, Any]]:
    """The rows as dicts with their effective `last_seen` (the `unseen` mark stays, internal)."""
    out = []
    for row in rows:
        item = dict(row)
        stamp = stamps.get(item["integration_id"])
        if stamp is not None and not item["unseen"] and item["last_seen"] < stamp:
            item["last_seen"] = stamp
        out.append(item)
    return out


def unseen_is(table: Table, value: bool) -> ColumnElement[bool]:
    """`unseen = 1` / `unseen = 0` on SQLite, `unseen = true` on PostgreSQL: the first matches the
    partial index's predicate on both."""
    return table.c.unseen == (true() if value else false())


# A bound on a time: (operator, time); "<" comes from an inclusive `_lte` at some precision.
Bound = tuple[str, datetime]


def holds(bound: Bound, value: datetime) -> bool:
    op, at = bound
    if op == ">=":
        return value >= at
    if op == "<=":
        return value <= at
    return value < at


def bound_sql(bound: Bound, column: Any) -> ColumnElement[bool]:
    op, at = bound
    if op == ">=":
        return column >= at  # type: ignore[no-any-return]
    if op == "<=":
        return column <= at  # type: ignore[no-any-return]
    return column < at  # type: ignore[no-any-return]


def bound_clause(table: Table, bound: Bound, integration_ids: Sequence[str], stamps: Stamps) -> Any:
    """The rows whose effective `last_seen` satisfies `bound`, among those integrations.

    Upward bound (`>=`): a seen row's max(own, S) satisfies it iff own does or S does; downward
    (`<=`, `<`): iff own does and S does. An unseen row: iff own does."""
    own = bound_sql(bound, table.c.last_seen)
    upward = bound[0] == ">="
    groups: dict[str, list[str]] = {}
    for integration_id in integration_ids:
        stamp = stamps.get(integration_id)
        if stamp is None:
            kind = "plain"
        elif upward:
            kind = "seen_or_own" if holds(bound, stamp) else "plain"
        else:
            kind = "plain" if holds(bound, stamp) else "unseen_and_own"
        groups.setdefault(kind, []).append(integration_id)
    clauses = {
        "plain": own,
        "seen_or_own": or_(unseen_is(table, False), own),
        "unseen_and_own": and_(unseen_is(table, True), own),
    }
    if len(groups) == 1:
        return clauses[next(iter(groups))]
    return or_(*(and_(table.c.integration_id.in_(ids), clauses[kind]) for kind, ids in groups.items()))


class StampedClause:
    """A filter clause that depends on the stamps of the integrations read (resolved by the
    repository once it knows them)."""

    def __init__(self, build: Callable[[Sequence[str], Stamps], Any]) -> None:
        self.build = build

    def __call__(self, integration_ids: Sequence[str], stamps: Stamps) -> Any:
        return self.build(integration_ids, stamps)


def effective_expression(table: Table, stamps: Stamps) -> Any:
    """The effective `last_seen` in SQL (for sorting across integrations; not index-backed)."""
    if not stamps:
        return table.c.last_seen
    whens = [
        (
            and_(table.c.integration_id == integration_id, table.c.last_seen < stamp),
            literal(stamp, UTCDateTime()),
        )
        for integration_id, stamp in sorted(stamps.items())
    ]
    return case((unseen_is(table, True), table.c.last_seen), *whens, else_=table.c.last_seen)
