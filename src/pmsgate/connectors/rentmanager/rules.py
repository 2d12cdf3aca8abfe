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

from collections.abc import Callable, Mapping
from typing import Any

from pmsgate.connectors.writes import OperationRules, WriteOperation
from pmsgate.kit.timeutil import parse_datetime

COMMENT_LIMIT = 255
REF_LIMIT = 40
MARKER_ROOM = 24  # " [PMSG-" + 16 characters + "]"
TEXT_LIMIT = COMMENT_LIMIT - MARKER_ROOM
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")

NO_ID_NOTE = (
    "Rent Manager does not return the id of a created charge or credit: the job succeeds without "
    "created_record_id and the record arrives with the next sync (its notes carry the job's marker)."
)


def _positive(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return None if ok else "must be greater than 0"


def _at_most(limit: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if len(str(value)) <= limit else f"must be at most {limit} characters at Rent Manager"

    return check


def _frequency(value: Any) -> str | None:
    value = getattr(value, "value", value)
    return None if value in FREQUENCIES else f"Rent Manager accepts {', '.join(FREQUENCIES)}"


def schedule_check(given: Mapping[str, Any]) -> list[tuple[str, str]]:
    """start_date is required for DAILY and WEEKLY schedules; end_date not before start_date."""
    problems: list[tuple[str, str]] = []
    frequency = getattr(given.get("frequency_normalized"), "value", given.get("frequency_normalized"))
    if frequency in ("DAILY", "WEEKLY") and given.get("start_date") is None:
        problems.append(
            ("start_date", f"Rent Manager requires start_date for a {frequency} recurring charge")
        )
    start, end = given.get("start_date"), given.get("end_date")
    if start is not None and end is not None:
        try:
            if parse_datetime(str(end)).date() < parse_datetime(str(start)).date():
                problems.append(("end_date", "must not be before start_date"))
        except ValueError:  # the body's own validation reports unreadable dates
            pass
    return problems


_TEXT: dict[str, Callable[[Any], str | None]] = {
    "amount_in_cents": _positive,
    "reference_number": _at_most(REF_LIMIT),
    "notes": _at_most(TEXT_LIMIT),
    "description": _at_most(TEXT_LIMIT),
}
_SCHEDULE = {**_TEXT, "frequency_normalized": _frequency}

_LEDGER = OperationRules(
    required=frozenset(
        {"resident_id", "charge_code_id", "transaction_date", "notes", "amount_in_cents", "reference_number"}
    ),
    returns_id=False,
    constraints=_TEXT,
    notes=NO_ID_NOTE,
)

WRITE_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: _LEDGER,
    WriteOperation.CREATE_RESIDENT_CREDIT: _LEDGER,
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: OperationRules(
        required=_LEDGER.required,
        returns_id=False,
        constraints=_TEXT,
        notes="All charges must resolve to the same Rent Manager location; use separate requests for "
        "charges in different locations. " + NO_ID_NOTE,
    ),
    WriteOperation.CREATE_RESIDENT_PAYMENT: OperationRules(
        required=frozenset(
            {"resident_id", "transaction_date", "notes", "amount_in_cents", "reference_number"}
        ),
        optional=frozenset({"charge_code_id", "allocate_prepays"}),
        constraints=_TEXT,
        notes="Applied to the tenant's open charges, oldest first (only those of charge_code_id when "
        "given); allocate_prepays is passed to Rent Manager.",
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: OperationRules(
        required=frozenset({"resident_id", "charge_code_id", "amount_in_cents", "frequency_normalized"}),
        optional=frozenset({"description", "start_date", "end_date"}),
        constraints=_SCHEDULE,
        check=schedule_check,
        notes="start_date is required for DAILY and WEEKLY schedules.",
    ),
    WriteOperation.UPDATE_RECURRING_CHARGE: OperationRules(
        required=frozenset({"charge_code_id"}),
        optional=frozenset(
            {"amount_in_cents", "frequency_normalized", "description", "start_date", "end_date"}
        ),
        constraints=_SCHEDULE,
        check=schedule_check,
        notes="Only the fields sent change; pmsgate sends the schedule's current UpdateDate (RM's "
        "concurrency check) and re-reads once if another user changed it meanwhile.",
    ),
}
