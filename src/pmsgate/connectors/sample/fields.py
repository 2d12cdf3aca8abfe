"""Reading SamplePMS's native field formats: ids, MM/DD/YYYY dates, Chicago-offset timestamps,
decimal-string money. Each raises MappingError (a ValueError) on a value it cannot read; the
readings SamplePMS shares with other vendors come from `connectors.parsing`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from pmsgate.connectors.parsing import MappingError, blank, midnight_utc_of

_US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def us_date(value: Any, field: str = "date") -> date | None:
    """'03/01/2025' -> date(2025, 3, 1); None/'' -> None."""
    if blank(value):
        return None
    day = _us_date(value) if isinstance(value, str) else None
    if day is None:
        raise MappingError(f"{field}: {value!r} is not a MM/DD/YYYY calendar date")
    return day


@lru_cache(maxsize=1024)  # a ledger's dates recur on every page; parsing was 15% of its mapping
def _us_date(text: str) -> date | None:
    match = _US_DATE.match(text)
    if match is None:
        return None
    month, day, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def utc(value: Any, field: str = "timestamp") -> datetime | None:
    """'2025-03-01T09:15:00-06:00' -> 2025-03-01 15:15 UTC; a value without offset is refused."""
    if blank(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise MappingError(f"{field}: {value!r} is not ISO-8601") from exc
    if parsed.tzinfo is None:
        raise MappingError(f"{field}: {value!r} has no UTC offset")
    return parsed.astimezone(UTC)


def midnight_utc(value: Any, field: str) -> datetime | None:
    return midnight_utc_of(us_date(value, field))
