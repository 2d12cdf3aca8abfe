"""Reading Rent Manager's native values: integer ids, local wall-clock times without offset (in
the company's time zone), JSON-number money (parsed as Decimal, never float). Each raises
MappingError (a ValueError) on a value it cannot read. What RM shares with other vendors comes
from `connectors.parsing`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pmsgate.connectors import parsing
from pmsgate.connectors.parsing import MappingError, Native, blank, scalar_ident

# Also read from here by the tests (the rest of parsing is imported from connectors.parsing).
__all__ = ["MappingError"]


ident = scalar_ident  # any number or text


def optional_ident(raw: Native, field: str) -> str | None:
    """RM writes 0 for "none" in its reference fields."""
    return parsing.optional_ident(raw, field, zero_is_none=True)


def _parse(value: Any, field: str) -> datetime | None:
    if blank(value):
        return None
    if not isinstance(value, str):
        raise MappingError(f"{field}: {value!r} is not a date")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not ISO-8601") from exc


def local_date(value: Any, field: str) -> date | None:
    """'2026-03-01T00:00:00' -> date(2026, 3, 1): RM writes dates as local midnight."""
    parsed = _parse(value, field)
    return None if parsed is None else parsed.date()


def utc(value: Any, field: str, tz: ZoneInfo) -> datetime | None:
    """A company-local wall-clock time -> aware UTC ('2026-03-01T09:15:00' in New York -> 14:15Z)."""
    parsed = _parse(value, field)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def money(value: Any, field: str = "Amount") -> tuple[int | None, str | None]:
    """(cents, raw string) of an amount; JSON numbers arrive as Decimal (see the session), so a
    float is refused rather than read inexactly."""
    if isinstance(value, float):
        raise MappingError(f"{field}: {value!r} is not an amount")
    return parsing.money(value, field)


def negated(value: tuple[int | None, str | None]) -> tuple[int | None, str | None]:
    cents, raw = value
    if cents is None or raw is None:
        return cents, raw
    return -cents, str(-Decimal(raw))


def custom(raw: Native, mapped: frozenset[str]) -> dict[str, Any] | None:
    """Unmapped native fields; top-level Decimals become text (embedded objects are kept as RM
    sent them)."""
    extra = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in raw.items() if k not in mapped}
    return extra or None
