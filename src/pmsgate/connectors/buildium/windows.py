"""Buildium's date-range rule: the live API refuses (422) a date-range filter spanning more than
365 days (vendor-apis.md §11, as the `buildium-mcp` client found), so a range reaching further
back is read as consecutive windows of at most 365 days, oldest first. Older windows carry both
bounds; the newest carries only its start (at most 365 days ago), so records dated or changed
after the read began (future-dated charges included) are not cut off, and a normal sync still
makes one request per list. Timestamps go as `YYYY-MM-DDTHH:MM:SSZ`, without fractional
seconds, as the spec's examples write them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

MAX_SPAN = timedelta(days=365)
# The newest window of timestamps runs to Buildium's "now", which is a little later than ours:
# it starts an hour inside the 365 days. Dates need no margin (the account's day is not ahead
# of UTC's for US accounts), so a normal sync's 365-day ledger window stays one request.
CLOCK_MARGIN = timedelta(hours=1)
T = TypeVar("T", date, datetime)


def stamp(moment: datetime) -> str:
    """A UTC timestamp as Buildium's examples write it: 2026-12-02T08:15:00Z."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def windows(start: T, now: T, step: timedelta, margin: timedelta = timedelta(0)) -> list[tuple[T, T | None]]:
    """[start, now] as (from, to) windows of at most 365 days, oldest first; the newest is
    (from, None), starting `margin` inside the 365 days. Consecutive windows are `step` apart (a
    day for dates, a second for times), since the filters are inclusive."""
    newest_from = max(start, now - MAX_SPAN + margin)
    found: list[tuple[T, T | None]] = [(newest_from, None)]
    end = newest_from - step
    while end >= start:
        begin = max(start, end - MAX_SPAN)
        found.append((begin, end))
        end = begin - step
    return found[::-1]


def day_windows(start: date, today: date) -> list[tuple[date, date | None]]:
    """Date windows (ledger reads do not use them: a lease's whole ledger is one request, see the
    connector's `_ledger_floor`)."""
    return windows(start, today, timedelta(days=1))


def instant_windows(start: datetime, now: datetime) -> list[tuple[datetime, datetime | None]]:
    return windows(
        start.replace(microsecond=0), now.replace(microsecond=0), timedelta(seconds=1), CLOCK_MARGIN
    )
