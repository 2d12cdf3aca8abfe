"""SamplePMS v2's native formats: US dates, Chicago-offset timestamps, decimal-string money,
base64 cursors and `{"fault": {...}}` error bodies."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from starlette.responses import JSONResponse

from pmsgate.emulators.errors import VendorError
from pmsgate.emulators.seeding import this_month
from pmsgate.kit.money import cents_to_decimal_str

# Seed data is anchored at the start of the current month, midnight in Chicago (seeding.this_month).
BASE = datetime.combine(this_month(), time(6), UTC)

_US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_MONEY = re.compile(r"^-?\d{1,9}(\.\d{1,2})?$")
_CST = timedelta(hours=-6)
_CDT = timedelta(hours=-5)


class FaultError(VendorError):
    """An error the vendor answers with; rendered as `{"fault": {code, text, field?}}`."""

    def __init__(
        self,
        status: int,
        code: str,
        text: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, text, headers)
        self.code = code
        self.text = text
        self.field = field

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"code": self.code, "text": self.text}
        if self.field is not None:
            body["field"] = self.field
        return JSONResponse({"fault": body}, status_code=self.status, headers=self.headers)


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def chicago_offset(moment: datetime) -> timedelta:
    """America/Chicago's UTC offset at `moment`, by the US rules in force since 2007.

    Computed rather than read from zoneinfo so the seed is identical on hosts without tzdata.
    """
    utc = moment.astimezone(UTC)
    starts, ends = _daylight_saving(utc.year)
    return _CDT if starts <= utc < ends else _CST


@lru_cache(maxsize=64)
def _daylight_saving(year: int) -> tuple[datetime, datetime]:
    # DST starts 02:00 CST on the second Sunday of March (08:00 UTC) and ends 02:00 CDT on the
    # first Sunday of November (07:00 UTC).
    starts = datetime.combine(_nth_sunday(year, 3, 2), datetime.min.time(), UTC) + timedelta(hours=8)
    ends = datetime.combine(_nth_sunday(year, 11, 1), datetime.min.time(), UTC) + timedelta(hours=7)
    return starts, ends


def stamp(moment: datetime) -> str:
    """An instant as SamplePMS writes it: '2025-03-01T09:15:00-06:00'."""
    offset = chicago_offset(moment)
    local = moment.astimezone(UTC).replace(microsecond=0) + offset
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    sign = "-" if hours < 0 else "+"
    return f"{local.replace(tzinfo=None).isoformat()}{sign}{abs(hours):02d}:{rest // 60:02d}"


def parse_stamp(text: str) -> datetime:
    """ISO-8601 with an explicit offset (or Z); a naive value is ambiguous and refused."""
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return parsed


def local_day(moment: datetime) -> date:
    """The calendar day in Chicago at `moment` (what the PMS prints on a ledger line)."""
    return (moment.astimezone(UTC) + chicago_offset(moment)).date()


def us_date(value: date) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def parse_us_date(text: str) -> date:
    match = _US_DATE.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a MM/DD/YYYY date")
    month, day, year = (int(g) for g in match.groups())
    return date(year, month, day)


def money(cents: int) -> str:
    return cents_to_decimal_str(cents)


def parse_money(text: str) -> int:
    """A decimal string ('1450.00', '-25.5') to cents; anything else raises ValueError."""
    if not isinstance(text, str) or not _MONEY.match(text.strip()):
        raise ValueError(f"{text!r} is not a decimal amount")
    whole, _, frac = text.strip().lstrip("-").partition(".")
    cents = int(whole) * 100 + int((frac + "00")[:2])
    return -cents if text.strip().startswith("-") else cents


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        if not text.isdigit():
            raise ValueError(cursor)
        return int(text)
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise ValueError(f"bad cursor {cursor!r}") from exc
