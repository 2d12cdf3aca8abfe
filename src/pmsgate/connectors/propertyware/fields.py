"""Reading Propertyware's native field formats: int64 ids, `YYYY-MM-DD` dates, UTC date-times
(`YYYY-MM-dd'T'HH:mm:ssXXX`), and money as JSON numbers (doubles, read exactly as Decimal by
`client.decode`). Each raises MappingError (a ValueError) on a value it cannot read.

Date-times and money are read by the shared `connectors.parsing` (Propertyware documents its
date-times as UTC, so one without an offset is read as UTC); ids and dates are stricter here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pmsgate.connectors.parsing import MappingError, Native, blank, midnight_utc_of, money
from pmsgate.connectors.parsing import iso_utc as utc

# Also read from here by the tests (the rest of parsing is imported from connectors.parsing).
__all__ = ["MappingError", "money", "utc"]


def ident(raw: Native, field: str) -> str:
    value = raw.get(field)
    if blank(value) or isinstance(value, bool):
        raise MappingError(f"missing {field}")
    if not isinstance(value, int | str) or not str(value).isdigit():
        raise MappingError(f"{field}: {value!r} is not a Propertyware id")
    return str(value)


def optional_ident(raw: Native, field: str) -> str | None:
    value = raw.get(field)
    return None if blank(value) or value == 0 else ident(raw, field)


def iso_date(value: Any, field: str = "date") -> date | None:
    """'2025-03-01' -> date(2025, 3, 1); None/'' -> None. The whole value must be a date."""
    if blank(value):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise MappingError(f"{field}: {value!r} is not YYYY-MM-DD") from exc


def midnight_utc(value: Any, field: str) -> datetime | None:
    return midnight_utc_of(iso_date(value, field))


def required_money(raw: Native, field: str) -> tuple[int, str]:
    cents, text = money(raw.get(field), field)
    if cents is None or text is None:
        raise MappingError(f"missing {field}")
    return cents, text
