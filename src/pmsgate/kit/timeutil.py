"""UTC time helpers. Times are aware UTC datetimes inside; ISO-8601 with 'Z' outside."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        text = value.astimezone(UTC).isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    return value.isoformat()


def parse_datetime(text: str) -> datetime:
    """Accept ISO date-time (any offset, 'Z') or YYYY-MM-DD (midnight UTC).

    Raises ValueError for anything else, including times that leave years 1-9999 once
    converted to UTC (`0001-01-01T00:00:00+01:00`), which datetime reports as OverflowError.
    """
    value = text.strip()
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is outside years 1-9999 in UTC") from None
