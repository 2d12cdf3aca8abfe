"""What RESMAN accepts for each write, in generic field names (propexo-behaviour.md §2, §3).

ResMan is resident-anchored: a charge or a payment names the resident (and the charge its
charge code), and both go through `MITS/PostResidentTransactions2_0` with Propexo's required
fields, among them `batch_id` ("unique to your system") and `notes`. ResMan has no credit,
no recurring-charge write and no update: those answer 405 at the vendor path and 400 at the
generic one. A batch is one call and must stay within one ResMan property (checked at write
time: the rules see one item at a time).

Partner-transaction approval: ResMan holds every transaction a partner posts as pending until
the property management company approves it (ResMan portal, "Partner Transactions" tab). The
job succeeds once ResMan has accepted it, without created_record_id; the record appears in
pmsgate with the first sync after the approval.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pmsgate.connectors.constraints import Check, code, positive
from pmsgate.connectors.writes import OperationRules, WriteOperation, accepts

PENDING_NOTE = (
    "Posted to ResMan as a partner transaction, pending until the property management company "
    "approves it in ResMan (Partner Transactions tab). ResMan returns no id: the record appears with "
    "the first sync after the approval."
)
PAYMENT_TYPES = {
    "ACH": "ACH",
    "Cash": "Cash",
    "Cashiers Check": "Cashier's Check",
    "Check": "Check",
    "Credit Card": "Credit Card",
    "Debit Card": "Debit Card",
    "eCheck": "eCheck",
    "Money Order": "Money Order",
}


def _payment_type(value: Any) -> str | None:
    return None if code(value) in PAYMENT_TYPES else f"ResMan accepts {', '.join(PAYMENT_TYPES)}"


def _not_blank(value: Any) -> str | None:
    return None if str(value).strip() else "must not be blank"


_CONSTRAINTS: dict[str, Check] = {
    "amount_in_cents": positive,
    "batch_id": _not_blank,
    "description": _not_blank,
    "notes": _not_blank,
    "reference_number": _not_blank,
}
# Propexo's required fields of every ResMan write (MITS/PostResidentTransactions2_0).
_COMMON = "resident_id batch_id transaction_date description notes amount_in_cents reference_number"
_CHARGE = accepts(f"{_COMMON} charge_code_id", returns_id=False, constraints=_CONSTRAINTS, notes=PENDING_NOTE)


RESMAN_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: _CHARGE,
    WriteOperation.CREATE_RESIDENT_PAYMENT: accepts(
        f"{_COMMON} payment_type",
        returns_id=False,
        constraints={**_CONSTRAINTS, "payment_type": _payment_type},
        notes=PENDING_NOTE,
    ),
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: replace(
        _CHARGE,
        notes="Creates multiple resident charges in one job and one ResMan call; all charges must belong "
        "to residents of the same ResMan property. " + PENDING_NOTE,
    ),
}
