"""What ENTRATA accepts for each write, in generic field names (propexo-behaviour.md §2, §3).

- Charge (`artransactions.sendLeaseArTransactions`): lease, AR code, date, amount and description
  are required. The amount is signed: "A positive charge represents an increase of money owed.
  A negative charge represents a reduction of money owed" (so 0 is refused). transaction_date
  keeps only its day, post_month only its month and year. third_party_charge_id becomes the
  transaction's `transactionId` (pmsgate's marker when absent); it is not the id of the ledger
  transaction Entrata creates, which the answer does not name: the record arrives with the next
  sync.
- Credit: the same call with the amount negated (Propexo publishes no Entrata credit page; the
  generic credit's positive amount is sent as a reduction of money owed).
- Recurring charge (`leases.sendScheduledCharges`): dates go as MM/DD/YYYY; charge_timing_id and
  charge_code_type_id are Entrata's own ids (its pick lists); the answer names the new scheduled
  charge.
- Payments: not supported (Propexo answers 405: "lack of upstream support"). No update of a
  recurring charge, no batch call.
"""

from __future__ import annotations

from typing import Any

from pmsgate.connectors.constraints import at_most, end_not_before_start, positive
from pmsgate.connectors.writes import OperationRules, WriteOperation, accepts

TRANSACTION_ID_LIMIT = 50


def nonzero(value: Any) -> str | None:
    """A signed amount in cents other than 0."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    return None if whole and value != 0 else "must be a whole number of cents other than 0"


def entrata_id(value: Any) -> str | None:
    """One of Entrata's integer ids (its pick-list ids are not synced, so they come as given)."""
    return None if str(value).isdigit() else "must be an Entrata id (digits)"


_LEDGER = "lease_id charge_code_id transaction_date amount_in_cents description"

ENTRATA_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: accepts(
        _LEDGER,
        "post_month third_party_charge_id is_approval_required",
        returns_id=False,
        constraints={
            "amount_in_cents": nonzero,
            "third_party_charge_id": at_most(TRANSACTION_ID_LIMIT, "Entrata"),
        },
        notes="Posted with artransactions/sendLeaseArTransactions. A positive amount increases what "
        "the resident owes, a negative one reduces it. The time of transaction_date is stripped (only "
        "the date is used); post_month keeps only month and year. third_party_charge_id is "
        "generated when absent and does not become the ID of the transaction in Entrata. Due to PMS "
        "limitations, the ID of the created record cannot be retrieved. This will be found on the "
        "next data sync.",
    ),
    WriteOperation.CREATE_RESIDENT_CREDIT: accepts(
        _LEDGER,
        returns_id=False,
        constraints={"amount_in_cents": positive},
        notes="Posted with artransactions/sendLeaseArTransactions as a negative amount (a reduction of "
        "money owed); read back as a negative charge on the next data sync.",
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: accepts(
        "lease_id resident_id charge_code_id amount_in_cents start_date charge_timing_id charge_code_type_id",
        "description end_date month_to_month_amount_in_cents month_to_month_fee_in_cents last_posted_date",
        constraints={
            "amount_in_cents": positive,
            "charge_timing_id": entrata_id,
            "charge_code_type_id": entrata_id,
        },
        check=end_not_before_start,
        notes="Posted with leases/sendScheduledCharges; start_date, end_date and last_posted_date are "
        "converted to MM/DD/YYYY for Entrata. This write operation sets created_record_id on the "
        "write-status endpoint.",
    ),
}

__all__ = ["ENTRATA_RULES"]
