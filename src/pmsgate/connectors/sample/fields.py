"""Reading SamplePMS's native field formats: ids, MM/DD/YYYY dates, Chicago-offset timestamps,
decimal-string money. Each raises MappingError (a ValueError) on a value it cannot read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pmsgate.kit.money import to_cents

Native = Mapping[str, Any]
_US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


class MappingError(ValueError):
    pass


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


def us_date(value: Any, field: str = "date") -> date | None:
    """'03/01/2025' -> date(2025, 3, 1); None/'' -> None."""
    if value is None or value == "":
        return None
    match = _US_DATE.match(value) if isinstance(value, str) else None
    if match is None:
        raise MappingError(f"{field}: {value!r} is not MM/DD/YYYY")
    month, day, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not a calendar date") from exc


def utc(value: Any, field: str = "timestamp") -> datetime | None:
    """'2025-03-01T09:15:00-06:00' -> 2025-03-01 15:15 UTC; a value without offset is refused."""
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise MappingError(f"{field}: {value!r} is not ISO-8601") from exc
    if parsed.tzinfo is None:
        raise MappingError(f"{field}: {value!r} has no UTC offset")
    return parsed.astimezone(UTC)


def midnight_utc(value: Any, field: str) -> datetime | None:
    day = us_date(value, field)
    return None if day is None else datetime.combine(day, datetime.min.time(), UTC)


def money(value: Any, field: str = "amount") -> tuple[int | None, str | None]:
    """(cents, raw string) of a decimal-string amount; raises MappingError on garbage."""
    if value is None or value == "":
        return None, None
    try:
        return to_cents(value), str(value)
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not an amount") from exc


def custom(raw: Native, mapped: frozenset[str]) -> dict[str, Any] | None:
    extra = {k: v for k, v in raw.items() if k not in mapped}
    return extra or None


def bathrooms(value: Any) -> tuple[float | None, float | None]:
    """'1.5' -> (1 full, 1 half)."""
    if value is None or value == "":
        return None, None
    try:
        count = Decimal(str(value))
    except InvalidOperation as exc:
        raise MappingError(f"baths: {value!r} is not a number") from exc
    full = int(count)
    return float(full), float(1 if count - full >= Decimal("0.5") else 0)
