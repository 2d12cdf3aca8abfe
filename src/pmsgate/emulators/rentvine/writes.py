"""Rentvine's write endpoints, all POST (updates too), each answering the stored record wrapped
by entity name. Validation errors are 422 `{"message", "errors": {field: text}}`.

Rules Rentvine enforces that a client can only learn from its answer: a payment's account
must be a bank account, and only the lease's primary tenant can be its payer.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.rentvine.api import admit, lease_or_404, recurring_row
from pmsgate.emulators.rentvine.store import Record, RentvineStore
from pmsgate.emulators.rentvine.wire import RentvineError, invalid, money, parse_day, parse_money, stamp, ymd

DESCRIPTION_LIMIT = 255
PAYMENT_TYPES = frozenset(
    {"ACH", "CREDIT_CARD", "DEBIT_CARD", "CHECK", "MONEY_ORDER", "CASH", "OTHER", "CASH_PAY", "CASHIER_CHECK"}
)
BANK_CATEGORY = 1


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise RentvineError(400, "The request body must be JSON.") from None
    if not isinstance(body, dict):
        raise RentvineError(400, "The request body must be a JSON object.")
    return body


def _amount(body: dict[str, Any], field: str = "amount") -> int:
    try:
        cents = parse_money(body.get(field))
    except ValueError:
        raise invalid(field, f"The {field} must be a number.") from None
    if cents <= 0:
        raise invalid(field, f"The {field} must be greater than 0.")
    return cents


def _day(body: dict[str, Any], field: str, *, required: bool = True) -> str | None:
    value = body.get(field)
    if value is None and not required:
        return None
    try:
        return ymd(parse_day(value))
    except ValueError:
        raise invalid(field, f"The {field} is not a valid date.") from None


def _text(body: dict[str, Any], field: str, *, required: bool = True) -> str | None:
    value = body.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, f"The {field} field is required.")
    if len(value) > DESCRIPTION_LIMIT:
        raise invalid(field, f"The {field} may not be greater than {DESCRIPTION_LIMIT} characters.")
    return value


def _account(store: RentvineStore, body: dict[str, Any], field: str) -> Record:
    value = body.get(field)
    account = store.table("accounts").get(value) if isinstance(value, int) else None
    if account is None or not account["isActive"]:
        raise invalid(field, f"The selected {field} is invalid.")
    return account


def _answer(store: RentvineStore, body: dict[str, Any]) -> Response:
    """A committed write's answer, unless a fault loses it."""
    if store.faults.take("fail_writes_after_commit"):
        raise RentvineError(500, "Server Error")
    return JSONResponse(body)


def _now() -> str:
    return stamp(datetime.now(UTC))


def _touch_lease(store: RentvineStore, lease: Record) -> None:
    # Rentvine bumps a lease's dateTimeModified when its ledger changes (its docs say so).
    store.table("leases").put({**lease, "dateTimeModified": _now()})


def _transaction(store: RentvineStore, lease: Record, type_id: int, **values: Any) -> Record:
    now = _now()
    record = {
        "transactionID": store.table("transactions").new_id(), "transactionTypeID": type_id,
        "leaseID": lease["leaseID"], "propertyID": lease["propertyID"], "unitID": lease["unitID"],
        "contactID": next(t["contactID"] for t in lease["tenants"] if t["isPrimary"]),
        "amountPaid": money(0) if type_id == 1 else None, "dateDue": None, "reference": None,
        "paymentType": None, "isVoided": False, "dateTimeCreated": now, "dateTimeModified": now, **values,
    }  # fmt: skip
    if type_id == 1:
        record["dateDue"] = record["datePosted"]
    store.put_transaction(record)
    _touch_lease(store, lease)
    return record


async def _ledger_entry(request: Request, type_id: int) -> Response:
    store = admit(request, "accounting")
    body = await _body(request)
    with store.lock:
        lease = lease_or_404(store, request.path_params["lease_id"])
        account = _account(store, body, "chargeAccountID")
        record = _transaction(
            store, lease, type_id, accountID=account["accountID"], amount=money(_amount(body)),
            datePosted=_day(body, "datePosted"), description=_text(body, "description"),
        )  # fmt: skip
    return _answer(store, {"transaction": record})


async def create_charge(request: Request) -> Response:
    return await _ledger_entry(request, 1)


async def create_credit(request: Request) -> Response:
    return await _ledger_entry(request, 3)


