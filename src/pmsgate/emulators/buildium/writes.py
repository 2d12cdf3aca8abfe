"""Buildium's lease-ledger writes, validated as Buildium does (400 with `Errors` naming the
field) and stored so lists and reads show them at once.

The charge answer is an array of transactions (one per bill), the others single objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pmsgate.emulators.buildium import seed
from pmsgate.emulators.buildium.store import BuildiumError, BuildiumStore

Record = dict[str, Any]
PAYMENT_METHODS = {
    "Check",
    "Cash",
    "MoneyOrder",
    "CashierCheck",
    "DirectDeposit",
    "CreditCard",
    "ElectronicPayment",
}
FREQUENCIES = {
    "Monthly",
    "Weekly",
    "Every2Weeks",
    "Quarterly",
    "Yearly",
    "Every2Months",
    "Daily",
    "Every6Months",
    "OneTime",
}
CREDIT_TYPES = {"WaiveUnpaid", "Exchange", "PreviouslyDeposited"}
MEMO_LIMIT, REF_LIMIT = 65, 30


def now() -> datetime:
    return datetime.now(UTC)


def _invalid(key: str, text: str) -> BuildiumError:
    return BuildiumError(400, "ValidationError", "The request has invalid data", {key: text})


def _date(body: Record, key: str) -> date:
    try:
        return date.fromisoformat(str(body.get(key)))
    except ValueError:
        raise _invalid(key, f"{key} is required and must be YYYY-MM-DD") from None


def _cents(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(key, "Amount is required and must be a number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _invalid(key, "Amount must be a number") from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise _invalid(key, "Amount must be greater than 0 with at most 2 decimals")
    return int(amount * 100)


def _account(store: BuildiumStore, value: Any, key: str) -> Record:
    accounts = {a["Id"]: a for top in store.tables["glaccounts"].values() for a in [top, *top["SubAccounts"]]}
    if isinstance(value, bool) or not isinstance(value, int) or value not in accounts:
        raise _invalid(key, f"GL account {value!r} was not found")
    return accounts[value]


def _text(body: Record, key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        raise _invalid(key, f"{key} must be text of at most {limit} characters")
    return value


def _lines(store: BuildiumStore, body: Record, account_key: str) -> list[tuple[Record, int]]:
    lines = body.get("Lines")
    if not isinstance(lines, list) or not lines:
        raise _invalid("Lines", "Lines must hold at least one line")
    return [
        (
            _account(store, line.get(account_key), f"Lines[{i}].{account_key}"),
            _cents(line.get("Amount"), f"Lines[{i}].Amount"),
        )
        for i, line in enumerate(lines)
        if isinstance(line, dict)
    ]


def _post(
    store: BuildiumStore,
    kind: str,
    lease: Record,
    posted: date,
    memo: str | None,
    lines: Sequence[seed.Line],
    **extra: Any,
) -> Record:
    """Store a new transaction of `kind` on `lease` (its id is taken last, once the body is valid)."""
    at = seed.Posting(lease["Id"], lease["PropertyId"], lease["UnitId"])
    txn = seed.transaction(store.next_id("transactions"), kind, at, posted, memo, lines, **extra)
    with store.lock:
        store.transactions[txn["Id"]] = txn
        store.by_lease[txn["LeaseId"]].append(txn["Id"])
    return txn


def post_charge(store: BuildiumStore, lease: Record, body: Record, _now: datetime) -> list[Record]:
    posted = _date(body, "Date")
    memo = _text(body, "Memo", MEMO_LIMIT)
    raw_lines: list[Any] = body["Lines"] if isinstance(body.get("Lines"), list) else []
    refs = [_text(line, "ReferenceNumber", REF_LIMIT) for line in raw_lines if isinstance(line, dict)]
    lines = _lines(store, body, "GLAccountId")
    journal = [
        (account, cents, refs[i] if i < len(refs) else None) for i, (account, cents) in enumerate(lines)
    ]
    return [_post(store, "Charge", lease, posted, memo, journal)]


def post_credit(store: BuildiumStore, lease: Record, body: Record, _now: datetime) -> Record:
    posted = _date(body, "Date")
    memo = _text(body, "Memo", MEMO_LIMIT)
    if body.get("CreditType") not in CREDIT_TYPES:
        raise _invalid("CreditType", f"CreditType must be one of {', '.join(sorted(CREDIT_TYPES))}")
    if body["CreditType"] != "WaiveUnpaid" and body.get("OffsettingGLAccountId") is None:
        raise _invalid("OffsettingGLAccountId", "OffsettingGLAccountId is required for this CreditType")
    lines = _lines(store, body, "GlAccountId")
    return _post(store, "Credit", lease, posted, memo, [(account, cents, None) for account, cents in lines])


def post_payment(store: BuildiumStore, lease: Record, body: Record, _now: datetime) -> Record:
    posted = _date(body, "Date")
    memo = _text(body, "Memo", MEMO_LIMIT)
    ref = _text(body, "ReferenceNumber", REF_LIMIT)
    if body.get("PaymentMethod") not in PAYMENT_METHODS:
        raise _invalid("PaymentMethod", f"PaymentMethod must be one of {', '.join(sorted(PAYMENT_METHODS))}")
    if not isinstance(body.get("SendEmailReceipt"), bool):
        raise _invalid("SendEmailReceipt", "SendEmailReceipt is required")
    payee = body.get("PayeeUserId")
    tenants = {t["Id"] for t in lease["Tenants"]}
    if payee is not None and payee not in tenants:
        raise _invalid("PayeeUserId", f"User {payee!r} is not a tenant on lease {lease['Id']}")
    journal = [(account, cents, ref) for account, cents in _lines(store, body, "GLAccountId")]
    return _post(store, "Payment", lease, posted, memo, journal, method=body["PaymentMethod"], payee=payee)


def post_recurring_charge(store: BuildiumStore, lease: Record, body: Record, at: datetime) -> Record:
    account = _account(store, body.get("GLAccountId"), "GLAccountId")
    cents = _cents(body.get("Amount"), "Amount")
    first = _date(body, "FirstOccurrenceDate")
    memo = _text(body, "Memo", MEMO_LIMIT)
    if body.get("Frequency") not in FREQUENCIES:
        raise _invalid("Frequency", "Frequency is required")
    advance = body.get("PostDaysInAdvance")
    if isinstance(advance, bool) or not isinstance(advance, int) or advance < 0:
        raise _invalid("PostDaysInAdvance", "PostDaysInAdvance is required")
    row = seed.recurring(
        store.next_id("recurring"),
        lease["Id"],
        account["Id"],
        cents,
        first,
        body["Frequency"],
        memo,
        False,
        at,
    )
    row["PostDaysInAdvance"] = advance
    row["Duration"] = body.get("Duration") or "UntilEndOfTerm"
    with store.lock:
        store.tables["recurring"][row["Id"]] = row
    return single_recurring(row)


def single_recurring(row: Record) -> Record:
    """The `LeaseChargeRecurringTransactionMessage` view of a stored recurring charge."""
    return {
        "Id": row["Id"],
        "LeaseId": row["LeaseId"],
        "GLAccountId": row["Lines"][0]["GLAccountId"] if row["Lines"] else None,
        "RentId": row["RentId"],
        "Amount": row["Amount"],
        "Memo": row["Memo"],
        "OccurrencesRemaining": None,
        "FirstOccurrenceDate": row["FirstOccurrenceDate"],
        "NextOccurrenceDate": row["NextOccurrenceDate"],
        "PostDaysInAdvance": row["PostDaysInAdvance"],
        "Frequency": row["Frequency"],
        "Duration": row["Duration"],
    }
