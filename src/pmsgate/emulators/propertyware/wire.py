"""Propertyware's native formats: `YYYY-MM-DD` dates, UTC date-times
(`YYYY-MM-dd'T'HH:mm:ssXXX`), money as JSON numbers, and `ErrorResponse` bodies."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from starlette.responses import JSONResponse

from pmsgate.emulators.errors import VendorError
from pmsgate.emulators.seeding import this_month

# Seed data is anchored at noon UTC on the first of the current month (seeding.this_month): its
# ledger runs to this month, so a sync's 365-day window always finds recent data, and within a
# month every run (and every machine) sees identical records.
BASE = datetime.combine(this_month(), time(12), UTC)
ERROR_CODE = "1001"  # Propertyware answers every error with this errorCode


class PwError(VendorError):
    """An error the vendor answers with, as `ErrorResponse{errorCode, errors[{key, message}],
    userMessage}`."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, message, headers)
        self.errors = errors or []

    def response(self) -> JSONResponse:
        body = {
            "errorCode": ERROR_CODE,
            "errors": [{"key": key, "message": text} for key, text in self.errors],
            "userMessage": self.message,
        }
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def bad_request(key: str, message: str) -> PwError:
    return PwError(400, message, errors=[(key, message)])


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# The date-time forms a query filter takes. The spec writes `YYYY-MM-dd'T'HH:mm:ssXXX` (UTC), and
# public clients send `lastModifiedDateTimeStart` in several forms (vendor-apis.md §11): with `Z`
# or an offset (`+00:00`, `+0000`; a `+` not URL-encoded arrives as a space), with fractional
# seconds, without an offset (read as UTC, as the spec's date-times are), with a space for the
# `T`, or a bare date (its midnight UTC). Which of these the live API takes is inferred.
_STAMP = re.compile(
    r"^(?P<day>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)"
    r"(?P<zone>Z|z|[+\- ]\d{2}:?\d{2})?)?$"
)
STAMP_FORMS = (
    "yyyy-MM-dd'T'HH:mm:ssXXX (e.g. 2022-06-28T08:47:13Z; fractional seconds, no offset or a date "
    "alone also work)"
)


def parse_stamp(text: str, key: str) -> datetime:
    """A date-time in any of the forms above -> an aware UTC datetime; anything else is a 400."""
    match = _STAMP.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise bad_request(key, f"{key}: {text!r} is not a date-time; use {STAMP_FORMS}")
    time = match["time"] or "00:00"
    fraction = ""
    if "." in time:
        time, fraction = time.split(".")
    zone = match["zone"] or "+00:00"
    zone = "+00:00" if zone in ("Z", "z") else ("+" + zone[1:] if zone[0] == " " else zone)
    if ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    try:
        parsed = datetime.fromisoformat(f"{match['day']}T{time}{zone}")
    except ValueError:  # e.g. month 13, hour 25
        raise bad_request(key, f"{key}: {text!r} is not a valid date-time; use {STAMP_FORMS}") from None
    micros = int((fraction + "000000")[:6]) if fraction else 0
    return parsed.replace(microsecond=micros).astimezone(UTC)


def parse_query_day(text: str, key: str) -> date:
    """A date filter (`postDateStart`, …): `yyyy-MM-dd`, or a date-time whose calendar date is
    taken as written; anything else is a 400."""
    match = _STAMP.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise bad_request(key, f"{key}: {text!r} is not a date; use yyyy-MM-dd (e.g. 2019-08-24)")
    try:
        return date.fromisoformat(match["day"])
    except ValueError:
        raise bad_request(key, f"{key}: {text!r} is not a valid date; use yyyy-MM-dd") from None


def parse_day(value: Any, key: str) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise bad_request(key, f"{key} must be formatted yyyy-MM-dd")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad_request(key, f"{key} must be formatted yyyy-MM-dd") from None


def dollars(cents: int) -> float:
    """Propertyware's amounts are doubles; cents / 100 serialises as the exact decimal."""
    return cents / 100


def cents(value: Any, key: str) -> int:
    """An amount from a request body: a JSON number with at most two decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(key, f"{key} must be a number")
    scaled = round(value * 100)
    if abs(scaled - value * 100) > 1e-6:
        raise bad_request(key, f"{key} must have at most two decimals")
    return int(scaled)
