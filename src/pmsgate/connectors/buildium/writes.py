"""BUILDIUM writes: a generic `WriteRequest` -> Buildium's lease-ledger calls, and back.

    CREATE_RESIDENT_CHARGE   POST /v1/leases/{leaseId}/charges          201 [LeaseTransactionMessage]
    CREATE_RESIDENT_CREDIT   POST /v1/leases/{leaseId}/credits          201 LeaseTransactionMessage
    CREATE_RESIDENT_PAYMENT  POST /v1/leases/{leaseId}/payments         201 LeaseTransactionMessage
    CREATE_RECURRING_CHARGE  POST /v1/leases/{leaseId}/recurringcharges
                             201 LeaseChargeRecurringTransactionMessage

Amounts go as dollars (JSON numbers), dates as YYYY-MM-DD (the UTC day of the generic value).
The marker: charges and payments carry it as their reference number when the client gave none;
otherwise (and always for credits and recurring charges, which have no reference field) it is
appended to the memo as " [PMSG-…]". `find_written` lists the lease's transactions of that day
(or its recurring charges) and keeps those carrying the marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.connectors import markers
from pmsgate.connectors.buildium.client import BuildiumClient
from pmsgate.connectors.buildium.ledger import LeaseKey, map_recurring, map_transaction
from pmsgate.connectors.buildium.rules import MEMO_LIMIT
from pmsgate.connectors.errors import PermanentError, VendorRejected
from pmsgate.connectors.writes import WriteOperation, WriteOutcome, WriteRequest, dollars, integer_key
from pmsgate.kit.timeutil import parse_datetime

Op = WriteOperation
PATHS = {
    Op.CREATE_RESIDENT_CHARGE: "charges",
    Op.CREATE_RESIDENT_CREDIT: "credits",
    Op.CREATE_RESIDENT_PAYMENT: "payments",
    Op.CREATE_RECURRING_CHARGE: "recurringcharges",
}
TRANSACTION_TYPE = {
    Op.CREATE_RESIDENT_CHARGE: "Charge",
    Op.CREATE_RESIDENT_CREDIT: "Credit",
    Op.CREATE_RESIDENT_PAYMENT: "Payment",
}
# Generic payment types -> Buildium's PaymentMethod.
PAYMENT_METHODS = {
    "ACH": "DirectDeposit",
    "eCheck": "ElectronicPayment",
    "Cash": "Cash",
    "Check": "Check",
    "Cashiers Check": "CashierCheck",
    "Credit Card": "CreditCard",
    "Debit Card": "CreditCard",
    "Money Order": "MoneyOrder",
}
FREQUENCIES = {"DAILY": "Daily", "WEEKLY": "Weekly", "MONTHLY": "Monthly"}


def native_id(value: Any, name: str) -> int:
    return integer_key(value, name, "a Buildium id")


def day(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    try:
        return parse_datetime(str(value)).date().isoformat()
    except ValueError:
        raise VendorRejected(f"{value!r} is not an ISO-8601 date") from None


def reference(request: WriteRequest) -> str | None:
    """The reference number a charge or payment carries (credits and recurring have none)."""
    if request.operation not in (Op.CREATE_RESIDENT_CHARGE, Op.CREATE_RESIDENT_PAYMENT):
        return None
    return markers.reference(request.fields, request.marker)


def marker_tag(request: WriteRequest) -> str | None:
    return None if reference(request) == request.marker else markers.tag(request.marker)


def memo(request: WriteRequest) -> str | None:
    in_memo = None if reference(request) == request.marker else request.marker
    return markers.memo(request.fields.get("description"), in_memo, MEMO_LIMIT)


def native_body(request: WriteRequest) -> dict[str, Any]:
    fields, op = request.fields, request.operation
    account = native_id(fields["x_financial_account_id"], "financial_account_id")
    amount = dollars(fields["amount_in_cents"])
    if op is Op.CREATE_RECURRING_CHARGE:
        body: dict[str, Any] = {
            "GLAccountId": account,
            "Amount": amount,
            "FirstOccurrenceDate": day(fields["start_date"]),
            "PostDaysInAdvance": 0,
            "Frequency": FREQUENCIES[
                str(getattr(fields["frequency_normalized"], "value", fields["frequency_normalized"]))
            ],
            "Duration": "UntilEndOfTerm",
        }
    elif op is Op.CREATE_RESIDENT_CHARGE:
        body = {
            "Date": day(fields["transaction_date"]),
            "Lines": [{"Amount": amount, "GLAccountId": account, "ReferenceNumber": reference(request)}],
        }
    elif op is Op.CREATE_RESIDENT_CREDIT:
        body = {
            "Date": day(fields["transaction_date"]),
            "CreditType": "WaiveUnpaid",
            "Lines": [{"Amount": amount, "GlAccountId": account}],
        }
    else:
        payment_type = str(getattr(fields["payment_type"], "value", fields["payment_type"]))
        if payment_type not in PAYMENT_METHODS:
            raise VendorRejected(f"payment_type: Buildium has no equivalent of {payment_type!r}")
        body = {
            "Date": day(fields["transaction_date"]),
            "PaymentMethod": PAYMENT_METHODS[payment_type],
            "ReferenceNumber": reference(request),
            "SendEmailReceipt": bool(fields["send_email_receipt"]),
            "Lines": [{"Amount": amount, "GLAccountId": account}],
        }
        if fields.get("x_resident_id") is not None:
            body["PayeeUserId"] = native_id(fields["x_resident_id"], "resident_id")
    text = memo(request)
    if text is not None:
        body["Memo"] = text
    return body


class BuildiumWrites:
    def __init__(self, client: BuildiumClient) -> None:
        self.client = client
        self._leases: dict[str, LeaseKey] = {}  # created x_id -> its lease, for read_back

    def _lease(self, request: WriteRequest) -> LeaseKey:
        fields = request.fields
        lease_id = native_id(fields.get("x_lease_id"), "lease_id")
        x_unit = fields.get("x_unit_id")
        return LeaseKey(
            str(lease_id), str(fields.get("x_property_id") or ""), None if x_unit is None else str(x_unit)
        )

    def write(self, request: WriteRequest) -> WriteOutcome:
        lease = self._lease(request)
        path = f"/v1/leases/{lease.lease_id}/{PATHS[request.operation]}"
        answer = self.client.send("POST", path, native_body(request))
        created = answer[0] if isinstance(answer, list) and answer else answer
        if not isinstance(created, dict) or created.get("Id") is None:
            found = self.find_written(request)  # stored, but the answer does not name it
            return WriteOutcome(x_id=found[0] if len(found) == 1 else None)
        x_id = str(created["Id"])
        self._leases[x_id] = lease
        return WriteOutcome(x_id=x_id, records=self._map(request.operation, created, lease))

    def find_written(self, request: WriteRequest) -> list[str]:
        lease, tag, ref = self._lease(request), marker_tag(request), reference(request)
        if request.operation is Op.CREATE_RECURRING_CHARGE:
            rows = self.client.every("/v1/leases/recurringtransactions", {"leaseids": [lease.lease_id]})
        else:
            date = day(request.fields["transaction_date"])
            params = {
                "transactiondatefrom": date,
                "transactiondateto": date,
                "transactiontypes": [TRANSACTION_TYPE[request.operation]],
            }
            rows = self.client.every(f"/v1/leases/{lease.lease_id}/transactions", params)
        found = [str(row["Id"]) for row in rows if isinstance(row, dict) and _carries(row, ref, tag)]
        for x_id in found:
            self._leases[x_id] = lease
        return found

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        lease = self._leases.get(x_id)
        if lease is None:
            raise PermanentError(
                f"Buildium record {x_id}: its lease is not known here; the next sync reads it"
            )
        kind = "recurringcharges" if operation is Op.CREATE_RECURRING_CHARGE else "transactions"
        raw = self.client.get(f"/v1/leases/{lease.lease_id}/{kind}/{native_id(x_id, 'x_id')}")
        if not isinstance(raw, dict):
            raise PermanentError(f"Buildium answered record {x_id} with no object")
        return self._map(operation, raw, lease)

    @staticmethod
    def _map(operation: WriteOperation, raw: dict[str, Any], lease: LeaseKey) -> Sequence[CanonicalRecord]:
        try:
            if operation is Op.CREATE_RECURRING_CHARGE:
                return map_recurring(raw, lease)
            return map_transaction(raw, lease)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise PermanentError(f"Buildium record {raw.get('Id')} cannot be read: {exc}") from exc


def _carries(row: dict[str, Any], ref: str | None, tag: str | None) -> bool:
    """Whether a listed transaction or recurring charge is the one this request made."""
    journal = row.get("Journal") or {}
    memo_text = str(row.get("Memo") or journal.get("Memo") or "")
    if tag is not None:
        return tag in memo_text
    lines = journal.get("Lines") or []
    refs = {str(line.get("ReferenceNumber")) for line in lines if isinstance(line, dict)}
    return ref in refs or row.get("CheckNumber") == ref
