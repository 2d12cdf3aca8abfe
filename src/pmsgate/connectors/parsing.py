"""Reading native field values the same way in every connector.

Each vendor's `fields.py` used to carry its own copy of these parsers; the ones here are the
readings that are genuinely the same across vendors (required fields, ids as text, ISO dates,
money as cents with the vendor's text kept, `custom_data`). Formats that differ (SamplePMS's
MM/DD/YYYY dates, Rent Manager's local wall-clock times, Rentvine's 'YYYY-MM-DD HH:MM:SS'
timestamps, vendors' own id rules) stay in the vendor's `fields.py`, built on these.

Every parser raises MappingError (a ValueError) naming the field on a value it cannot read; the
connector reports the record in `Page.skipped` (see `connectors.streaming`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from pmsgate.kit.money import to_cents

Native = Mapping[str, Any]


class MappingError(ValueError):
    """A native record, or one of its values, that cannot be mapped."""


def blank(value: Any) -> bool:
    """Whether a native value is absent: None or the empty string."""
    return value is None or value == ""


def as_text(value: Any) -> str | None:
    """A native value as text, a number as its digits (2 -> '2', 1.5 -> '1.5'); None stays None."""
    return None if value is None else str(value)


def required(raw: Native, field: str) -> Any:
    value = raw.get(field)
    if blank(value):
        raise MappingError(f"missing {field}")
    return value


def ident(raw: Native, field: str) -> str:
    """A required id, as text, whatever its native type."""
    return str(required(raw, field))


def scalar_ident(raw: Native, field: str) -> str:
    """A required id that is a JSON number or text (a boolean, list or object is refused)."""
    value = required(raw, field)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MappingError(f"{field}: {value!r} is not an id")
    return str(value)


def optional_ident(raw: Native, field: str, *, zero_is_none: bool = False) -> str | None:
    """An optional id as text; `zero_is_none` for vendors that write 0 for "no reference"."""
    value = raw.get(field)
    if blank(value) or (zero_is_none and value == 0):
        return None
    return str(value)


def iso_date(value: Any, field: str = "date") -> date | None:
    """'2025-03-01' -> date(2025, 3, 1); a date-time keeps its calendar day; None/'' -> None."""
    if blank(value):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not YYYY-MM-DD") from exc


def midnight_utc_of(day: date | None) -> datetime | None:
    """The start of a calendar day in UTC (how dates land in date-time fields)."""
    return None if day is None else datetime.combine(day, datetime.min.time(), UTC)


def midnight_utc(value: Any, field: str) -> datetime | None:
    """An ISO date (see `iso_date`) as the start of that day in UTC."""
    return midnight_utc_of(iso_date(value, field))


def iso_utc(value: Any, field: str = "timestamp") -> datetime | None:
    """An ISO-8601 date-time -> aware UTC. An offset ('Z' included) is honoured; a value without
    one is read as UTC (for vendors that document their date-times as UTC)."""
    if blank(value):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not ISO-8601") from exc
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def money(value: Any, field: str = "amount") -> tuple[int | None, str | None]:
    """(cents, raw text) of an amount: a JSON number (int, float or Decimal) or a decimal string.
    The raw text is the amount as the vendor wrote it; None/'' -> (None, None)."""
    if blank(value):
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float | str):
        raise MappingError(f"{field}: {value!r} is not an amount")
    text = str(value)
    try:
        return _cents(text), text
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not an amount") from exc


@lru_cache(maxsize=1024)  # rents, fees and balances recur across a ledger; Decimal work is not cheap
def _cents(text: str) -> int | None:
    return to_cents(text)


def bathrooms(value: Any, field: str) -> tuple[float | None, float | None]:
    """A bathroom count -> (full, half): 1.5 -> (1.0, 1.0)."""
    if blank(value):
        return None, None
    try:
        count = Decimal(str(value))
    except ArithmeticError as exc:
        raise MappingError(f"{field}: {value!r} is not a number") from exc
    full = int(count)
    return float(full), float(1 if count - full >= Decimal("0.5") else 0)


def custom(raw: Native, mapped: frozenset[str]) -> dict[str, Any] | None:
    """Native fields a canonical record has no place for, under their native names (None when
    there are none). Decimals become their exact text so the value survives JSON."""
    extra = {k: jsonable(v) for k, v in raw.items() if k not in mapped}
    return extra or None


def jsonable(value: Any) -> Any:
    """A native value ready for a JSON column: Decimals, at any depth, become their exact text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value
