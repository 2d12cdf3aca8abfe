"""Filters declared as data. Each filter names its query parameter(s), documents them for
the OpenAPI document, validates the value (400 naming the parameter) and turns it into SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, exists, select

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.errors import BadRequest
from pmsgate.kit.booleans import boolean_word
from pmsgate.kit.timeutil import parse_datetime
from pmsgate.models.integrations import Integration
from pmsgate.models.records import RECORD_TABLES
from pmsgate.records.seen import StampedClause, bound_clause, bound_sql


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    annotation: Any = str | None


class Filter:
    params: tuple[Param, ...] = ()

    def clause(self, table: Table, values: dict[str, Any]) -> ColumnElement[bool] | None:
        raise NotImplementedError

    def implied(self, table: Table, values: dict[str, Any]) -> tuple[Implied, ...]:
        """Clauses that every row this filter matches satisfies anyway (see Implied)."""
        return ()


@dataclass(frozen=True)
class Implied:
    """A bound on `column` that follows from another filter by an invariant of the record
    tables, not a filter of its own: a row is never changed or seen before pmsgate created it
    (`created_at` <= `updated_at`, `created_at` <= `last_seen`). The repository adds it only
    to a walk of `column`'s sort index, where it lets the walk start (or stop) at the bound
    instead of reading rows that cannot match; in a count or a filter's range it would only
    cost. Over 1,000,000 charges, `last_seen_lte` matching the oldest 18% with the newest
    first read ~820,000 rows to find the page's 100."""

    column: str
    clause: ColumnElement[bool]


@dataclass(frozen=True)
class SingleParam(Filter):
    """A filter of one query parameter: documented once, applied only when given."""

    param: str
    description: str

    def annotation(self) -> Any:
        return str | None

    @property
    def params(self) -> tuple[Param, ...]:  # type: ignore[override]
        return (Param(self.param, self.description, self.annotation()),)

    def clause(self, table: Table, values: dict[str, Any]) -> ColumnElement[bool] | None:
        value = values.get(self.param)
        return None if value is None else self.match(table, value, values)

    def match(self, table: Table, value: Any, values: dict[str, Any]) -> ColumnElement[bool]:
        raise NotImplementedError


@dataclass(frozen=True)
class Equals(SingleParam):
    column: str | None = None
    type_: Any = str | None  # the documented (and validated) type of the parameter

    def annotation(self) -> Any:
        return self.type_

    def match(self, table: Table, value: Any, values: dict[str, Any]) -> ColumnElement[bool]:
        return table.c[self.column or self.param] == value


@dataclass(frozen=True)
class VendorIs(Filter):
    description: str = "The integration vendor associated with the data"

    @property
    def params(self) -> tuple[Param, ...]:  # type: ignore[override]
        return (Param("integration_vendor", self.description, Vendor | None),)

    def clause(self, table: Table, values: dict[str, Any]) -> ColumnElement[bool] | None:
        value = values.get("integration_vendor")
        if value is None:
            return None
        # A subquery rather than a join: the list query stays on the record table alone.
        return table.c.integration_id.in_(
            select(Integration.id).where(Integration.vendor == Vendor(value).value)
        )


def _as_bool(name: str, value: Any) -> bool:
    parsed = boolean_word(value)
    if parsed is None:
        raise BadRequest.field(name, "must be true or false")
    return parsed


@dataclass(frozen=True)
class BoolIs(SingleParam):
    def match(self, table: Table, value: Any, values: dict[str, Any]) -> ColumnElement[bool]:
        return table.c[self.param] == _as_bool(self.param, value)


def parse_date_param(name: str, value: str) -> date:
    try:
        return (
            date.fromisoformat(value.strip()[:10])
            if len(value.strip()) == 10
            else parse_datetime(value).date()
        )
    except ValueError:
        raise BadRequest.field(name, "must be a date (YYYY-MM-DD) or an ISO-8601 date-time") from None


