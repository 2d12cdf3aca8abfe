"""What BUILDIUM accepts for each write, in generic field names (propexo-behaviour.md §2).

Charges and payments follow Propexo's Buildium pages. Propexo publishes no Buildium page for
credits or recurring charges; Buildium's API has both (`POST /v1/leases/{id}/credits`,
`/recurringcharges`), so pmsgate offers them with the fields those calls need. There is no
update of a recurring charge (Buildium's spec has no path for it) and no batch charge call.

Buildium's own limits surface here so a request is refused at once naming the field: reference
numbers of at most 30 characters, memos of 65, of which pmsgate may need 24 for its marker
(" [PMSG-…]") to find the write again, so descriptions of at most 41.
"""

from __future__ import annotations

from pmsgate.connectors.constraints import amount_and_text
from pmsgate.connectors.markers import MARKER_ROOM
from pmsgate.connectors.writes import OperationRules, WriteOperation, accepts

MEMO_LIMIT = 65
REF_LIMIT = 30
TEXT_LIMIT = MEMO_LIMIT - MARKER_ROOM

_CONSTRAINTS = amount_and_text("Buildium", reference_number=REF_LIMIT, description=TEXT_LIMIT)

BUILDIUM_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: accepts(
        "lease_id financial_account_id amount_in_cents transaction_date",
        "reference_number description",
        constraints=_CONSTRAINTS,
        notes="financial_account_id is the GL (income) account the charge posts to.",
    ),
    WriteOperation.CREATE_RESIDENT_CREDIT: accepts(
        "lease_id financial_account_id amount_in_cents transaction_date",
        "description",
        constraints=_CONSTRAINTS,
        notes="Posted as a 'WaiveUnpaid' credit (Buildium's credits carry no reference number); "
        "read back as a negative charge.",
    ),
    WriteOperation.CREATE_RESIDENT_PAYMENT: accepts(
        "lease_id financial_account_id amount_in_cents transaction_date payment_type send_email_receipt",
        "resident_id description reference_number",
        constraints=_CONSTRAINTS,
        notes="financial_account_id is the GL account the payment is applied to; resident_id is "
        "the payer (Buildium's PayeeUserId).",
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: accepts(
        "lease_id financial_account_id amount_in_cents start_date frequency_normalized",
        "description",
        constraints=_CONSTRAINTS,
        notes="Runs until the end of the lease term and posts on its due date (PostDaysInAdvance 0).",
    ),
}
