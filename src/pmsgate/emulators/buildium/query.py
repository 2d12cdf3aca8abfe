"""Buildium list queries: limit/offset (limit at most 1000, else 400), UTC date-time and date
filters, array parameters given by repetition. A date range spanning more than 365 days is a
422, as the live API answers (vendor-apis.md §11); a range given only its start runs to now."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from starlette.datastructures import QueryParams

from pmsgate.emulators.buildium.store import BuildiumError

MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
MAX_RANGE = timedelta(days=365)


def _bad(key: str, text: str) -> BuildiumError:
    return BuildiumError(400, "InvalidRequest", "The request has invalid parameters", {key: text})


def paging(params: QueryParams) -> tuple[int, int]:
    raw_limit, raw_offset = params.get("limit", str(DEFAULT_LIMIT)), params.get("offset", "0")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise _bad("limit", f"limit must be an integer from 1 to {MAX_LIMIT}")
    if not raw_offset.isdigit():
        raise _bad("offset", "offset must be a non-negative integer")
    return int(raw_limit), int(raw_offset)


def instant(params: QueryParams, key: str) -> datetime | None:
    raw = params.get(key)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(key, f"{key} must be an ISO-8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)  # Buildium reads naive as UTC


def day(params: QueryParams, key: str) -> date | None:
    raw = params.get(key)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _bad(key, f"{key} must be YYYY-MM-DD") from None


def ids(params: QueryParams, key: str) -> set[int] | None:
    values = [v for raw in params.getlist(key) for v in raw.split(",") if v.strip()]
    if not values:
        return None
    if not all(v.strip().isdigit() for v in values):
        raise _bad(key, f"{key} must be integers")
    return {int(v) for v in values}


def within_a_year(start: date | datetime | None, end: date | datetime | None, key: str) -> None:
    """422 when [start, end] (end: now, when absent) spans more than 365 days."""
    if start is None:
        return
    if end is None:
        end = datetime.now(UTC) if isinstance(start, datetime) else datetime.now(UTC).date()
    if end - start > MAX_RANGE:  # type: ignore[operator]
        raise BuildiumError(
            422,
            "ValidationError",
            "The date range cannot exceed 365 days",
            {key: f"{key} must be within 365 days of its end"},
        )
