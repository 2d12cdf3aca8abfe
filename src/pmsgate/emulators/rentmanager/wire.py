"""Rent Manager 12's native formats: local timestamps without offset, JSON-number money, and its
two error shapes (`ErrorModel` for auth/412/409/500, `{Message, ModelState}` for a bad query)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import Response

from pmsgate.emulators.errors import VendorError
from pmsgate.emulators.seeding import month_start, this_month

# The company's clock: RM answers local wall-clock times with no offset.
COMPANY_TZ = ZoneInfo("America/New_York")
# Seed data is anchored at local midnight on the first of the current month (seeding.this_month):
# the ledger ends the month before, so a sync's 365-day window always finds recent data, and within
# a month every run (and every machine) sees identical records.
BASE = datetime.combine(this_month(), time())
# Accounting periods up to and including this day are hard-closed (412 without IgnoreHardClose):
# everything before the quarter that ends with the ledger's last month.
HARD_CLOSE_THROUGH = month_start(BASE.date(), 3) - timedelta(days=1)
# RecurringCharges.Frequency is an integer enum (a Java SDK models it as Integer; a client verified
# against the live API reads 1 as monthly and 0 as one-time). The other numbers are inferred.
FREQUENCIES: dict[int, str] = {
    0: "OneTime",
    1: "Monthly",
    2: "Weekly",
    3: "Daily",
    4: "Quarterly",
    5: "Yearly",
}
_HRESULT = {400: -2146233088, 401: -2147024891, 404: -2146232969, 409: -2146233087, 412: -2146233079}


class RMError(VendorError):
    """An error RM answers with, rendered as its `ErrorModel`."""

    def response(self) -> Response:
        body = {
            "DeveloperMessage": self.message,
            "UserMessage": self.message,
            "ErrorCode": _HRESULT.get(self.status, -2146233088),
            "Exception": None,
            "MoreInfoUri": None,
        }
        return rm_json(body, self.status, self.headers)


class QueryError(RMError):
    """A query RM cannot parse: answered as `{Message, ModelState}` (400)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(400, message)
        self.field = field

    def response(self) -> Response:
        body = {"Message": "The request is invalid.", "ModelState": {self.field: [self.message]}}
        return rm_json(body, 400, self.headers)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # RM's amounts are JSON numbers; an integral Decimal still renders with its cents.
        return float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def rm_json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, default=_default, separators=(",", ":"))
    return Response(content, status_code=status, headers=headers, media_type="application/json")


def stamp(value: datetime) -> str:
    """A local wall-clock time as RM writes it: '2026-03-01T09:15:00'."""
    return value.replace(microsecond=0, tzinfo=None).isoformat()


def day(value: date) -> str:
    """A date as RM writes it: midnight local, '2026-03-01T00:00:00'."""
    return f"{value.isoformat()}T00:00:00"


def now_local() -> datetime:
    return datetime.now(COMPANY_TZ).replace(tzinfo=None)


def parse_local(value: Any, field: str) -> datetime:
    """'2026-03-01', '2026-03-01T09:15:00' or an offset time (converted to company time)."""
    if not isinstance(value, str) or not value:
        raise RMError(400, f"{field} is required and must be a date")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RMError(400, f"{field}: '{value}' is not a valid date") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(COMPANY_TZ).replace(tzinfo=None)
    return parsed


def amount(value: Any, field: str = "Amount") -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RMError(400, f"{field} must be a number")
    try:
        parsed = Decimal(str(value))
    except ArithmeticError:
        raise RMError(400, f"{field}: '{value}' is not a number") from None
    if not parsed.is_finite() or parsed != parsed.quantize(Decimal("0.01")):
        raise RMError(400, f"{field} must have at most two decimals")
    return parsed


def later(value: datetime, **delta: float) -> datetime:
    return value + timedelta(**delta)
