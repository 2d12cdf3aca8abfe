"""Edges of Buildium's 365-day window splitting (`connectors/buildium/windows.py`), checked
against the emulator's own 365-day rule so the two cannot drift apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from pmsgate.connectors.buildium.windows import day_windows, instant_windows
from pmsgate.emulators.buildium.query import within_a_year
from pmsgate.emulators.buildium.store import BuildiumError


def _accepted(start: date, end: date) -> bool:
    try:
        within_a_year(start, end, "transactiondatefrom")
    except BuildiumError as error:
        assert error.status == 422
        return False
    return True


def _check(start: date, today: date) -> list[tuple[date, date | None]]:
    found = day_windows(start, today)
    assert found[0][0] == start and found[-1][1] is None  # from the start, the newest open
    assert all(end is not None for _, end in found[:-1])
    for (_, end), (begin, _) in pairwise(found):
        assert end is not None and begin == end + timedelta(days=1)  # ends inclusive: no gap, no overlap
    assert all(_accepted(begin, end or today) for begin, end in found)
    return found


def test_exactly_365_days_is_one_window_and_366_are_two() -> None:
    today = date(2026, 12, 2)
    assert _check(today - timedelta(days=365), today) == [(date(2025, 12, 2), None)]
    assert _check(today - timedelta(days=366), today) == [
        (date(2025, 12, 1), date(2025, 12, 1)),
        (date(2025, 12, 2), None),
    ]
    assert not _accepted(date(2025, 12, 1), today)  # what a single request would have asked


def test_leap_years() -> None:
    # 2024-01-01..2024-12-31 is 365 days apart (366 days counted inclusively): one window
    assert _check(date(2024, 1, 1), date(2024, 12, 31)) == [(date(2024, 1, 1), None)]
    assert _check(date(2023, 12, 31), date(2024, 12, 31)) == [
        (date(2023, 12, 31), date(2023, 12, 31)),
        (date(2024, 1, 1), None),
    ]
    across = _check(date(2019, 2, 28), date(2025, 3, 1))  # three leap days inside
    leap = date(2020, 2, 29)
    assert sum(begin <= leap <= (end or date(2025, 3, 1)) for begin, end in across) == 1  # read once
    assert not _accepted(date(2020, 2, 28), date(2021, 3, 1))


@pytest.mark.parametrize("years", [1, 10, 50])
def test_back_syncs_are_covered_without_gaps(years: int) -> None:
    today = date(2026, 12, 2)
    found = _check(today - timedelta(days=365 * years), today)
    assert len(found) == years


def test_a_start_after_today_is_one_open_window() -> None:
    assert day_windows(date(2027, 1, 1), date(2026, 12, 2)) == [(date(2027, 1, 1), None)]


def test_instant_windows_are_whole_seconds_and_contiguous() -> None:
    now = datetime(2026, 12, 2, 8, 0, 0, 987654, tzinfo=UTC)
    found = instant_windows(now - timedelta(days=800, microseconds=5), now)
    assert all(t is None or t.microsecond == 0 for w in found for t in w)
    for (_, end), (begin, _) in pairwise(found):
        assert end is not None and begin == end + timedelta(seconds=1)
    assert found[-1][1] is None and now - found[-1][0] < timedelta(days=365)
