"""What YARDI accepts for each write, in generic field names (propexo-behaviour.md §2, §7).

Propexo's Yardi pages: a charge goes through ImportCharge_Login and a payment through
ImportReceipt_Login, each needing property_id + resident_id + unit_id + financial_account_id
(Yardi posts to a tenant's ledger in a property and unit, against a GL account); charges also
need charge_code_id, payments their reference_number (Yardi's DocumentNumber). post_month keeps
only the year and month. Batch charges travel in one charge batch (SysBatch). Yardi returns no
ids from its imports: records arrive with the next sync. No credits, recurring charges or
updates: Propexo offers none for Yardi, so pmsgate answers 405 at /v1/…/yardi/ and 400 on the
generic paths.
"""

from __future__ import annotations

from dataclasses import replace

from pmsgate.connectors.constraints import amount_and_text
from pmsgate.connectors.markers import MARKER_ROOM
from pmsgate.connectors.writes import OperationRules, WriteOperation, accepts

TEXT_LIMIT = 255  # Yardi's notes fields; the marker goes into Comment, never into Description
COMMENT_LIMIT = 255
REF_LIMIT = 20  # DocumentNumber (a check number)

_CONSTRAINTS = amount_and_text("Yardi", description=COMMENT_LIMIT - MARKER_ROOM, reference_number=REF_LIMIT)
_PLACE = "property_id resident_id unit_id financial_account_id"
_CHARGE = accepts(
    f"{_PLACE} charge_code_id transaction_date amount_in_cents",
    "description post_month",
    returns_id=False,
    constraints=_CONSTRAINTS,
    notes="resident_id is the tenant (household) code the ledger belongs to; post_month keeps the "
    "year and month.",
)

YARDI_RULES: dict[WriteOperation, OperationRules] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: _CHARGE,
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: replace(
        _CHARGE,
        notes="All charges go in one Yardi charge batch (SysBatch), so they must belong to one property.",
    ),
    WriteOperation.CREATE_RESIDENT_PAYMENT: accepts(
        f"{_PLACE} transaction_date amount_in_cents reference_number",
        "description",
        returns_id=False,
        constraints=_CONSTRAINTS,
        notes="reference_number is Yardi's DocumentNumber; financial_account_id the cash account.",
    ),
}
