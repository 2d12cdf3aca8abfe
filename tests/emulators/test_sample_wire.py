"""SamplePMS's wire formats: Chicago offsets across DST, money, dates, cursors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pmsgate.emulators.sample.wire import (
    decode_cursor,
    encode_cursor,
    parse_money,
    parse_stamp,
    parse_us_date,
    stamp,
    us_date,
)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 1, 1, 6, 0, tzinfo=UTC), "2026-01-01T00:00:00-06:00"),
        (datetime(2025, 7, 1, 14, 15, tzinfo=UTC), "2025-07-01T09:15:00-05:00"),
        # 2025 DST: from 2025-03-09 08:00 UTC to 2025-11-02 07:00 UTC.
        (datetime(2025, 3, 9, 7, 59, tzinfo=UTC), "2025-03-09T01:59:00-06:00"),
        (datetime(2025, 3, 9, 8, 0, tzinfo=UTC), "2025-03-09T03:00:00-05:00"),
        (datetime(2025, 11, 2, 6, 59, tzinfo=UTC), "2025-11-02T01:59:00-05:00"),
        (datetime(2025, 11, 2, 7, 0, tzinfo=UTC), "2025-11-02T01:00:00-06:00"),
    ],
)
def test_stamps_carry_chicago_offsets(moment: datetime, expected: str) -> None:
    assert stamp(moment) == expected
    assert parse_stamp(expected) == moment


def test_stamps_need_an_offset() -> None:
    with pytest.raises(ValueError, match="offset"):
        parse_stamp("2025-01-01T00:00:00")


@pytest.mark.parametrize(("text", "cents"), [("1450.00", 145000), ("-25.00", -2500), ("0.5", 50), ("7", 700)])
def test_money(text: str, cents: int) -> None:
    assert parse_money(text) == cents


@pytest.mark.parametrize("text", ["12,3x", "1,450.00", "1.234", "", "$5"])
def test_money_refuses_what_the_api_never_sends(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


def test_dates_and_cursors_round_trip() -> None:
    assert us_date(date(2025, 3, 1)) == "03/01/2025"
    assert parse_us_date("03/01/2025") == date(2025, 3, 1)
    with pytest.raises(ValueError):
        parse_us_date("2025-03-01")
    assert decode_cursor(encode_cursor(60000123)) == 60000123
    with pytest.raises(ValueError):
        decode_cursor("bm90LWFuLWlk")  # base64 of "not-an-id"
