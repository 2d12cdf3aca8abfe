"""What Rent Manager accepts for each write, in generic field names (propexo-behaviour.md §2).

RM is resident-anchored: ledger writes name the tenant, and charges, credits and payments need
`notes` and `reference_number`. RM does not return the ids of created charges and credits
(they arrive with the next sync); payments and recurring charges are read back at once. A batch
of charges is one Save call and must stay within one RM location (checked at write time: the
rules see one item at a time).

Limits surfaced here so a request is refused naming the field, before reaching RM: Reference
holds 40 characters (inferred; the emulator enforces it) and Comment 255, of which pmsgate keeps
24 for its marker (" [PMSG-…]") to find the write again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pmsgate.connectors.constraints import (
    Problems,
    amount_and_text,
    code,
    end_not_before_start,
    start_date_for_daily_and_weekly,
)
from pmsgate.connectors.markers import MARKER_ROOM
from pmsgate.connectors.writes import OperationRules, WriteOperation, accepts

COMMENT_LIMIT = 255
REF_LIMIT = 40
TEXT_LIMIT = COMMENT_LIMIT - MARKER_ROOM
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")

NO_ID_NOTE = (
    "Rent Manager does not return the id of a created charge or credit: the job succeeds without "
    "created_record_id and the record arrives with the next sync (its notes carry the job's marker)."
)


def _frequency(value: Any) -> str | None:
    return None if code(value) in FREQUENCIES else f"Rent Manager accepts {', '.join(FREQUENCIES)}"


def schedule_check(given: Mapping[str, Any]) -> Problems:
    """start_date is required for DAILY and WEEKLY schedules; end_date not before start_date."""
    return start_date_for_daily_and_weekly(given, "Rent Manager") + end_not_before_start(given)


_TEXT = amount_and_text("Rent Manager", reference_number=REF_LIMIT, notes=TEXT_LIMIT, description=TEXT_LIMIT)
_SCHEDULE = {**_TEXT, "frequency_normalized": _frequency}

_LEDGER = accepts(
    "resident_id charge_code_id transaction_date notes amount_in_cents reference_number",
    returns_id=False,
    constraints=_TEXT,
    notes=NO_ID_NOTE,
)

WRITE_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: _LEDGER,
    WriteOperation.CREATE_RESIDENT_CREDIT: _LEDGER,
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: replace(
        _LEDGER,
        notes="All charges must resolve to the same Rent Manager location; use separate requests for "
        "charges in different locations. " + NO_ID_NOTE,
    ),
    WriteOperation.CREATE_RESIDENT_PAYMENT: accepts(
        "resident_id transaction_date notes amount_in_cents reference_number",
        "charge_code_id allocate_prepays",
        constraints=_TEXT,
        notes="Applied to the tenant's open charges, oldest first (only those of charge_code_id when "
        "given); allocate_prepays is passed to Rent Manager.",
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: accepts(
        "resident_id charge_code_id amount_in_cents frequency_normalized",
        "description start_date end_date",
        constraints=_SCHEDULE,
        check=schedule_check,
        notes="start_date is required for DAILY and WEEKLY schedules.",
    ),
    WriteOperation.UPDATE_RECURRING_CHARGE: accepts(
        "charge_code_id",
        "amount_in_cents frequency_normalized description start_date end_date",
        constraints=_SCHEDULE,
        check=schedule_check,
        notes="Only the fields sent change; pmsgate sends the schedule's current UpdateDate (RM's "
        "concurrency check) and re-reads once if another user changed it meanwhile.",
    ),
}
