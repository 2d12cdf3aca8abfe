"""The Entrata write methods the emulator serves, validated as Entrata would: every record a
call names must exist; a `transactionId` already posted is refused (so a resend cannot double a
charge); each transaction is answered with its own status."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pmsgate.emulators.entrata.reads import Paging, mountain_day
from pmsgate.emulators.entrata.seed import CHARGE_TYPE, CONCESSION_TYPE, Row
from pmsgate.emulators.entrata.store import EntrataError, EntrataStore
from pmsgate.emulators.entrata.wire import CHARGE_CODE_TYPES, CHARGE_TIMINGS


def _status(status: str, message: str, **extra: Any) -> Row:
    return {"@attributes": {**extra, "status": status, "message": message}}


def _post(store: EntrataStore, item: Row) -> Row:
    reference = str(item["transactionId"])
    lease = store.leases.get(int(item["leaseId"]))
    if lease is None:
        return _status("Failed", f"Lease {item['leaseId']} was not found", transactionId=reference)
    if int(item["arCodeId"]) not in store.code_names:
        return _status("Failed", f"AR code {item['arCodeId']} was not found", transactionId=reference)
    amount = Decimal(str(item["transactionAmount"]))
    if amount == 0:
        return _status("Failed", "Transaction amount cannot be zero", transactionId=reference)
    with store.lock:
        if reference in store.sent_ids:
            return _status(
                "Failed", f"Transaction id {reference} was already posted", transactionId=reference
            )
        day = mountain_day(item["transactionDate"])
        month = item.get("arPostMonth")
        post_month = datetime.strptime(month, "%m/%Y").date() if month else day.replace(day=1)
        txn_id = store.next_id("txn")
        store.transactions[txn_id] = {
            "id": txn_id,
            "leaseId": lease["id"],
            "customerId": lease["customers"][0],
            "arCodeId": int(item["arCodeId"]),
            "typeId": CHARGE_TYPE if amount > 0 else CONCESSION_TYPE,
            "amount": amount,
            "amountPaid": Decimal(0),
            "date": day,
            "postMonth": post_month,
            "description": item.get("description") or "",
            "arPaymentId": None,
            "transactionId": reference,
            "temporary": bool(int(item.get("isApprovalRequired") or 0)),
        }
        store.by_lease[lease["id"]].append(txn_id)
        store.sent_ids.add(reference)
    return _status("Success", "Transaction posted", referenceId=txn_id, transactionId=reference)


def send_lease_ar_transactions(
    store: EntrataStore, params: dict[str, Any], _paging: Paging
) -> dict[str, Any]:
    rows = params["transaction"] if isinstance(params["transaction"], list) else [params["transaction"]]
    return {"Transactions": {"Transaction": [_post(store, item) for item in rows]}}


def send_scheduled_charges(store: EntrataStore, params: dict[str, Any], _paging: Paging) -> dict[str, Any]:
    lease = store.leases.get(int(params["leaseId"]))
    if lease is None or lease["propertyId"] != int(params["propertyId"]):
        raise EntrataError(303, f"Lease {params['leaseId']} was not found at property {params['propertyId']}")
    problems = []
    if int(params["chargeCodeId"]) not in store.code_names:
        problems.append(f"chargeCodeId {params['chargeCodeId']} is not an AR code")
    if int(params["chargeTimingId"]) not in CHARGE_TIMINGS:
        problems.append(f"chargeTimingId {params['chargeTimingId']} is not a charge timing")
    if int(params["chargeCodeTypeId"]) not in CHARGE_CODE_TYPES:
        problems.append(f"chargeCodeTypeId {params['chargeCodeTypeId']} is not a charge code type")
    amount = Decimal(str(params["amount"]))
    if amount <= 0:
        problems.append("amount must be greater than 0")
    start, end = mountain_day(params["startDate"]), mountain_day(params.get("endDate"))
    if end is not None and end < start:
        problems.append("endDate is before startDate")
    if problems:
        raise EntrataError(302, "; ".join(problems))
    with store.lock:
        schedule_id = store.next_id("sched")
        store.scheduled[schedule_id] = {
            "id": schedule_id,
            "leaseId": lease["id"],
            "arCodeId": int(params["chargeCodeId"]),
            "timing": CHARGE_TIMINGS[int(params["chargeTimingId"])],
            "start": start,
            "end": end,
            "amount": amount,
            "description": params.get("description") or "",
        }
    row = {
        "id": str(schedule_id),
        "node": "scheduledCharge",
        "status": "Success",
        "message": "Scheduled charge added",
    }
    return {"scheduledCharges": {"scheduledCharge": [row]}}


WRITES = {
    "sendLeaseArTransactions": send_lease_ar_transactions,
    "sendScheduledCharges": send_scheduled_charges,
}
