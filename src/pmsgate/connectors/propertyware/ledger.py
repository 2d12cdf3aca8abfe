"""Propertyware lease transactions -> canonical ledger records. Pure.

- Charges (`ChargeTx`) are resident charges; each `payments[]` entry (a `PaymentCharge`: the part
  of a payment applied to this charge) becomes an AllocationRecord riding in the charge's page,
  because Propertyware lists allocations on the charge, not on the payment.
- Credit memos and adjustments are resident charges with a negative amount (whatever sign the
  vendor writes: SaveAdjustment asks for a negative one). All three share Propertyware's one
  transaction id sequence, so their ids do not collide.
- Payments carry the contact and deposit lines; auto charges are recurring charges.
The records name only their lease, so the building, unit and tenant come from `Places`.
"""

from __future__ import annotations

from typing import Any

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Frequency
from pmsgate.connectors import mapped
from pmsgate.connectors.parsing import Native, custom, money
from pmsgate.connectors.propertyware.fields import (
    ident,
    iso_date,
    midnight_utc,
    optional_ident,
    required_money,
)
from pmsgate.connectors.propertyware.places import LeaseInfo, Places
from pmsgate.kit.money import cents_to_decimal_str

# Generic frequencies; QUARTERLY, SEMIANUUAL, ANUUAL, ANUUAL_ACCRUAL (the spec's spelling) -> OTHER.
FREQUENCY = {"WEEKLY": Frequency.WEEKLY, "MONTHLY": Frequency.MONTHLY}
PAYMENT_METHOD = {
    "CHECK": "CHECK",
    "CHECK21": "CHECK",
    "CASHIERS_CHECK": "CHECK",
    "CREDIT_CARD": "CREDIT_CARD",
    "CASH": "CASH",
    "MONEY_ORDER": "MONEY_ORDER",
    "ECHECK": "ACH",
    "EPAY": "ACH",
    "NACHA": "ACH",
}

_TX = frozenset({"id", "leaseID", "glAccountID", "amount", "date", "comments", "refNo"})
_MAPPED: dict[str, frozenset[str]] = {
    "charge": _TX | {"amountDue", "amountPaid", "payments"},
    "credit": _TX,
    "payment": _TX | {"contactID", "paymentType"},
    "auto": frozenset(
        {"id", "leaseID", "glAccountID", "amount", "description", "dueDay", "frequency", "startDate"}
        | {"endDate", "referenceNumber"}
    ),
}


def _on_lease(raw: Native, places: Places) -> tuple[str, LeaseInfo]:
    """The lease a transaction names, and where that lease is."""
    lease_id = ident(raw, "leaseID")
    return lease_id, places.lease(lease_id)


def _keys(
    raw: Native, lease_id: str, lease: LeaseInfo, *, contact_field: str | None = None
) -> dict[str, Any]:
    """A transaction's id, its building, lease and unit, and its tenant: the contact in
    `contact_field` when the transaction names one, else the lease's primary contact."""
    x_id = ident(raw, "id")
    contact = None if contact_field is None else optional_ident(raw, contact_field)
    return {
        "x_id": x_id,
        "x_property_id": lease.building_id,
        "x_lease_id": lease_id,
        "x_unit_id": lease.unit_id,
        "x_resident_id": contact or lease.primary_contact_id,
    }


def _posting(raw: Native) -> dict[str, Any]:
    """When and why a transaction was posted, as its `date`, `comments` and `refNo` say."""
    return {
        "transaction_date": midnight_utc(raw.get("date"), "date"),
        "description": raw.get("comments"),
        "reference_number": raw.get("refNo"),
    }


def map_charge(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    """The charge, then one allocation per payment applied to it."""
    charge_id = ident(raw, "id")
    lease_id, lease = _on_lease(raw, places)
    amount = required_money(raw, "amount")
    due, paid = money(raw.get("amountDue"), "amountDue"), money(raw.get("amountPaid"), "amountPaid")
    charge = r.ResidentChargeRecord(
        **_keys(raw, lease_id, lease),
        x_gl_account_id=optional_ident(raw, "glAccountID"),
        **mapped.charge_amounts(amount, paid=paid, open_=due),
        **_posting(raw),
        due_date=iso_date(raw.get("date"), "date"),
        transaction_source="CHARGE",
        custom_data=custom(raw, _MAPPED["charge"]),
    )
    allocations = [_allocation(p, charge_id, lease.building_id) for p in raw.get("payments") or []]
    return [charge, *allocations]


def _allocation(raw: Native, charge_id: str, building_id: str) -> r.AllocationRecord:
    payment_id = ident(raw, "id")
    amount = required_money(raw, "chargeAmountPaid")
    return mapped.allocation(
        payment_id, charge_id, amount, property_id=building_id, account_id=optional_ident(raw, "accountID")
    )


def _credit(raw: Native, places: Places, source: str) -> list[r.CanonicalRecord]:
    lease_id, lease = _on_lease(raw, places)
    cents, text = required_money(raw, "amount")
    return [
        r.ResidentChargeRecord(
            **_keys(raw, lease_id, lease),
            x_gl_account_id=optional_ident(raw, "glAccountID"),
            amount_in_cents=-abs(cents),
            amount_raw=text,
            amount_paid_in_cents=0,
            amount_paid_raw=cents_to_decimal_str(0),
            **_posting(raw),
            due_date=iso_date(raw.get("date"), "date"),
            transaction_source=source,
            custom_data=custom(raw, _MAPPED["credit"]),
        )
    ]


def map_credit_memo(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    return _credit(raw, places, "CREDIT_MEMO")


def map_adjustment(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    return _credit(raw, places, "ADJUSTMENT")


def map_payment(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    lease_id, lease = _on_lease(raw, places)
    amount, method = required_money(raw, "amount"), raw.get("paymentType")
    return [
        r.ResidentPaymentRecord(
            **_keys(raw, lease_id, lease, contact_field="contactID"),
            x_gl_account_id=optional_ident(raw, "glAccountID") or optional_ident(raw, "destinationAccountID"),
            amount_in_cents=amount[0],
            amount_raw=amount[1],
            **mapped.payment_method(method, PAYMENT_METHOD),
            **_posting(raw),
            custom_data=custom(raw, _MAPPED["payment"]),
        )
    ]


def map_autocharge(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    lease_id, lease = _on_lease(raw, places)
    amount, frequency = required_money(raw, "amount"), raw.get("frequency")
    return [
        r.RecurringChargeRecord(
            x_id=ident(raw, "id"),
            x_property_id=lease.building_id,
            x_lease_id=lease_id,
            x_financial_account_id=optional_ident(raw, "glAccountID"),
            amount_in_cents=amount[0],
            amount_raw=amount[1],
            description=raw.get("description"),
            reference_number=raw.get("referenceNumber"),
            start_date=iso_date(raw.get("startDate"), "startDate"),
            end_date=iso_date(raw.get("endDate"), "endDate"),
            **mapped.schedule(frequency, FREQUENCY),
            charge_due_day=raw.get("dueDay"),
            custom_data=custom(raw, _MAPPED["auto"]),
        )
    ]
