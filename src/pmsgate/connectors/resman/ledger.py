"""ResMan MITS ledger lines -> canonical records. Pure functions.

Each line is one dict from `mits.transactions` (Detail fields as text, plus Kind, PaymentType,
LeaseID and UnitID), read under the property it was asked for.
- Charge: a resident charge.
- Concession: a resident charge with a negative amount (credits are stored that way).
- Payment: a resident payment. ResMan's MITS export does not say which charges a payment paid,
  so there are no allocations.
- RecurringCharge (`MITS/GetRecurringCharges2_0`): a recurring charge.
Amounts are decimal text ("1500.00") parsed to cents exactly; dates are calendar days.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pmsgate.canonical import records as r
from pmsgate.connectors import mapped
from pmsgate.connectors.parsing import (
    MappingError,
    Native,
    custom,
    ident,
    iso_date,
    midnight_utc_of,
    money,
    optional_ident,
    required,
)

CHARGE_KINDS = ("Charge", "Concession")
PAYMENT_KINDS = ("Payment",)
PAYMENT_METHOD = mapped.PAYMENT_METHOD_WORDS
FREQUENCY = mapped.FREQUENCY_WORDS

_MAPPED = frozenset(
    {"Kind", "PaymentType", "LeaseID", "UnitID", "TransactionID", "TransactionDate", "ChargeCode"}
    | {"GLAccountNumber", "CustomerID", "Amount", "Description", "DocumentNumber", "BalanceDue"}
    | {"AmountPaid", "DueDate", "PostMonth"}
)
_MAPPED_RECURRING = frozenset(
    {"Kind", "PaymentType", "LeaseID", "UnitID", "TransactionID", "ChargeCode", "GLAccountNumber"}
    | {"CustomerID", "Amount", "Description", "StartDate", "EndDate", "Frequency", "DueDay"}
)


def _post_month(raw: Native, day: date | None) -> str | None:
    month = iso_date(raw.get("PostMonth"), "PostMonth") or day
    return None if month is None else f"{month.year:04d}-{month.month:02d}"


def map_line(raw: Native, property_id: str) -> list[r.CanonicalRecord]:
    kind = raw.get("Kind")
    if kind in CHARGE_KINDS:
        return [_charge(raw, property_id, credit=kind == "Concession")]
    if kind in PAYMENT_KINDS:
        return [_payment(raw, property_id)]
    raise MappingError(f"ledger line of kind {kind!r} is neither a charge, a concession nor a payment")


def _amount(raw: Native) -> tuple[int, str]:
    cents, text = money(required(raw, "Amount"), "Amount")
    assert cents is not None and text is not None
    return cents, text


def _keys(raw: Native, property_id: str) -> dict[str, Any]:
    """The keys a MITS transaction carries, charge or payment."""
    return {
        "x_id": ident(raw, "TransactionID"),
        "x_property_id": property_id,
        "x_lease_id": optional_ident(raw, "LeaseID"),
        "x_unit_id": optional_ident(raw, "UnitID"),
        "x_resident_id": optional_ident(raw, "CustomerID"),
        "x_charge_code_id": optional_ident(raw, "ChargeCode"),
        "x_gl_account_id": optional_ident(raw, "GLAccountNumber"),
    }


def _posting(raw: Native, day: date | None) -> dict[str, Any]:
    """When (`day`: its TransactionDate), for which month and why a MITS transaction was posted,
    charge or payment."""
    return {
        "transaction_date": midnight_utc_of(day),
        "post_month": _post_month(raw, day),
        "description": raw.get("Description"),
        "reference_number": raw.get("DocumentNumber"),
    }


def _charge(raw: Native, property_id: str, *, credit: bool) -> r.ResidentChargeRecord:
    cents, text = _amount(raw)
    if credit:  # a concession reduces what is owed, whatever sign ResMan shows
        cents, text = -abs(cents), "-" + text.lstrip("-")
    day = iso_date(required(raw, "TransactionDate"), "TransactionDate")
    open_ = money(raw.get("BalanceDue"), "BalanceDue")
    paid = money(raw.get("AmountPaid"), "AmountPaid")
    return r.ResidentChargeRecord(
        **_keys(raw, property_id),
        **mapped.charge_amounts((cents, text), paid=paid, open_=open_, owed_only=True),
        due_date=iso_date(raw.get("DueDate"), "DueDate"),
        **_posting(raw, day),
        transaction_source=raw.get("Kind"),
        custom_data=custom(raw, _MAPPED),
    )


def _payment(raw: Native, property_id: str) -> r.ResidentPaymentRecord:
    cents, text = _amount(raw)
    day = iso_date(required(raw, "TransactionDate"), "TransactionDate")
    method = raw.get("PaymentType")
    return r.ResidentPaymentRecord(
        **_keys(raw, property_id),
        amount_in_cents=cents,
        amount_raw=text,
        **mapped.payment_method(method, PAYMENT_METHOD),
        **_posting(raw, day),
        custom_data=custom(raw, _MAPPED),
    )


def map_recurring(raw: Native, property_id: str) -> list[r.RecurringChargeRecord]:
    if raw.get("Kind") != "RecurringCharge":
        raise MappingError(f"line of kind {raw.get('Kind')!r} is not a recurring charge")
    cents, text = _amount(raw)
    frequency = raw.get("Frequency")
    due_day = raw.get("DueDay")
    return [
        r.RecurringChargeRecord(
            x_id=ident(raw, "TransactionID"),
            x_property_id=property_id,
            x_lease_id=optional_ident(raw, "LeaseID"),
            x_charge_code_id=optional_ident(raw, "ChargeCode"),
            x_financial_account_id=optional_ident(raw, "GLAccountNumber"),
            amount_in_cents=cents,
            amount_raw=text,
            description=raw.get("Description"),
            start_date=iso_date(raw.get("StartDate"), "StartDate"),
            end_date=iso_date(raw.get("EndDate"), "EndDate"),
            **mapped.schedule(frequency, FREQUENCY),
            charge_due_day=None if due_day in (None, "") else int(str(due_day)),
            custom_data=custom(raw, _MAPPED_RECURRING),
        )
    ]
