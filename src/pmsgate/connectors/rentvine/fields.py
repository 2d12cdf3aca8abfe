"""Reading Rentvine's native field formats: integer ids, YYYY-MM-DD dates, timestamps,
decimal-string money. Each raises MappingError (a ValueError) on a value it cannot read.

Timestamps: Rentvine writes `dateTimeModified` as 'YYYY-MM-DD HH:MM:SS'. We read a value without
an offset as UTC (what the emulator does; the public docs do not say) and honour an offset when
one is present, so a server that sends local time with its offset still lands right.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from pmsgate.kit.money import to_cents

Native = Mapping[str, Any]


class MappingError(ValueError):
    pass


def entity(row: Any, name: str) -> Native:
    """The record of an entity-wrapped row: `{"lease": {...}, ...}` -> the lease."""
    value = row.get(name) if isinstance(row, Mapping) else None
    if not isinstance(value, Mapping):
        raise MappingError(f"the row has no {name!r} object")
    return value


def required(raw: Native, field: str) -> Any:
    value = raw.get(field)
    if value is None or value == "":
        raise MappingError(f"missing {field}")
    return value


def ident(raw: Native, field: str) -> str:
    return str(required(raw, field))


def optional_ident(raw: Native, field: str) -> str | None:
    value = raw.get(field)
    return None if value is None or value == "" else str(value)


def day(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not YYYY-MM-DD") from exc


def midnight_utc(value: Any, field: str) -> datetime | None:
    parsed = day(value, field)
    return None if parsed is None else datetime.combine(parsed, datetime.min.time(), UTC)


def timestamp(value: Any, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace(" ", "T", 1))
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not a timestamp") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def money(value: Any, field: str) -> tuple[int | None, str | None]:
    """(cents, raw string) of a decimal amount; raises MappingError on garbage."""
    if value is None or value == "":
        return None, None
    try:
        return to_cents(str(value)), str(value)
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not an amount") from exc


def custom(raw: Native, mapped: frozenset[str], **extra: Any) -> dict[str, Any] | None:
    kept = {k: v for k, v in raw.items() if k not in mapped}
    kept.update({k: v for k, v in extra.items() if v is not None})
    return kept or None
