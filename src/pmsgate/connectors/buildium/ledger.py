"""Buildium lease ledger and recurring transactions -> canonical records. Pure functions.

A lease transaction (`LeaseTransactionMessage`) carries no property or unit of its own beyond
its journal lines, so the mappers take the lease it was read under (`LeaseKey`).
- Charge: one resident charge; its GL account is the first journal line's.
- Credit: a resident charge with a negative amount (Propexo stores credits that way).
- Payment: one resident payment plus one allocation per journal line. Buildium applies a
  payment to GL accounts, not to individual charges, so an allocation names the account it
  paid and no destination charge.
Other transaction types (refunds, deposits applied, reversals) are not mapped: the caller asks
only for these three.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pmsgate.canonical import records as r
from pmsgate.connectors import mapped
from pmsgate.connectors.buildium.fields import ident, optional_ident
from pmsgate.connectors.parsing import MappingError, Native, custom, iso_date, midnight_utc, money, required
from pmsgate.kit.money import cents_to_decimal_str

CHARGE_TYPES = ("Charge", "Credit")
PAYMENT_TYPES = ("Payment",)
PAYMENT_METHOD = {
    "Check": "CHECK",
    "Cash": "CASH",
    "MoneyOrder": "MONEY_ORDER",
    "CashierCheck": "CASHIERS_CHECK",
    "DirectDeposit": "ACH",
    "CreditCard": "CREDIT_CARD",
    "ElectronicPayment": "ACH",
}
FREQUENCY = mapped.FREQUENCY_WORDS

_MAPPED_TXN = frozenset({"Id", "Date", "TransactionTypeEnum", "TotalAmount", "LeaseId", "PayeeTenantId"})
_MAPPED_RECURRING = frozenset(
    {"Id", "LeaseId", "TransactionType", "IsExpired", "Lines", "GLAccountId", "Amount", "Memo"}
    | {"FirstOccurrenceDate", "Frequency"}
)


@dataclass(frozen=True)
class LeaseKey:
    lease_id: str
    property_id: str
    unit_id: str | None

    def keys(self) -> dict[str, Any]:
        """What a record read under the lease names of it: its property and the lease."""
        return {"x_property_id": self.property_id, "x_lease_id": self.lease_id}


def lease_key(raw: Native) -> LeaseKey:
    return LeaseKey(ident(raw, "Id"), ident(raw, "PropertyId"), optional_ident(raw, "UnitId"))


def _lines(raw: Native) -> list[Native]:
    journal = raw.get("Journal") or {}
    return [line for line in journal.get("Lines") or [] if isinstance(line, dict)]


def _line_account(line: Native) -> str | None:
    account = line.get("GLAccount")
    return optional_ident(account, "Id") if isinstance(account, dict) else None


def _memo(raw: Native) -> str | None:
    journal = raw.get("Journal") or {}
    return journal.get("Memo")


def _reference(raw: Native, lines: list[Native]) -> str | None:
    return next((str(line["ReferenceNumber"]) for line in lines if line.get("ReferenceNumber")), None) or (
        raw.get("CheckNumber") or None
    )


def _post_month(raw: Native) -> str | None:
    day = iso_date(raw.get("Date"), "Date")
    return None if day is None else f"{day.year:04d}-{day.month:02d}"


def map_transaction(raw: Native, lease: LeaseKey) -> list[r.CanonicalRecord]:
    kind = raw.get("TransactionTypeEnum") or raw.get("TransactionType")
    if kind in CHARGE_TYPES:
        return [_charge(raw, lease, credit=kind == "Credit")]
    if kind in PAYMENT_TYPES:
        return _payment(raw, lease)
    raise MappingError(f"transaction type {kind!r} is neither a charge, a credit nor a payment")


def _keys(raw: Native, lease: LeaseKey, lines: list[Native]) -> dict[str, Any]:
    """The keys of a lease transaction, charge or payment, besides its own id."""
    return {
        **lease.keys(),
        "x_unit_id": lease.unit_id,
        "x_resident_id": optional_ident(raw, "PayeeTenantId"),
        "x_gl_account_id": _line_account(lines[0]) if lines else None,
    }


def _details(raw: Native, lines: list[Native]) -> dict[str, Any]:
    """When, for which month and why a lease transaction was posted, charge or payment."""
    return {
        "transaction_date": midnight_utc(required(raw, "Date"), "Date"),
        "post_month": _post_month(raw),
        "description": _memo(raw),
        "reference_number": _reference(raw, lines),
    }


def _charge(raw: Native, lease: LeaseKey, *, credit: bool) -> r.ResidentChargeRecord:
    cents, text = money(required(raw, "TotalAmount"), "TotalAmount")
    assert cents is not None and text is not None
    if credit:  # stored as a negative charge, whatever sign Buildium shows
        cents, text = -abs(cents), "-" + text.lstrip("-")
    lines = _lines(raw)
    return r.ResidentChargeRecord(
        x_id=ident(raw, "Id"),
        **_keys(raw, lease, lines),
        amount_in_cents=cents,
        amount_raw=text,
        **_details(raw, lines),
        transaction_source=raw.get("TransactionTypeEnum"),
        custom_data=custom(raw, _MAPPED_TXN),
    )


def _payment(raw: Native, lease: LeaseKey) -> list[r.CanonicalRecord]:
    payment_id = ident(raw, "Id")
    cents, text = money(required(raw, "TotalAmount"), "TotalAmount")
    lines = _lines(raw)
    method = raw.get("PaymentMethod")
    payment = r.ResidentPaymentRecord(
        x_id=payment_id,
        **_keys(raw, lease, lines),
        amount_in_cents=cents,
        amount_raw=text,
        **mapped.payment_method(method, PAYMENT_METHOD),
        **_details(raw, lines),
        custom_data=custom(raw, _MAPPED_TXN),
    )
    allocations = [_allocation(line, i, payment_id, lease) for i, line in enumerate(lines)]
    return [payment, *allocations]


def _allocation(line: Native, index: int, payment_id: str, lease: LeaseKey) -> r.AllocationRecord:
    """Buildium applies a payment to GL accounts, not to charges: no destination charge."""
    amount = money(required(line, "Amount"), "Journal.Lines.Amount")
    return mapped.allocation(
        payment_id,
        None,
        amount,
        property_id=lease.property_id,
        account_id=_line_account(line),
        x_id=f"{payment_id}:{index}",
    )


def map_recurring(raw: Native, lease: LeaseKey) -> list[r.RecurringChargeRecord]:
    """A recurring charge from the all-leases list (`BulkLeaseRecurringTransactionMessage`) or the
    single-charge answer (`LeaseChargeRecurringTransactionMessage`, no TransactionType, GL account
    at the top). Recurring credits and payments are not charges: none for them."""
    if raw.get("TransactionType", "Charge") != "Charge":
        return []
    lines = [line for line in raw.get("Lines") or [] if isinstance(line, dict)]
    account = raw.get("GLAccountId") or (lines[0].get("GLAccountId") if lines else None)
    amount: Any = raw.get("Amount")
    if amount is None and lines:
        amount = sum((Decimal(str(line.get("Amount") or 0)) for line in lines), Decimal(0))
    cents, _ = money(amount, "Amount")
    if cents is None:
        raise MappingError("missing Amount")
    frequency = raw.get("Frequency")
    expired = raw.get("IsExpired")
    return [
        r.RecurringChargeRecord(
            x_id=ident(raw, "Id"),
            **lease.keys(),
            x_financial_account_id=None if account in (None, "", 0) else str(account),
            amount_in_cents=cents,
            amount_raw=cents_to_decimal_str(cents),
            **mapped.schedule(frequency, FREQUENCY),
            start_date=iso_date(raw.get("FirstOccurrenceDate"), "FirstOccurrenceDate"),
            is_active=None if expired is None else not expired,
            description=raw.get("Memo"),
            custom_data=custom(raw, _MAPPED_RECURRING),
        )
    ]
