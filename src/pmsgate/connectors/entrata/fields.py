"""Reading Entrata's native values. Entrata states every date and time in Mountain Time
(America/Denver, MST/MDT); they are converted here, at the connector's edge:

- dates 'MM/DD/YYYY' (also ISO 'YYYY-MM-DD', which some methods answer) -> date;
- date-times 'MM/DD/YYYY HH:MM:SS' (Mountain wall clock) -> aware UTC;
- post months 'MM/YYYY' -> 'YYYY-MM';
- money as JSON numbers or decimal strings, parsed as Decimal (the client never goes through
  float), -> cents with the vendor's text kept.

Entrata's JSON is translated from XML, so a list of one may arrive as a bare object: `items`
reads `node[key]` as a list either way. Each parser raises MappingError on what it cannot read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pmsgate.connectors.parsing import MappingError, Native, blank, scalar_ident

MOUNTAIN = ZoneInfo("America/Denver")


ident = scalar_ident  # any number or text; Entrata and Rent Manager ids come as both


def optional_ident(raw: Native, field: str) -> str | None:
    """Entrata writes 0 or '' for "none" in its reference fields."""
    value = raw.get(field)
    if blank(value) or value in (0, "0"):
        return None
    return str(value)


def items(node: Any, key: str) -> list[Any]:
    """`node[key]` as a list: a list, one object (a list of one from XML), or nothing."""
    if not isinstance(node, dict):
        return []
    value = node.get(key)
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def local_date(value: Any, field: str) -> date | None:
    """'03/01/2026' (or '2026-03-01', or a date-time's day) -> date(2026, 3, 1)."""
    if blank(value):
        return None
    text = str(value).strip()
    try:
        if "/" in text:
            return datetime.strptime(text[:10], "%m/%d/%Y").date()
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not MM/DD/YYYY") from exc


def utc(value: Any, field: str) -> datetime | None:
    """A Mountain Time date or date-time -> aware UTC ('03/01/2026 14:05:00' is 21:05 UTC)."""
    if blank(value):
        return None
    text = str(value).strip()
    for pattern in ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            local = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return local.replace(tzinfo=MOUNTAIN).astimezone(UTC)
    raise MappingError(f"{field}: {value!r} is not an Entrata date-time")


def post_month(value: Any, field: str = "postMonth") -> str | None:
    """'03/2026' (or '03/01/2026') -> '2026-03'."""
    if blank(value):
        return None
    parts = str(value).strip().split("/")
    try:
        month, year = int(parts[0]), int(parts[-1])
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not MM/YYYY") from exc
    if not 1 <= month <= 12 or len(parts) not in (2, 3):
        raise MappingError(f"{field}: {value!r} is not MM/YYYY")
    return f"{year:04d}-{month:02d}"


def flag(value: Any) -> bool | None:
    """Entrata's booleans: true/false, 1/0, '1'/'0', 't'/'f'."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "t", "yes")


def mountain_day(moment: datetime) -> str:
    """The Mountain Time calendar day of an instant, as Entrata's date filters take it."""
    return moment.astimezone(MOUNTAIN).strftime("%m/%d/%Y")
