"""Buildium list queries: limit/offset (limit at most 1000, else 400), UTC date-time and date
filters, array parameters given by repetition. A date range spanning more than 365 days is a
422, as the live API answers (vendor-apis.md §11); a range given only its start runs to now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

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


def day_range(params: QueryParams, start_key: str, end_key: str) -> tuple[date | None, date | None]:
    start, end = day(params, start_key), day(params, end_key)
    within_a_year(start, end, start_key)
    return start, end


def instant_range(
    params: QueryParams, start_key: str, end_key: str
) -> tuple[datetime | None, datetime | None]:
    start, end = instant(params, start_key), instant(params, end_key)
    within_a_year(start, end, start_key)
    return start, end


PAGING = frozenset({"orderby", "offset", "limit"})


def allow(params: QueryParams, declared: Iterable[str]) -> None:
    """Refuse (400) a query parameter the endpoint does not declare. Buildium's names are
    lower-case and, like its paths, case-sensitive: `Limit` is not `limit`. (Inferred: how the
    live API treats an unknown parameter is not documented; refusing it is the loud choice.)"""
    known = PAGING | set(declared)
    unknown = sorted({k for k in params if k not in known})
    if unknown:
        raise BuildiumError(
            400,
            "InvalidRequest",
            "The request has invalid parameters",
            {k: f"{k} is not a parameter of this endpoint" for k in unknown},
        )


def choices(params: QueryParams, key: str, allowed: Sequence[str]) -> set[str] | None:
    """An array of enum values (repeated or comma-separated); an unknown value is a 400."""
    values = [v.strip() for raw in params.getlist(key) for v in raw.split(",") if v.strip()]
    if not values:
        return None
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise _bad(key, f"{wrong[0]} is not one of {', '.join(allowed)}")
    return set(values)


def choice(params: QueryParams, key: str, allowed: Sequence[str]) -> str | None:
    raw = params.get(key)
    if raw is None or not raw.strip():
        return None
    if raw not in allowed:
        raise _bad(key, f"{raw} is not one of {', '.join(allowed)}")
    return raw


def integer(params: QueryParams, key: str) -> int | None:
    raw = params.get(key)
    if raw is None or not raw.strip():
        return None
    if not raw.strip().isdigit():
        raise _bad(key, f"{key} must be an integer")
    return int(raw)


def text(params: QueryParams, key: str) -> str | None:
    """A 'contains' filter, compared case-insensitively (inferred)."""
    raw = params.get(key)
    return raw.strip().lower() if raw and raw.strip() else None


def order(
    params: QueryParams, rows: list[dict[str, Any]], default: Sequence[str] = ("Id",)
) -> list[dict[str, Any]]:
    """Sort by `orderby` (`Field [asc|desc],…`, top-level fields of the answer; an unknown
    field is a 400), else by `default` ascending. Missing values sort first."""
    raw = params.get("orderby")
    keys: list[tuple[str, bool]] = [(name, False) for name in default]
    if raw is not None and raw.strip():
        keys = []
        for part in raw.split(","):
            words = part.split()
            if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
                raise _bad("orderby", f"{part.strip()!r} is not 'Field [asc|desc]'")
            if rows and not any(words[0] in row for row in rows):
                raise _bad("orderby", f"{words[0]} is not a field of this resource")
            keys.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    ordered = list(rows)
    for name, descending in reversed(keys):  # stable sorts, least significant key first
        ordered.sort(key=lambda row: _sortable(row.get(name)), reverse=descending)
    return ordered


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, value)
    return (2, str(value))
