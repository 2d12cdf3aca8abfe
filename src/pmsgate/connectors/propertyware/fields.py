"""Reading Propertyware's native field formats: int64 ids, `YYYY-MM-DD` dates, UTC date-times
(`YYYY-MM-dd'T'HH:mm:ssXXX`), and money as JSON numbers (doubles, read exactly as Decimal by
`client.decode`). Each raises MappingError (a ValueError) on a value it cannot read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pmsgate.kit.money import to_cents

Native = Mapping[str, Any]


class MappingError(ValueError):
    pass


def ident(raw: Native, field: str) -> str:
    value = raw.get(field)
    if value is None or value == "" or isinstance(value, bool):
        raise MappingError(f"missing {field}")
    if not isinstance(value, int | str) or not str(value).isdigit():
        raise MappingError(f"{field}: {value!r} is not a Propertyware id")
    return str(value)


def optional_ident(raw: Native, field: str) -> str | None:
    value = raw.get(field)
    return None if value is None or value == "" or value == 0 else ident(raw, field)


def iso_date(value: Any, field: str = "date") -> date | None:
    """'2025-03-01' -> date(2025, 3, 1); None/'' -> None."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise MappingError(f"{field}: {value!r} is not YYYY-MM-DD") from exc


def midnight_utc(value: Any, field: str) -> datetime | None:
    day = iso_date(value, field)
    return None if day is None else datetime.combine(day, datetime.min.time(), UTC)


def utc(value: Any, field: str = "timestamp") -> datetime | None:
    """'2025-03-01T09:15:00-06:00' -> 2025-03-01 15:15 UTC. Propertyware documents its
    date-times as UTC, so one without an offset is read as UTC."""
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError) as exc:
        raise MappingError(f"{field}: {value!r} is not ISO-8601") from exc
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def money(value: Any, field: str = "amount") -> tuple[int | None, str | None]:
    """(cents, raw) of a JSON number; the raw string is the number as the vendor wrote it."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise MappingError(f"{field}: {value!r} is not an amount")
    try:
        return to_cents(str(value)), str(value)
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not an amount") from exc


def required_money(raw: Native, field: str) -> tuple[int, str]:
    cents, text = money(raw.get(field), field)
    if cents is None or text is None:
        raise MappingError(f"missing {field}")
    return cents, text


def custom(raw: Native, mapped: frozenset[str]) -> dict[str, Any] | None:
    """Native fields the canonical record has no place for, under their native names (Decimals
    become strings so the value survives JSON exactly)."""
    extra = {k: _jsonable(v) for k, v in raw.items() if k not in mapped}
    return extra or None


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
