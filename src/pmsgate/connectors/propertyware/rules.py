"""What PROPERTYWARE_REST accepts for each write, in generic field names (Propexo's rules for
"Propertyware REST", checked against Propertyware's Save* schemas).

Every write is lease-anchored and answers with the created record, so created ids are returned,
except for the bulk charge call (Propexo: "we cannot read data back after being written for bulk
charge requests"). Credits are Propertyware lease adjustments (`POST /leases/adjustments`, the
only credit-like write the spec has that needs no discount GL account); their GL account is
Propertyware's own, so financial_account_id is not accepted. Auto charges cannot be updated
through the API (the spec has no PUT), so UPDATE_RECURRING_CHARGE is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pmsgate.connectors.writes import OperationRules, WriteOperation
from pmsgate.kit.timeutil import parse_datetime

AUTOCHARGE_REF_LIMIT = 35  # SaveAutoCharge.referenceNumber maxLength


def _at_least(minimum: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return None
        return "must be greater than or equal to 0" if minimum == 0 else "must be greater than 0"

    return check


def _at_most(limit: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if len(str(value)) <= limit else f"must be at most {limit} characters at Propertyware"

    return check


def _no_daily(value: Any) -> str | None:
    key = getattr(value, "value", value)
    return "Propertyware auto charges are WEEKLY or MONTHLY, never DAILY" if key == "DAILY" else None


def _schedule(given: Mapping[str, Any]) -> list[tuple[str, str]]:
    """dueDay: 1-7 (a weekday) for WEEKLY, 1-31 otherwise; end_date not before start_date."""
    problems: list[tuple[str, str]] = []
    frequency = getattr(given.get("frequency_normalized"), "value", given.get("frequency_normalized"))
    day = given.get("charge_due_day")
    if frequency == "WEEKLY" and isinstance(day, int) and not 1 <= day <= 7:
        problems.append(("charge_due_day", "must be between 1 and 7 for a WEEKLY auto charge"))
    start, end = given.get("start_date"), given.get("end_date")
    if start is not None and end is not None:
        try:
            if parse_datetime(str(end)).date() < parse_datetime(str(start)).date():
                problems.append(("end_date", "must not be before start_date"))
        except ValueError:  # the body's own validation reports unreadable dates
            pass
    return problems


_CHARGE = OperationRules(
    required=frozenset({"lease_id", "financial_account_id", "amount_in_cents", "transaction_date"}),
    optional=frozenset({"description", "reference_number"}),
    constraints={"amount_in_cents": _at_least(0)},
    notes="financial_account_id is the GL account the charge posts to (Propertyware has no charge codes).",
)

PROPERTYWARE_REST_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: _CHARGE,
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: OperationRules(
        required=_CHARGE.required,
        optional=_CHARGE.optional,
        constraints=_CHARGE.constraints,
        returns_id=False,
        notes="Due to API restrictions, we cannot read data back after being written for bulk charge "
        "requests. Use the single-charge create endpoint if you need the created record ID.",
    ),
    WriteOperation.CREATE_RESIDENT_CREDIT: OperationRules(
        required=frozenset({"lease_id", "amount_in_cents", "transaction_date"}),
        optional=frozenset({"description", "reference_number"}),
        constraints={"amount_in_cents": _at_least(1)},
        notes="Posted as a Propertyware lease adjustment with a negative amount.",
    ),
    WriteOperation.CREATE_RESIDENT_PAYMENT: OperationRules(
        required=frozenset(
            {"lease_id", "resident_id", "financial_account_id", "amount_in_cents", "transaction_date"}
            | {"payment_type", "reference_number"}
        ),
        optional=frozenset({"description"}),
        constraints={"amount_in_cents": _at_least(1)},
        notes="financial_account_id is the bank GL account the payment is deposited to; resident_id "
        "must be a tenant on the lease. The deposit date is the transaction date.",
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: OperationRules(
        required=frozenset(
            {"lease_id", "financial_account_id", "amount_in_cents", "charge_due_day", "start_date"}
            | {"frequency_normalized"}
        ),
        optional=frozenset({"end_date", "description", "reference_number"}),
        constraints={
            "amount_in_cents": _at_least(1),
            "frequency_normalized": _no_daily,
            "reference_number": _at_most(AUTOCHARGE_REF_LIMIT),
        },
        check=_schedule,
        notes="charge_due_day is a weekday (1-7) for WEEKLY schedules and a day of the month (1-31) "
        "for MONTHLY ones.",
    ),
}
