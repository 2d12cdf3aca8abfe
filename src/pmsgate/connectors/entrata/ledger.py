"""Entrata's ledger, payments and scheduled charges -> canonical records. Pure functions.

- A lease ledger transaction (`getLeaseArTransactions`) without `arPaymentId` is a resident
  charge; its amount keeps Entrata's sign, so a credit (a negative transaction) is a negative
  charge, as Propexo stores credits. Transactions that record a payment (`arPaymentId` set) are
  left to the payments stream, which reads them with their allocations from `getArPayments`.
- A payment names its customer, not its lease or property: the caller passes the lease and
  property the customer belongs to (`Tenancy`).
- A scheduled charge (`getLeaseDetails` r2, `includeCharge=1`) is a recurring charge of the
  lease it is listed under.
Dates are Mountain Time calendar days (stored as midnight UTC of that day); payment times are
Mountain wall-clock date-times, converted to UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmsgate.canonical import records as r
from pmsgate.connectors import mapped
from pmsgate.connectors.entrata.fields import flag, ident, items, local_date, optional_ident, post_month, utc
from pmsgate.connectors.parsing import MappingError, Native, custom, midnight_utc_of, money, required

PAYMENT_METHOD = {**mapped.PAYMENT_METHOD_WORDS, "Check 21": "CHECK"}
FREQUENCY = mapped.FREQUENCY_WORDS

_MAPPED_TXN = frozenset(
    {"id", "arCodeId", "arCodeName", "description", "transactionDate", "postMonth", "amount"}
    | {"balanceDue", "amountPaid", "transactionTypeId"}
)
_MAPPED_PAYMENT = frozenset(
    {
        "ArPaymentId",
        "CustomerId",
        "PaymentAmount",
        "PaymentDate",
        "PaymentType",
        "ExternalId",
        "ArAllocations",
    }
)
_MAPPED_SCHEDULED = frozenset(
    {"id", "arCodeId", "chargeCode", "chargeTiming", "chargeStartDate", "chargeEndDate", "chargeAmount"}
    | {"description"}
)


@dataclass(frozen=True)
class LedgerKey:
    """Where a ledger's transactions belong: the lease, its property and customer."""

    lease_id: str
    property_id: str
    resident_id: str | None


@dataclass(frozen=True)
class Tenancy:
    """A customer's property and lease (payments name only the customer)."""

    property_id: str
    lease_id: str | None


def ledger_rows(lease: Native) -> list[tuple[Native, LedgerKey]]:
    """Every transaction of a `getLeaseArTransactions` lease, with the key it belongs under."""
    lease_id, property_id = ident(lease, "id"), ident(lease, "propertyId")
    rows: list[tuple[Native, LedgerKey]] = []
    for customers in items(lease, "customers"):
        people = [c for c in items(customers, "customer") if isinstance(c, dict)]
        key = LedgerKey(lease_id, property_id, optional_ident(people[0], "id") if people else None)
        for ledger in items(customers, "ledgers"):
            for entry in items(ledger, "ledger"):
                for txn in items(
                    entry.get("transactions") if isinstance(entry, dict) else None, "transaction"
                ):
                    rows.append((txn, key))
    return rows


def is_payment(txn: Native) -> bool:
    return optional_ident(txn, "arPaymentId") is not None


def map_transaction(txn: Native, key: LedgerKey) -> list[r.ResidentChargeRecord]:
    if not isinstance(txn, dict):
        raise MappingError(f"a {type(txn).__name__}, not a transaction")
    if is_payment(txn):
        return []
    cents, text = money(required(txn, "amount"), "amount")
    open_cents, open_text = money(txn.get("balanceDue"), "balanceDue")
    paid_cents, paid_text = money(txn.get("amountPaid"), "amountPaid")
    kind = txn.get("transactionTypeId")
    return [
        r.ResidentChargeRecord(
            x_id=ident(txn, "id"),
            x_property_id=key.property_id,
            x_lease_id=key.lease_id,
            x_resident_id=key.resident_id,
            x_charge_code_id=optional_ident(txn, "arCodeId"),
            **mapped.charge_amounts(
                (cents, text), paid=(paid_cents, paid_text), open_=(open_cents, open_text)
            ),
            name=txn.get("arCodeName"),
            description=txn.get("description"),
            transaction_date=midnight_utc_of(local_date(required(txn, "transactionDate"), "transactionDate")),
            post_month=post_month(txn.get("postMonth")),
            transaction_source=None if kind is None else str(kind),
            custom_data=custom(txn, _MAPPED_TXN),
        )
    ]


