"""Reading Rentvine's native field formats: integer ids, YYYY-MM-DD dates, timestamps,
decimal-string money. Each raises MappingError (a ValueError) on a value it cannot read; the
readings Rentvine shares with other vendors come from `connectors.parsing`.

Timestamps: Rentvine writes `dateTimeModified` as 'YYYY-MM-DD HH:MM:SS', the company's local
wall-clock time without an offset (vendor-apis.md §11). A value without an offset is read in the
company's zone (the integration's `timeZone`); an offset, when present, is honoured.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from pmsgate.connectors.parsing import MappingError, Native, blank

# Also read from here by the tests (the rest of parsing is imported from connectors.parsing).
__all__ = ["MappingError"]


def entity(row: Any, name: str) -> Native:
    """The record of an entity-wrapped row: `{"lease": {...}, ...}` -> the lease."""
    value = row.get(name) if isinstance(row, Mapping) else None
    if not isinstance(value, Mapping):
        raise MappingError(f"the row has no {name!r} object")
    return value


def timestamp(value: Any, field: str, tz: tzinfo) -> datetime | None:
    """A company-local 'YYYY-MM-DD HH:MM:SS' (in `tz`) -> an aware UTC datetime."""
    if blank(value):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace(" ", "T", 1))
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not a timestamp") from exc
    return (parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed).astimezone(UTC)


def local_stamp(moment: datetime, tz: tzinfo) -> str:
    """An instant as Rentvine's filters take it: the company's wall clock, no offset."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def custom(raw: Native, mapped: frozenset[str], **extra: Any) -> dict[str, Any] | None:
    """Unmapped native fields, plus `extra` values that are set (the row's other objects)."""
    kept = {k: v for k, v in raw.items() if k not in mapped}
    kept.update({k: v for k, v in extra.items() if v is not None})
    return kept or None
