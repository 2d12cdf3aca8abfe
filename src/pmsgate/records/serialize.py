"""Rows to API dicts. Done by hand rather than through pydantic because list pages hold up to
250 records of ~40 fields and this is the hot path of every read: each resource knows once
which of its columns hold times and dates, so a row costs one dict copy plus a conversion of
those few values (not an isinstance test per value)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, Table

from pmsgate.kit.sqltypes import UTCDateTime
from pmsgate.kit.timeutil import iso

_INTERNAL = frozenset({"content_hash", "vendor", "unseen"})  # unseen: records/seen.py


def plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return iso(value)
    return value


def iso_utc(value: datetime | None) -> str | None:
    """`iso` for the aware UTC datetimes the store hands back, without the time-zone arithmetic."""
    if value is None:
        return None
    if value.tzinfo is UTC:
        return value.isoformat(timespec="milliseconds")[:-6] + "Z"
    return iso(value)


def row_to_dict(row: Mapping[str, Any], hidden: Iterable[str] = ()) -> dict[str, Any]:
    skip = _INTERNAL | frozenset(hidden)
    out = {key: plain(value) for key, value in row.items() if key not in skip}
    out["integration_vendor"] = row["vendor"]
    return out


class RowWriter:
    """Serializes rows of one record table (minus hidden columns) to the API's dicts."""

    def __init__(self, table: Table, hidden: Iterable[str] = ()) -> None:
        skip = _INTERNAL | frozenset(hidden)
        shown = [column for column in table.c if column.name not in skip]
        self.drop = tuple(skip)  # `vendor` comes with a row read by id (joined from its integration)
        self.times = tuple(c.name for c in shown if isinstance(c.type, UTCDateTime))
        self.dates = tuple(c.name for c in shown if isinstance(c.type, Date))

    def __call__(self, rows: Iterable[Mapping[str, Any]], vendors: Mapping[str, str]) -> list[dict[str, Any]]:
        drop, times, dates = self.drop, self.times, self.dates
        items = []
        for row in rows:
            out = dict(row)
            for name in drop:
                out.pop(name, None)
            for name in times:
                out[name] = iso_utc(out[name])
            for name in dates:
                if (value := out[name]) is not None:
                    out[name] = value.isoformat()
            out["integration_vendor"] = vendors[out["integration_id"]]
            items.append(out)
        return items