def map_payment(raw: Native, tenancy: Tenancy | None) -> list[r.CanonicalRecord]:
    """The payment and one allocation per charge it paid; [] for a customer of a property not
    asked for (`tenancy` None)."""
    if tenancy is None:
        return []
    payment_id = ident(raw, "ArPaymentId")
    cents, text = money(required(raw, "PaymentAmount"), "PaymentAmount")
    method = raw.get("PaymentType")
    payment = r.ResidentPaymentRecord(
        x_id=payment_id,
        x_property_id=tenancy.property_id,
        x_lease_id=tenancy.lease_id,
        x_resident_id=optional_ident(raw, "CustomerId"),
        amount_in_cents=cents,
        amount_raw=text,
        **mapped.payment_method(method, PAYMENT_METHOD),
        transaction_date=utc(required(raw, "PaymentDate"), "PaymentDate"),
        reference_number=raw.get("ExternalId") or None,
        custom_data=custom(raw, _MAPPED_PAYMENT),
    )
    allocations = [
        _allocation(a, payment_id, tenancy)
        for a in items(raw.get("ArAllocations"), "ArAllocation")
        if isinstance(a, dict)
    ]
    return [payment, *allocations]


def _allocation(raw: Native, payment_id: str, tenancy: Tenancy) -> r.AllocationRecord:
    charge_id = ident(raw, "ArTransactionId")
    amount = money(required(raw, "Amount"), "ArAllocation.Amount")
    return mapped.allocation(payment_id, charge_id, amount, property_id=tenancy.property_id)


def scheduled_rows(lease: Native, property_id: str) -> list[tuple[Native, LedgerKey]]:
    """(scheduled charge, its lease's key) for every active recurring scheduled charge of a
    `getLeaseDetails` lease (which names no property: the caller asked for one)."""
    key = LedgerKey(ident(lease, "leaseId"), property_id, None)
    rows: list[tuple[Native, LedgerKey]] = []
    for charges in items(lease, "scheduledCharges"):
        for recurring in items(charges, "recurringCharge"):
            for active in items(recurring, "activeScheduledCharges"):
                rows.extend((c, key) for c in items(active, "activeScheduledCharge") if isinstance(c, dict))
    return rows


def scheduled_id(raw: Native, lease_id: str) -> str:
    """The charge's id; older answers carry none, so lease, code and start date name it."""
    given = optional_ident(raw, "id")
    if given is not None:
        return given
    return f"{lease_id}:{ident(raw, 'arCodeId')}:{required(raw, 'chargeStartDate')}"


def map_scheduled(raw: Native, key: LedgerKey) -> list[r.RecurringChargeRecord]:
    lease_id, property_id = key.lease_id, key.property_id
    cents, text = money(required(raw, "chargeAmount"), "chargeAmount")
    timing = raw.get("chargeTiming")
    end = local_date(raw.get("chargeEndDate"), "chargeEndDate")
    active = flag(raw.get("isActive"))
    return [
        r.RecurringChargeRecord(
            x_id=scheduled_id(raw, lease_id),
            x_property_id=property_id,
            x_lease_id=lease_id,
            x_charge_code_id=optional_ident(raw, "arCodeId"),
            amount_in_cents=cents,
            amount_raw=text,
            **mapped.schedule(timing, FREQUENCY),
            start_date=local_date(raw.get("chargeStartDate"), "chargeStartDate"),
            end_date=end,
            is_active=True if active is None else active,
            description=raw.get("description") or raw.get("chargeCode"),
            custom_data=custom(raw, _MAPPED_SCHEDULED),
        )
    ]
