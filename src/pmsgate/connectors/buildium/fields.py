"""Reading Buildium's native field formats: int32 ids, `YYYY-MM-DD` dates, UTC date-times and
money as JSON numbers in dollars. The client parses JSON numbers as Decimal, so `1450.1` is
exactly 145010 cents. Each helper raises MappingError (a ValueError) on a value it cannot read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pmsgate.kit.money import to_cents

Native = Mapping[str, Any]


class MappingError(ValueError):
    pass


def required(raw: Native, field: str) -> Any:
    value = raw.get(field)
    if value is None or value == "":
        raise MappingError(f"missing {field}")
    return value


def ident(raw: Native, field: str) -> str:
    value = required(raw, field)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).lstrip("-").isdigit():
        raise MappingError(f"{field}: {value!r} is not a Buildium id")
    return str(value)


def optional_ident(raw: Native, field: str) -> str | None:
    value = raw.get(field)
    return None if value is None or value == "" or value == 0 else ident(raw, field)


def iso_date(value: Any, field: str = "date") -> date | None:
    """'2025-03-01' -> date(2025, 3, 1); a date-time keeps its calendar day."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not YYYY-MM-DD") from exc


def midnight_utc(value: Any, field: str) -> datetime | None:
    day = iso_date(value, field)
    return None if day is None else datetime.combine(day, datetime.min.time(), UTC)


def utc(value: Any, field: str = "timestamp") -> datetime | None:
    """Buildium's date-times are UTC; an offset, when present, is honoured, and a value without
    one (older endpoints omit the 'Z') is read as UTC, as Buildium documents."""
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not ISO-8601") from exc
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def money(value: Any, field: str = "amount") -> tuple[int | None, str | None]:
    """(cents, raw text) of a Buildium amount (a JSON number, parsed as Decimal)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float | str):
        raise MappingError(f"{field}: {value!r} is not an amount")
    try:
        return to_cents(str(value)), str(value)
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not an amount") from exc


def custom(raw: Native, mapped: frozenset[str]) -> dict[str, Any] | None:
    extra = {k: plain(v) for k, v in raw.items() if k not in mapped}
    return extra or None


def plain(value: Any) -> Any:
    """custom_data is stored as JSON: Decimals become their exact text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
