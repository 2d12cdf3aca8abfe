"""Rentvine's native formats: YYYY-MM-DD dates, 'YYYY-MM-DD HH:MM:SS' timestamps in the
company's local wall-clock time without offset (vendor-apis.md §11: public clients see no offset),
decimal-string money, and JSON error bodies `{"message": ..., "errors": {field: text}}`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import JSONResponse

from pmsgate.emulators.errors import VendorError
from pmsgate.emulators.seeding import this_month
from pmsgate.kit.money import cents_to_decimal_str

# The emulated company's clock (a connector is told the zone in its credentials).
COMPANY_TZ = ZoneInfo("America/New_York")
# Seed data is anchored at noon UTC on the first of the current month (seeding.this_month): its
# ledger runs to this month, so a sync's 365-day window always finds recent data, and within a
# month every run (and every machine) sees identical records.
BASE = datetime.combine(this_month(), time(12), UTC)
TODAY = BASE.date()

_MONEY = re.compile(r"^-?\d{1,9}(\.\d{1,2})?$")
_US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


class RentvineError(VendorError):
    """An error Rentvine answers with (`errors`: `field_errors`, when there are any)."""

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"message": self.message}
        if self.field_errors:
            body["errors"] = self.field_errors
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def invalid(field: str, text: str) -> RentvineError:
    return RentvineError(422, "The given data was invalid.", field_errors={field: text})


def stamp(moment: datetime) -> str:
    """An instant as Rentvine writes it: the company's wall clock, no offset."""
    return moment.astimezone(COMPANY_TZ).strftime("%Y-%m-%d %H:%M:%S")


def parse_stamp(text: str) -> datetime:
    """'2025-03-01 09:15:00' (company time), or ISO-8601 with an offset -> an aware instant."""
    value = text.strip().replace("T", " ")
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=COMPANY_TZ) if parsed.tzinfo is None else parsed.astimezone(UTC)


def ymd(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_day(text: Any) -> date:
    """YYYY-MM-DD; MM/DD/YYYY is accepted too (Rentvine's own UI posts that form)."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a date")
    match = _US_DATE.match(text.strip())
    if match:
        month, day, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text.strip())


def money(cents: int) -> str:
    return cents_to_decimal_str(cents)


def parse_money(value: Any) -> int:
    """A decimal string or number ('1450.00', 25.5) to cents; anything else raises ValueError."""
    text = str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
    if not _MONEY.match(text):
        raise ValueError(f"{value!r} is not a decimal amount")
    whole, _, frac = text.lstrip("-").partition(".")
    cents = int(whole) * 100 + int((frac + "00")[:2])
    return -cents if text.startswith("-") else cents
