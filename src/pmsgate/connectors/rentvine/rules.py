"""What Rentvine accepts for each write, in generic field names (propexo-behaviour.md §2).

Every write is lease-anchored and answers with the created record, so every operation returns
its id. Rentvine has no batch charge call and no charge codes (charges post to accounts).

Limits surfaced here so a request is refused at once, naming the field: text of at most 231
characters (Rentvine's description holds 255 and pmsgate appends its marker, " [PMSG-…]", to
find the write again); recurring schedules count in whole months.
Rules only Rentvine can check (a payment's account must be a bank account, its payer the lease's
primary tenant) come back as the vendor's refusal in the write job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pmsgate.connectors.constraints import Check, Problems, amount_and_text, code, end_not_before_start
from pmsgate.connectors.markers import MARKER_ROOM
from pmsgate.connectors.writes import OperationRules, WriteOperation, accepts

DESCRIPTION_LIMIT = 255
TEXT_LIMIT = DESCRIPTION_LIMIT - MARKER_ROOM


def _monthly(value: Any) -> str | None:
    return (
        None if code(value) == "MONTHLY" else "Rentvine schedules recurring charges in months: only MONTHLY"
    )


def _schedule(given: Mapping[str, Any]) -> Problems:
    problems = end_not_before_start(given)
    raw, normalized = given.get("frequency_raw"), given.get("frequency_normalized")
    if raw is not None and normalized is not None and raw != 1:
        problems.append(("frequency_raw", "a MONTHLY frequency_normalized means frequency_raw 1"))
    return problems


_CONSTRAINTS: dict[str, Check] = {
    **amount_and_text("Rentvine", description=TEXT_LIMIT, reference_number=DESCRIPTION_LIMIT),
    "frequency_normalized": _monthly,
}

_LEDGER = accepts(
    "lease_id financial_account_id amount_in_cents transaction_date description",
    constraints=_CONSTRAINTS,
    notes="Posts to the lease's ledger against the given account (Rentvine has no charge codes).",
)

RENTVINE_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: _LEDGER,
    WriteOperation.CREATE_RESIDENT_CREDIT: replace(
        _LEDGER, notes="Read back as a charge with a negative amount."
    ),
    WriteOperation.CREATE_RESIDENT_PAYMENT: accepts(
        "lease_id financial_account_id resident_id amount_in_cents payment_type transaction_date",
        "description reference_number send_email_receipt",
        constraints=_CONSTRAINTS,
        notes="financial_account_id must be a bank account and resident_id the lease's primary "
        "resident (resident_type_normalized PRIMARY); Rentvine refuses anything else.",
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: accepts(
        "lease_id financial_account_id amount_in_cents description day_due start_date",
        "end_date frequency_raw frequency_normalized",
        constraints=_CONSTRAINTS,
        check=_schedule,
        notes="frequency_raw is the number of months between charges (1-24, default 1).",
    ),
    WriteOperation.UPDATE_RECURRING_CHARGE: accepts(
        "amount_in_cents",
        "description start_date end_date charge_due_day financial_account_id frequency_normalized",
        constraints=_CONSTRAINTS,
        check=_schedule,
        notes="Rentvine updates by POST to the charge; only the fields sent change.",
    ),
}
