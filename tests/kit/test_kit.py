from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pmsgate.errors import BadRequest
from pmsgate.integrations.schedule import next_run, validate_custom_schedule
from pmsgate.kit.ids import new_id, stable_id
from pmsgate.kit.money import cents_to_decimal_str, to_cents
from pmsgate.kit.outbound import check_outbound_url
from pmsgate.kit.pagination import parse_order_by
from pmsgate.kit.timeutil import iso, parse_datetime


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("1250.10", 125010),
        ("-25.00", -2500),
        ("0.005", 0),
        ("0.015", 2),
        ("1,234.56", 123456),
        ("(12.00)", -1200),
        ("$7", 700),
        (None, None),
        ("", None),
        ("19.999", 2000),
    ],
)
def test_to_cents_is_exact(raw: str | None, cents: int | None) -> None:
    assert to_cents(raw) == cents


def test_to_cents_refuses_non_amounts() -> None:
    for raw in ("12,3x", "NaN", "inf", "abc"):
        with pytest.raises(ValueError, match="not an amount"):
            to_cents(raw)


def test_cents_to_decimal_str() -> None:
    assert [cents_to_decimal_str(c) for c in (0, 5, 125010, -2500)] == ["0.00", "0.05", "1250.10", "-25.00"]


def test_ids() -> None:
    assert new_id("job").startswith("job_") and new_id("job") != new_id("job")
    assert stable_id("chg", "intg_1", "resident_charges", "42") == stable_id(
        "chg", "intg_1", "resident_charges", "42"
    )
    assert stable_id("chg", "intg_1", "resident_charges", "42") != stable_id(
        "chg", "intg_2", "resident_charges", "42"
    )


def test_times() -> None:
    assert iso(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05.000Z"
    assert parse_datetime("2026-01-02") == datetime(2026, 1, 2, tzinfo=UTC)
    assert parse_datetime("2026-01-02T00:00:00-06:00") == datetime(2026, 1, 2, 6, tzinfo=UTC)


def test_order_by_parsing() -> None:
    assert parse_order_by("a:desc, b") == (("a", "desc"), ("b", "asc"))
    for bad in ("a:up", "a;drop table", ",", "a,b,c,d,e,f"):
        with pytest.raises(BadRequest):
            parse_order_by(bad)


def test_plain_schedule() -> None:
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert next_run(now, 12, "HOUR") == now + timedelta(hours=12)
    assert next_run(now, 5, "SECOND") == now + timedelta(minutes=1)  # never more often than a minute


def test_custom_weekly_schedule() -> None:
    schedule = validate_custom_schedule(
        {
            "type": "WEEK_BASED",
            "timezone": "America/Chicago",
            "interval": {
                "MONDAY": {
                    "slots": [{"start": "09:00", "end": "17:00", "sync_frequency": 2, "sync_cadence": "HOUR"}]
                }
            },
        }
    )
    monday_8am_chicago = datetime(2026, 3, 2, 14, tzinfo=UTC)  # 08:00 CST
    assert next_run(monday_8am_chicago, 12, "HOUR", schedule) == datetime(2026, 3, 2, 15, tzinfo=UTC)
    monday_10am = datetime(2026, 3, 2, 16, tzinfo=UTC)
    assert next_run(monday_10am, 12, "HOUR", schedule) == datetime(2026, 3, 2, 18, tzinfo=UTC)
    monday_4pm = datetime(2026, 3, 2, 22, tzinfo=UTC)  # 16:00: the next slot step would pass 17:00
    # Next Monday 09:00 in Chicago, which is on daylight time by then (14:00 UTC, not 15:00).
    assert next_run(monday_4pm, 12, "HOUR", schedule) == datetime(2026, 3, 9, 14, tzinfo=UTC)


def test_outbound_urls() -> None:
    assert check_outbound_url("u", "http://127.0.0.1:8100/", allow_private=True) == "http://127.0.0.1:8100"
    for bad in ("ftp://x.example", "http://user:pw@x.example", "https://x.example/?q=1", "notaurl"):
        with pytest.raises(BadRequest):
            check_outbound_url("u", bad, allow_private=True)
    for private in (
        "https://127.0.0.1",
        "https://10.0.0.8",
        "https://169.254.169.254",
        "http://api.example.com",
    ):
        with pytest.raises(BadRequest):
            check_outbound_url("u", private, allow_private=False)
