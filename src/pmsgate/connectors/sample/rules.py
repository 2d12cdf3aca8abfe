"""What SAMPLE1 and SAMPLE2 accept for each write, declared in generic field names.

SAMPLE1 is lease-anchored and answers every create with the new record's id. SAMPLE2 behaves
like a resident-anchored vendor (Rent Manager's shape): a charge or credit names the resident,
needs notes and a reference number, and its import interface does not return the created id.

SamplePMS's own limits surface here so a request is refused at once, naming the field, instead
of failing at the PMS: a reference number of at most 40 characters, and text of at most 231
(the memo holds 255, and pmsgate may append its marker, " [PMSG-…]", to find the write later).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.constraints import (
    Problems,
    amount_and_text,
    end_not_before_start,
    start_date_for_daily_and_weekly,
)
from pmsgate.connectors.markers import MARKER_ROOM
from pmsgate.connectors.writes import OperationRules, WriteOperation, accepts

MEMO_LIMIT = 255  # SamplePMS's memo
REF_LIMIT = 40  # SamplePMS's ref
TEXT_LIMIT = MEMO_LIMIT - MARKER_ROOM

NO_ID_NOTE = (
    "SAMPLE2 does not return the id of a created charge or credit: the write job succeeds without "
    "created_record_id, and the record arrives with the next data sync (find it by reference_number)."
)


def _sample2_recurring(given: Mapping[str, Any]) -> Problems:
    return end_not_before_start(given) + start_date_for_daily_and_weekly(given, "SAMPLE2")


_AMOUNT_AND_TEXT = amount_and_text(
    "this PMS", reference_number=REF_LIMIT, description=TEXT_LIMIT, notes=TEXT_LIMIT
)

_UPDATE_RECURRING = accepts(
    required="",
    optional="amount_in_cents description end_date start_date charge_due_day frequency_normalized is_active "
    "reference_number charge_code_id financial_account_id",
    constraints=_AMOUNT_AND_TEXT,
    notes="Only the fields sent change; the PMS re-checks the whole schedule "
    "(end_date not before start_date).",
)

_SAMPLE1_LEDGER = accepts(
    "lease_id charge_code_id amount_in_cents transaction_date",
    "financial_account_id description reference_number resident_id",
    constraints=_AMOUNT_AND_TEXT,
    notes="financial_account_id defaults to the charge code's income account; resident_id to the head "
    "of household.",
)

SAMPLE1_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: _SAMPLE1_LEDGER,
    WriteOperation.CREATE_RESIDENT_CREDIT: _SAMPLE1_LEDGER,
    WriteOperation.CREATE_RESIDENT_PAYMENT: accepts(
        "lease_id resident_id financial_account_id amount_in_cents transaction_date payment_type",
        "description reference_number",
        constraints=_AMOUNT_AND_TEXT,
        notes="financial_account_id must be a bank account; the payment is applied to the lease's "
        "oldest open charges.",
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: accepts(
        "lease_id charge_code_id amount_in_cents frequency_normalized start_date",
        "end_date description charge_due_day financial_account_id reference_number is_active",
        constraints=_AMOUNT_AND_TEXT,
        check=end_not_before_start,
    ),
    WriteOperation.UPDATE_RECURRING_CHARGE: _UPDATE_RECURRING,
}

_SAMPLE2_LEDGER = accepts(
    "resident_id charge_code_id amount_in_cents transaction_date notes reference_number",
    "description lease_id",
    returns_id=False,
    constraints=_AMOUNT_AND_TEXT,
    notes=NO_ID_NOTE + " The memo is the description, or the notes when no description is given.",
)

SAMPLE2_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: _SAMPLE2_LEDGER,
    WriteOperation.CREATE_RESIDENT_CREDIT: _SAMPLE2_LEDGER,
    WriteOperation.CREATE_RESIDENT_PAYMENT: accepts(
        "resident_id financial_account_id amount_in_cents transaction_date payment_type reference_number",
        "notes description lease_id",
        constraints=_AMOUNT_AND_TEXT,
        notes="financial_account_id must be a bank account; without lease_id the payment goes to the "
        "resident's current lease.",
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: accepts(
        "resident_id charge_code_id amount_in_cents frequency_normalized",
        "start_date end_date description lease_id",
        constraints=_AMOUNT_AND_TEXT,
        check=_sample2_recurring,
        notes="start_date is required for DAILY and WEEKLY schedules; a MONTHLY one without it starts on "
        "the first day of the next month.",
    ),
    # No UPDATE_RECURRING_CHARGE: SAMPLE2 models a PMS that cannot change a recurring charge through
    # its API (end it and create another), so pmsgate refuses the update at request time.
}

WRITE_RULES: dict[Vendor, dict[WriteOperation, OperationRules]] = {
    Vendor.SAMPLE1: SAMPLE1_RULES,
    Vendor.SAMPLE2: SAMPLE2_RULES,
}
