"""Checks that vendors' write rules (`OperationRules`) declare alike.

A vendor's `rules.py` states what it accepts; the checks that read the same at every vendor
(an amount greater than 0, text no longer than the vendor's field, a schedule that does not end
before it starts) are written once here, so each vendor's rules name only their own limits.
A field check returns the problem ("must be greater than 0") or None; a cross-field check
returns (field, problem) pairs, empty when the request is fine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pmsgate.kit.timeutil import parse_datetime

Check = Callable[[Any], str | None]
Problems = list[tuple[str, str]]


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def positive(value: Any) -> str | None:
    """An amount in cents greater than 0."""
    return None if _whole_number(value) and value > 0 else "must be greater than 0"


def non_negative(value: Any) -> str | None:
    """An amount in cents of 0 or more."""
    return None if _whole_number(value) and value >= 0 else "must be greater than or equal to 0"


def at_most(limit: int, where: str) -> Check:
    """Text of at most `limit` characters (`where` names the PMS in the message)."""

    def check(value: Any) -> str | None:
        return None if len(str(value)) <= limit else f"must be at most {limit} characters at {where}"

    return check


def amount_and_text(where: str, **limits: int) -> dict[str, Check]:
    """The checks most vendors declare for every write: a positive amount_in_cents, then each named
    text field at most its limit of characters (checked, and so reported, in the order given)."""
    return {"amount_in_cents": positive, **{name: at_most(limit, where) for name, limit in limits.items()}}


def code(value: Any) -> Any:
    """An enum member's value (the generic body holds members); any other value as it is."""
    return getattr(value, "value", value)


def end_not_before_start(given: Mapping[str, Any]) -> Problems:
    """end_date, when both are given, is not before start_date (compared by calendar day)."""
    start, end = given.get("start_date"), given.get("end_date")
    if start is None or end is None:
        return []
    try:
        reversed_ = parse_datetime(str(end)).date() < parse_datetime(str(start)).date()
    except ValueError:  # the body's own validation reports unreadable dates
        return []
    return [("end_date", "must not be before start_date")] if reversed_ else []


def start_date_for_daily_and_weekly(given: Mapping[str, Any], who: str) -> Problems:
    """start_date is required for a DAILY or WEEKLY schedule (`who` names the PMS)."""
    frequency = code(given.get("frequency_normalized"))
    if frequency in ("DAILY", "WEEKLY") and given.get("start_date") is None:
        return [("start_date", f"{who} requires start_date for a {frequency} recurring charge")]
    return []
