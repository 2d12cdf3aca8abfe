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

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pmsgate.connectors.constraints import (
    Problems,
    at_most,
    code,
    end_not_before_start,
    non_negative,
    positive,
)
from pmsgate.connectors.writes import OperationRules, WriteOperation, accepts

AUTOCHARGE_REF_LIMIT = 35  # SaveAutoCharge.referenceNumber maxLength


def _no_daily(value: Any) -> str | None:
    if code(value) == "DAILY":
        return "Propertyware auto charges are WEEKLY or MONTHLY, never DAILY"
    return None


def _schedule(given: Mapping[str, Any]) -> Problems:
    """dueDay: 1-7 (a weekday) for WEEKLY, 1-31 otherwise; end_date not before start_date."""
    problems: Problems = []
    day = given.get("charge_due_day")
    if code(given.get("frequency_normalized")) == "WEEKLY" and isinstance(day, int) and not 1 <= day <= 7:
        problems.append(("charge_due_day", "must be between 1 and 7 for a WEEKLY auto charge"))
    return problems + end_not_before_start(given)


_CHARGE = accepts(
    "lease_id financial_account_id amount_in_cents transaction_date",
    "description reference_number",
    constraints={"amount_in_cents": non_negative},
    notes="financial_account_id is the GL account the charge posts to (Propertyware has no charge codes).",
)

PROPERTYWARE_REST_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: _CHARGE,
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: replace(
        _CHARGE,
        returns_id=False,
        notes="Due to API restrictions, we cannot read data back after being written for bulk charge "
        "requests. Use the single-charge create endpoint if you need the created record ID.",
    ),
    WriteOperation.CREATE_RESIDENT_CREDIT: accepts(
        "lease_id amount_in_cents transaction_date",
        "description reference_number",
        constraints={"amount_in_cents": positive},
        notes="Posted as a Propertyware lease adjustment with a negative amount.",
    ),
    WriteOperation.CREATE_RESIDENT_PAYMENT: accepts(
        "lease_id resident_id financial_account_id amount_in_cents transaction_date payment_type "
        "reference_number",
        "description",
        constraints={"amount_in_cents": positive},
        notes="financial_account_id is the bank GL account the payment is deposited to; resident_id "
        "must be a tenant on the lease. The deposit date is the transaction date.",
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: accepts(
        "lease_id financial_account_id amount_in_cents charge_due_day start_date frequency_normalized",
        "end_date description reference_number",
        constraints={
            "amount_in_cents": positive,
            "frequency_normalized": _no_daily,
            "reference_number": at_most(AUTOCHARGE_REF_LIMIT, "Propertyware"),
        },
        check=_schedule,
        notes="charge_due_day is a weekday (1-7) for WEEKLY schedules and a day of the month (1-31) "
        "for MONTHLY ones.",
    ),
}