async def create_payment(request: Request) -> Response:
    store = admit(request, "accounting")
    body = await _body(request)
    with store.lock:
        lease = lease_or_404(store, request.path_params["lease_id"])
        account = _account(store, body, "accountID")
        if account["accountCategoryID"] != BANK_CATEGORY:
            raise invalid("accountID", "The selected account must be a bank account.")
        payer = next((t for t in lease["tenants"] if t["contactID"] == body.get("contactID")), None)
        if payer is None or not payer["isPrimary"]:
            raise invalid("contactID", "Payments can only be made by the primary tenant on the lease.")
        if body.get("paymentType") not in PAYMENT_TYPES:
            raise invalid(
                "paymentType", f"The paymentType must be one of {', '.join(sorted(PAYMENT_TYPES))}."
            )
        cents = _amount(body)
        record = _transaction(
            store, lease, 2, contactID=payer["contactID"], accountID=account["accountID"],
            amount=money(cents), datePosted=_day(body, "datePosted"),
            description=_text(body, "description", required=False) or "Payment",
            reference=_text(body, "reference", required=False), paymentType=body["paymentType"],
            allocations=_allocate(store, lease["leaseID"], cents),
        )  # fmt: skip
    return _answer(store, {"transaction": record})


def _allocate(store: RentvineStore, lease_id: int, cents: int) -> list[dict[str, str | int]]:
    """Apply a payment to the lease's oldest open charges; what is left stays a prepayment."""
    allocations: list[dict[str, str | int]] = []
    for charge in store.lease_transactions(lease_id):
        if cents <= 0:
            break
        if charge["transactionTypeID"] != 1 or charge["isVoided"]:
            continue
        open_ = parse_money(charge["amount"]) - parse_money(charge["amountPaid"] or "0")
        applied = min(open_, cents)
        if applied <= 0:
            continue
        paid = parse_money(charge["amountPaid"] or "0") + applied
        store.put_transaction({**charge, "amountPaid": money(paid), "dateTimeModified": _now()})
        allocations.append({"chargeTransactionID": charge["transactionID"], "amount": money(applied)})
        cents -= applied
    return allocations


def _schedule(store: RentvineStore, body: dict[str, Any], current: Record | None) -> dict[str, Any]:
    """The recurring fields of `body`, validated; on update only the fields sent."""
    values: dict[str, Any] = {}
    creating = current is None
    if creating or "accountID" in body:
        values["accountID"] = _account(store, body, "accountID")["accountID"]
    if creating or "amount" in body:
        values["amount"] = money(_amount(body))
    if creating or "dayDue" in body:
        day = body.get("dayDue")
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
            raise invalid("dayDue", "The dayDue must be between 1 and 31.")
        values["dayDue"] = day
    if creating or "description" in body:
        values["description"] = _text(body, "description")
    if creating or "startDate" in body:
        values["startDate"] = _day(body, "startDate")
    if "endDate" in body:
        values["endDate"] = _day(body, "endDate", required=False)
    if "frequency" in body:
        months = body["frequency"]
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 24:
            raise invalid("frequency", "The frequency must be a number of months from 1 to 24.")
        values["frequency"] = months
    merged = {**(current or {}), **values}
    if merged.get("endDate") and parse_day(merged["endDate"]) < parse_day(merged["startDate"]):
        raise invalid("endDate", "The endDate must be a date after or equal to startDate.")
    return values


async def create_recurring(request: Request) -> Response:
    store = admit(request, "leases")
    body = await _body(request)
    with store.lock:
        lease = lease_or_404(store, request.path_params["lease_id"])
        values = _schedule(store, body, None)
        charge = {
            "leaseRecurringChargeID": store.table("recurring").new_id(), "leaseID": lease["leaseID"],
            "endDate": None, "frequency": 1, **values, "dateTimeModified": _now(),
        }  # fmt: skip
        store.table("recurring").put(charge)
        row = recurring_row(store, charge)
    return _answer(store, row)


async def update_recurring(request: Request) -> Response:
    store = admit(request, "leases")
    body = await _body(request)
    with store.lock:
        current = store.table("recurring").get(request.path_params["charge_id"])
        if current is None or current["leaseID"] != request.path_params["lease_id"]:
            raise RentvineError(404, "Not Found")
        charge = {**current, **_schedule(store, body, current), "dateTimeModified": _now()}
        store.table("recurring").put(charge)
        row = recurring_row(store, charge)
    return _answer(store, row)
