"""Propertyware's (BETA) lease writes: validate a Save* body as the API does, store the
record, answer it (201). No idempotency: the same body posted twice is stored twice."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.propertyware.api import admit
from pmsgate.emulators.propertyware.seed_ledger import apply
from pmsgate.emulators.propertyware.store import PwStore, Record
from pmsgate.emulators.propertyware.wire import PwError, bad_request, cents, dollars, parse_day, stamp
from pmsgate.kit.timeutil import utcnow

PAYMENT_TYPES = frozenset(
    {"CHECK", "CHECK21", "CASHIERS_CHECK", "CREDIT_CARD", "CASH", "MONEY_ORDER", "OTHER", "CLICKPAY"}
    | {"SECTION8", "EPAY", "ECHECK", "NACHA", "RENTMONEY", "PUBLIC_ASSISTANCE", "PAYMENT_TYPE_NA"}
)
FREQUENCIES = frozenset({"WEEKLY", "MONTHLY", "QUARTERLY", "SEMIANUUAL", "ANUUAL", "ANUUAL_ACCRUAL"})


def _object(body: Any, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise PwError(400, "Unable to process the request due to malformed request syntax.")
    missing = [key for key in required if body.get(key) is None]
    if missing:
        raise PwError(400, "Required fields are missing.", errors=[(k, f"{k} is required") for k in missing])
    return body


def _id(store: PwStore, body: dict[str, Any], key: str, collection: str) -> Record:
    value = body.get(key)
    record = store.get(collection, value) if isinstance(value, int) and not isinstance(value, bool) else None
    if record is None:
        raise bad_request(key, f"{key} {value!r} does not exist")
    return record


def _account(store: PwStore, body: dict[str, Any], key: str, *, bank: bool = False) -> Record:
    account = _id(store, body, key, "glaccounts")
    if not account.get("active", True):
        raise bad_request(key, f"GL account {account['id']} is deactivated")
    if bank and account.get("accountType") != "Bank":
        raise bad_request(key, f"GL account {account['id']} is not a bank account")
    return account


def _audit() -> dict[str, str]:
    now = stamp(utcnow())
    return {"createdBy": "api", "createdDateTime": now, "lastModifiedBy": "api", "lastModifiedDateTime": now}


def _text(body: dict[str, Any], key: str) -> dict[str, str]:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise bad_request(key, f"{key} must be a string")
    return {} if value is None else {key: value}


def save_charge(store: PwStore, body: Any) -> Record:
    body = _object(body, ("amount", "date", "glAccountID", "leaseID"))
    lease, account = _id(store, body, "leaseID", "leases"), _account(store, body, "glAccountID")
    amount = cents(body["amount"], "amount")
    if amount < 0:
        raise bad_request("amount", "amount must not be negative; post a credit or adjustment")
    return {
        "id": store.new_id(),
        "leaseID": lease["id"],
        "portfolioID": lease["portfolioID"],
        "glAccountID": account["id"],
        "amount": dollars(amount),
        "amountDue": dollars(amount),
        "amountPaid": 0.0,
        "date": parse_day(body["date"], "date").isoformat(),
        **_text(body, "comments"),
        **_text(body, "refNo"),
        "payments": [],
        **_audit(),
    }


def save_adjustment(store: PwStore, body: Any) -> Record:
    body = _object(body, ("amount", "leaseID"))
    lease, amount = _id(store, body, "leaseID", "leases"), cents(body["amount"], "amount")
    if amount >= 0:
        raise bad_request("amount", "amount should be negative")
    posted = parse_day(body["date"], "date") if body.get("date") is not None else utcnow().date()
    adjustments = next((a for a in store.rows("glaccounts") if a.get("discountAccount")), None)
    return {
        "id": store.new_id(),
        "leaseID": lease["id"],
        "portfolioID": lease["portfolioID"],
        **({} if adjustments is None else {"glAccountID": adjustments["id"]}),
        "amount": dollars(amount),
        "date": posted.isoformat(),
        **_text(body, "comments"),
        **_text(body, "refNo"),
        **_audit(),
    }


def save_payment(store: PwStore, body: Any) -> Record:
    required = ("amount", "contactID", "date", "depositDate", "destinationAccountID", "leaseID")
    body = _object(body, (*required, "paymentType", "refNo"))
    lease = _id(store, body, "leaseID", "leases")
    bank = _account(store, body, "destinationAccountID", bank=True)
    if body["contactID"] not in {c["id"] for c in lease.get("contacts", [])}:
        raise bad_request("contactID", f"contact {body['contactID']} is not a tenant on lease {lease['id']}")
    if body["paymentType"] not in PAYMENT_TYPES:
        raise bad_request("paymentType", f"unknown paymentType {body['paymentType']!r}")
    amount = cents(body["amount"], "amount")
    if amount <= 0:
        raise bad_request("amount", "amount must be greater than 0")
    day = parse_day(body["date"], "date").isoformat()
    payment = {
        "id": store.new_id(),
        "leaseID": lease["id"],
        "portfolioID": lease["portfolioID"],
        "contactID": body["contactID"],
        "amount": dollars(amount),
        "date": day,
        "depositDate": parse_day(body["depositDate"], "depositDate").isoformat(),
        "destinationAccountID": bank["id"],
        "glAccountID": bank["id"],
        "paymentType": body["paymentType"],
        "refNo": str(body["refNo"]),
        **_text(body, "comments"),
        "isDeposited": False,
        "lines": [],
        **_audit(),
    }
    _apply_to_open_charges(store, payment, amount)
    return payment


def _apply_to_open_charges(store: PwStore, payment: Record, amount: int) -> None:
    """Pay the lease's oldest open charges first, as Propertyware's auto-apply does."""
    open_charges = sorted(
        (c for c in store.where("charges", leaseID=payment["leaseID"]) if c["amountDue"] > 0),
        key=lambda c: (c["date"], c["id"]),
    )
    left = amount
    for charge in open_charges:
        if left <= 0:
            break
        part = min(left, round(charge["amountDue"] * 100))
        updated = json.loads(json.dumps(charge))
        apply(updated, payment, part)
        store.put("charges", updated)
        left -= part


def save_autocharges(store: PwStore, body: Any) -> list[Record]:
    body = _object(body, ("charges", "leaseID"))
    lease = _id(store, body, "leaseID", "leases")
    if not isinstance(body["charges"], list) or not body["charges"]:
        raise bad_request("charges", "charges must be a non-empty list")
    created = []
    for item in body["charges"]:
        item = _object(item, ("amount", "dueDay", "frequency", "glAccountID", "startDate"))
        account, amount = _account(store, item, "glAccountID"), cents(item["amount"], "amount")
        frequency, due_day = item["frequency"], item["dueDay"]
        if frequency not in FREQUENCIES:
            raise bad_request("frequency", f"unknown frequency {frequency!r}")
        top = 7 if frequency == "WEEKLY" else 31
        if not isinstance(due_day, int) or not 1 <= due_day <= top:
            raise bad_request(
                "dueDay", 'Allowed values : For frequency "Weekly" (1 to 7), for other (1 to 31)'
            )
        if amount <= 0:
            raise bad_request("amount", "amount must be greater than 0")
        reference = item.get("referenceNumber")
        if reference is not None and len(str(reference)) > 35:
            raise bad_request("referenceNumber", "referenceNumber must be at most 35 characters")
        start = parse_day(item["startDate"], "startDate")
        end: date | None = parse_day(item["endDate"], "endDate") if item.get("endDate") is not None else None
        if end is not None and end < start:
            raise bad_request("endDate", "endDate must not be before startDate")
        created.append(
            {
                "id": store.new_id(),
                "leaseID": lease["id"],
                "glAccountID": account["id"],
                "amount": dollars(amount),
                "frequency": frequency,
                "dueDay": due_day,
                "startDate": start.isoformat(),
                **({"endDate": end.isoformat()} if end else {}),
                **_text(item, "description"),
                **_text(item, "referenceNumber"),
                **_audit(),
            }
        )
    return created


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        raise PwError(400, "Unable to process the request due to malformed request syntax.") from None


def _answer(store: PwStore, body: Any) -> Response:
    """A committed write is answered 201, unless the fault plan loses the answer."""
    if store.faults.take("fail_writes_after_commit"):
        raise PwError(500, "An unexpected error occurred.")
    return JSONResponse(body, status_code=201)


def creator(collection: str, save: Callable[[PwStore, Any], Record]) -> Callable[[Request], Any]:
    async def create(request: Request) -> Response:
        store = admit(request, collection, write=True)
        record = save(store, await _json(request))
        return _answer(store, store.put(collection, record))

    return create


async def create_autocharges(request: Request) -> Response:
    store = admit(request, "autocharges", write=True)
    records = save_autocharges(store, await _json(request))
    return _answer(store, [store.put("autocharges", r) for r in records])


async def create_charges_bulk(request: Request) -> Response:
    """All or nothing: any invalid item answers 400 with one RESTAPIBulkErrorResponse per item."""
    store = admit(request, "charges", write=True)
    body = await _json(request)
    if not isinstance(body, list) or not body:
        raise PwError(400, "Send a non-empty array of charges.")
    saved, errors = [], []
    for index, item in enumerate(body):
        try:
            saved.append(save_charge(store, item))
            errors.append({"index": index, "success": True, "error": []})
        except PwError as exc:
            keyed = exc.errors or [("", exc.message)]
            errors.append(
                {"index": index, "success": False, "error": [{"key": k, "message": m} for k, m in keyed]}
            )
    if any(not e["success"] for e in errors):
        return JSONResponse(errors, status_code=400)
    return _answer(store, [{"id": store.put("charges", r)["id"]} for r in saved])