def parse_datetime_param(name: str, value: str) -> datetime:
    try:
        return parse_datetime(value)
    except ValueError:
        raise BadRequest.field(name, "must be an ISO-8601 date-time or a date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class DateTimeRange(Filter):
    """Inclusive range on a date-time column; a date-only end includes that whole day."""

    start: str
    end: str
    column: str
    start_description: str = "The start of the range to search. Inclusive."
    end_description: str = "The end of the range to search. Inclusive."

    @property
    def params(self) -> tuple[Param, ...]:  # type: ignore[override]
        return (Param(self.start, self.start_description), Param(self.end, self.end_description))

    def clause(self, table: Table, values: dict[str, Any]) -> ColumnElement[bool] | None:
        column = table.c[self.column]
        parts = []
        if (start := values.get(self.start)) is not None:
            parts.append(column >= parse_datetime_param(self.start, start))
        if (end := values.get(self.end)) is not None:
            end_at = parse_datetime_param(self.end, end)
            if len(end.strip()) != 10:
                parts.append(column <= end_at)
            elif end_at.date() < date.max:  # 9999-12-31 as an end bounds nothing
                parts.append(column < end_at + timedelta(days=1))
        return and_(*parts) if parts else None


@dataclass(frozen=True)
class TimeBound(SingleParam):
    """`updated_at_gte`-style bound on a record's system time, inclusive at the precision given:
    answers show milliseconds, so `_lte` with a time read from an answer includes that record,
    and `_lte` with a date includes that whole day."""

    column: str = ""
    op: str = ">="

    def bound(self, value: Any) -> tuple[str, datetime]:
        """(operator, time) of the parameter's value."""
        at = parse_datetime_param(self.param, value)
        if self.op == ">=":
            return ">=", at
        step = timedelta(days=1) if len(value.strip()) == 10 else timedelta(milliseconds=1)
        if at.microsecond % 1000 or at > datetime.max.replace(tzinfo=UTC) - step:
            return "<=", at
        return "<", at + step

    def match(self, table: Table, value: Any, values: dict[str, Any]) -> ColumnElement[bool]:
        return bound_sql(self.bound(value), table.c[self.column])

    def implied(self, table: Table, values: dict[str, Any]) -> tuple[Implied, ...]:
        value = values.get(self.param)
        if value is None or self.op == ">=" or self.column == "created_at":
            return ()
        bound = self.bound(value)
        return (Implied("created_at", bound_sql(bound, table.c.created_at)),)


@dataclass(frozen=True)
class SeenBound(TimeBound):
    """A bound on the effective `last_seen` (records/seen.py): which rows match depends on the
    seen stamps of the integrations read, so the clause is built once the repository has them."""

    def clause(self, table: Table, values: dict[str, Any]) -> Any:
        value = values.get(self.param)
        if value is None:
            return None
        bound = self.bound(value)  # a bad value is a 400 now, before any query
        return StampedClause(lambda ids, stamps: bound_clause(table, bound, ids, stamps))


# Propexo added these to every list: changed or seen by pmsgate since / until a time.
RECORD_TIMES: tuple[Filter, ...] = (
    TimeBound("updated_at_gte", "Records updated at or after this ISO-8601 time", column="updated_at"),
    TimeBound(
        "updated_at_lte", "Records updated at or before this ISO-8601 time", column="updated_at", op="<="
    ),
    SeenBound("last_seen_gte", "Records last seen at or after this ISO-8601 time", column="last_seen"),
    SeenBound(
        "last_seen_lte", "Records last seen at or before this ISO-8601 time", column="last_seen", op="<="
    ),
)


_TEN_DIGITS = re.compile(r"^\d{10}$")


@dataclass(frozen=True)
class PhoneIs(SingleParam):
    def match(self, table: Table, value: Any, values: dict[str, Any]) -> ColumnElement[bool]:
        if not _TEN_DIGITS.match(value):
            raise BadRequest.field(self.param, "must be a 10 digit phone number")
        return table.c[self.param] == value


@dataclass(frozen=True)
class LinkedTo(SingleParam):
    """Records linked through residents_to_leases (a resident's leases, a lease's residents)."""

    link_column: str = ""  # column of the link row matched against the parameter
    own_column: str = ""  # column of the link row that points at this table's id

    def match(self, table: Table, value: Any, values: dict[str, Any]) -> ColumnElement[bool]:
        link = RECORD_TABLES[Model.RESIDENTS_TO_LEASES]
        return exists(
            select(link.c.id).where(link.c[self.own_column] == table.c.id, link.c[self.link_column] == value)
        )


@dataclass(frozen=True)
class LeaseMoveDates(Filter):
    """Lease filters on its residents' move dates, ANDed on a single resident-lease record.
    When any date filter is given, `resident_id` is not honoured (the contract says so)."""

    @property
    def params(self) -> tuple[Param, ...]:  # type: ignore[override]
        fmt = "Format: YYYY-MM-DD. Date filter combinations will act with AND logic on a single record."
        return (
            Param(
                "resident_id",
                "The Propexo unique identifier for the resident. If you use this filter "
                "in conjunction with one of the move-in/move-out date filters, it will not be honored "
                "and will be overridden by the date filter.",
            ),
            Param("before_move_in_date", f"Filter to residents moving in before this date. {fmt}"),
            Param("after_move_in_date", f"Filter to residents moving in after this date. {fmt}"),
            Param("before_move_out_date", f"Filter to residents moving out before this date. {fmt}"),
            Param("after_move_out_date", f"Filter to residents moving out after this date. {fmt}"),
            Param(
                "only_null_move_outs",
                "Filter to only return leases where the move-out date is null",
                bool | str | None,
            ),
        )

    def clause(self, table: Table, values: dict[str, Any]) -> ColumnElement[bool] | None:
        link = RECORD_TABLES[Model.RESIDENTS_TO_LEASES]
        conditions: list[ColumnElement[bool]] = []
        bounds = {
            "before_move_in_date": (link.c.move_in_date, "<"),
            "after_move_in_date": (link.c.move_in_date, ">"),
            "before_move_out_date": (link.c.move_out_date, "<"),
            "after_move_out_date": (link.c.move_out_date, ">"),
        }
        for name, (column, op) in bounds.items():
            if (raw := values.get(name)) is not None:
                day = parse_date_param(name, raw)
                conditions.append(column < day if op == "<" else column > day)
        only_null = values.get("only_null_move_outs")
        if only_null is not None and _as_bool("only_null_move_outs", only_null):
            conditions.append(link.c.move_out_date.is_(None))
        has_dates = any(values.get(name) is not None for name in bounds)
        if not has_dates and (resident_id := values.get("resident_id")) is not None:
            conditions.append(link.c.resident_id == resident_id)
        if not conditions:
            return None
        return exists(select(link.c.id).where(link.c.lease_id == table.c.id, *conditions))


@dataclass(frozen=True)
class RequiresAlso(SingleParam):
    """`unit_number` needs `property_id` as well (the contract says so)."""

    column: str = ""
    needs: str = ""

    def match(self, table: Table, value: Any, values: dict[str, Any]) -> ColumnElement[bool]:
        if values.get(self.needs) is None:
            raise BadRequest.field(self.param, f"needs the {self.needs} filter as well")
        return table.c[self.column] == value


# Filters most record lists share, with the contract's descriptions.
INTEGRATION = Equals("integration_id", "The Propexo unique identifier for the integration")
PROPERTY = Equals("property_id", "The Propexo unique identifier for the property")
LEASE = Equals("lease_id", "The Propexo unique identifier for the lease")
RESIDENT = Equals("resident_id", "The Propexo unique identifier for the resident")
UNIT = Equals("unit_id", "The Propexo unique identifier for the unit")
LOCATION = Equals(
    "location_id",
    "The Propexo unique identifier for the location associated with the property (exclusive to Rent Manager)",
)
