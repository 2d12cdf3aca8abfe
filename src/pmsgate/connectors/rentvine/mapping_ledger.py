"""Rentvine rows -> canonical records for the books. Pure functions, no I/O.

- Accounts: Rentvine has one chart of accounts per company; each account is one record with
  x_id = accountID and x_property_id NO_PROPERTY (the rule for company-wide records), and ledger
  records name it by that id. Whether an account is a bank account (the only kind a payment may
  go to) is kept in `custom_data.is_bank_account`.
- Transactions: transactionTypeID 1 charge, 2 payment, 3 credit. Rentvine stores a credit as a
  positive amount; it is read as a charge with a negative amount (as Propexo does).
- Recurring charges: `frequency` is a number of months; 1 is MONTHLY, others are OTHER.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Frequency
from pmsgate.canonical.records import NO_PROPERTY
from pmsgate.connectors import mapped
from pmsgate.connectors.parsing import (
    MappingError,
    Native,
    ident,
    midnight_utc,
    money,
    optional_ident,
    required,
)
from pmsgate.connectors.parsing import iso_date as day
from pmsgate.connectors.rentvine.fields import custom, entity
from pmsgate.kit.money import cents_to_decimal_str

CHARGE, PAYMENT, CREDIT = 1, 2, 3
BANK_CATEGORY = 1  # accountCategoryID of bank (cash) accounts
ACCOUNT_CATEGORY: dict[Any, str] = {
    1: "Bank",
    2: "Receivable",
    3: "Liability",
    4: "Income",
    5: "Expense",
    6: "Equity",
}
PAYMENT_METHOD = {
    "ACH": "ACH",
    "CHECK": "CHECK",
    "CASHIER_CHECK": "CASHIERS_CHECK",
    "MONEY_ORDER": "MONEY_ORDER",
    "CASH": "CASH",
    "CASH_PAY": "CASH",
    "CREDIT_CARD": "CREDIT_CARD",
    "DEBIT_CARD": "DEBIT_CARD",
}

_MAPPED = {
    "account": frozenset({"accountID", "number", "name", "isActive"}),
    "transaction": frozenset(
        {"transactionID", "transactionTypeID", "leaseID", "propertyID", "unitID", "contactID", "accountID"}
        | {"amount", "amountPaid", "datePosted", "dateDue", "description", "reference", "paymentType"}
        | {"allocations"}
    ),
    "recurring": frozenset(
        {"leaseRecurringChargeID", "leaseID", "accountID", "amount", "dayDue", "description"}
        | {"startDate", "endDate", "frequency"}
    ),
}


def account_id_of(x_financial_account_id: str) -> str:
    """The Rentvine accountID of a financial account's x_id ('12:1' -> '1': accounts synced before
    they became company-wide were keyed '{propertyID}:{accountID}')."""
    return x_financial_account_id.rpartition(":")[2]


def map_account(row: Any) -> r.FinancialAccountRecord:
    raw = entity(row, "account")
    category = raw.get("accountCategoryID")
    return r.FinancialAccountRecord(
        x_id=ident(raw, "accountID"),
        x_property_id=NO_PROPERTY,
        name=raw.get("name"),
        account_number=raw.get("number"),
        status_raw=None if raw.get("isActive") is None else ("Active" if raw["isActive"] else "Inactive"),
        custom_data=custom(
            raw,
            _MAPPED["account"],
            is_bank_account=category == BANK_CATEGORY,
            account_category=ACCOUNT_CATEGORY.get(category),
        ),
    )


def _ledger_common(raw: Native) -> dict[str, Any]:
    property_id = ident(raw, "propertyID")
    account = optional_ident(raw, "accountID")
    return {
        "x_id": ident(raw, "transactionID"),
        "x_property_id": property_id,
        "x_lease_id": optional_ident(raw, "leaseID"),
        "x_resident_id": optional_ident(raw, "contactID"),
        "x_unit_id": optional_ident(raw, "unitID"),
        "x_gl_account_id": account,
        "transaction_date": midnight_utc(required(raw, "datePosted"), "datePosted"),
        "description": raw.get("description"),
        "reference_number": raw.get("reference"),
        "custom_data": custom(raw, _MAPPED["transaction"]),
    }


def map_charge(row: Any) -> list[r.CanonicalRecord]:
    """A charge, or a credit read as a negative charge."""
    raw = entity(row, "transaction")
    type_id = raw.get("transactionTypeID")
    if type_id not in (CHARGE, CREDIT):
        raise MappingError(f"transaction type {type_id!r} is not a charge or credit")
    cents, amount_raw = money(required(raw, "amount"), "amount")
    assert cents is not None
    if type_id == CREDIT:
        return [
            r.ResidentChargeRecord(
                **_ledger_common(raw),
                name="Credit",
                amount_in_cents=-cents,
                amount_raw=cents_to_decimal_str(-cents),
            )
        ]
    paid = money(raw.get("amountPaid"), "amountPaid")[0]
    open_ = None if paid is None else cents - paid
    return [
        r.ResidentChargeRecord(
            **_ledger_common(raw),
            name="Charge",
            **mapped.charge_amounts(
                (cents, amount_raw), paid=mapped.from_cents(paid), open_=mapped.from_cents(open_)
            ),
            due_date=day(raw.get("dateDue"), "dateDue"),
        )
    ]


def map_payment(row: Any) -> list[r.CanonicalRecord]:
    """The payment, then one allocation per charge it paid."""
    raw = entity(row, "transaction")
    if raw.get("transactionTypeID") != PAYMENT:
        raise MappingError(f"transaction type {raw.get('transactionTypeID')!r} is not a payment")
    common = _ledger_common(raw)
    cents, amount_raw = money(required(raw, "amount"), "amount")
    method = raw.get("paymentType")
    payment = r.ResidentPaymentRecord(
        **common,
        name="Payment",
        amount_in_cents=cents,
        amount_raw=amount_raw,
        **mapped.payment_method(method, PAYMENT_METHOD),
    )
    allocations: list[r.CanonicalRecord] = []
    for item in raw.get("allocations") or []:
        charge_id = ident(item, "chargeTransactionID")
        applied = money(required(item, "amount"), "allocations.amount")
        allocations.append(
            r.AllocationRecord(
                x_id=f"{payment.x_id}:{charge_id}",
                x_property_id=payment.x_property_id,
                x_source_id=payment.x_id,
                x_destination_id=charge_id,
                x_financial_account_id=common["x_gl_account_id"],
                amount_in_cents=applied[0],
                amount_raw=applied[1],
            )
        )
    return [payment, *allocations]


def map_recurring(row: Any, property_id: str, today: date) -> r.RecurringChargeRecord:
    """A recurring charge of a lease in `property_id`; active unless it ended before `today`
    (Rentvine keeps ended rows as history)."""
    raw = entity(row, "recurringCharge")
    cents, amount_raw = money(required(raw, "amount"), "amount")
    months = raw.get("frequency")
    end = day(raw.get("endDate"), "endDate")
    account = optional_ident(raw, "accountID")
    return r.RecurringChargeRecord(
        x_id=ident(raw, "leaseRecurringChargeID"),
        x_property_id=property_id,
        x_lease_id=optional_ident(raw, "leaseID"),
        x_financial_account_id=account,
        amount_in_cents=cents,
        amount_raw=amount_raw,
        description=raw.get("description"),
        start_date=day(raw.get("startDate"), "startDate"),
        end_date=end,
        is_active=end is None or end >= today,
        frequency_raw=None if months is None else str(months),
        frequency_normalized=None
        if months is None
        else (Frequency.MONTHLY if months == 1 else Frequency.OTHER).value,
        charge_due_day=raw.get("dayDue"),
        custom_data=custom(raw, _MAPPED["recurring"], account=row.get("account")),
    )
