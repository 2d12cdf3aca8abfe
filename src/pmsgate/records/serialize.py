"""Rows to API dicts. Done by hand rather than through pydantic because list pages hold up to
250 records of ~40 fields and this is the hot path of every read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from pmsgate.kit.timeutil import iso

_INTERNAL = frozenset({"content_hash", "vendor"})


def plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return iso(value)
    return value


def row_to_dict(row: Mapping[str, Any], hidden: Iterable[str] = ()) -> dict[str, Any]:
    skip = _INTERNAL | frozenset(hidden)
    out = {key: plain(value) for key, value in row.items() if key not in skip}
    out["integration_vendor"] = row["vendor"]
    return out
