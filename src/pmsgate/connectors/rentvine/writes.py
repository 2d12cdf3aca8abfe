"""Rentvine writes: a generic `WriteRequest` -> Rentvine's native call, and back.

    CREATE_RESIDENT_CHARGE   POST /accounting/leases/{leaseID}/charges   {"transaction": {...}}
    CREATE_RESIDENT_CREDIT   POST /accounting/leases/{leaseID}/credits   {"transaction": {...}}
    CREATE_RESIDENT_PAYMENT  POST /accounting/leases/{leaseID}/payments  {"transaction": {...}}
    CREATE_RECURRING_CHARGE  POST /leases/{leaseID}/recurring-charges    {"recurringCharge": {...}}
    UPDATE_RECURRING_CHARGE  POST /leases/{leaseID}/recurring-charges/{id} (Rentvine updates by POST)

The marker: Rentvine charges have no reference field, so every create appends " [PMSG-…]" to
its description; `find_written` searches transactions (`search=`) or lists the lease's recurring
charges for it. An update needs no marker: it happened when the record holds every value it sets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.connectors import markers
from pmsgate.connectors.errors import PermanentError, VendorRejected
from pmsgate.connectors.markers import reflects
from pmsgate.connectors.rentvine import mapping_ledger as ml
from pmsgate.connectors.rentvine.client import RentvineClient
from pmsgate.connectors.rentvine.fields import entity
from pmsgate.connectors.rentvine.rules import DESCRIPTION_LIMIT
from pmsgate.connectors.writes import WriteOperation, WriteOutcome, WriteRequest, utc_day
from pmsgate.kit.money import cents_to_decimal_str
from pmsgate.kit.timeutil import utcnow

Op = WriteOperation
LEDGER_PATHS = {
    Op.CREATE_RESIDENT_CHARGE: "charges",
    Op.CREATE_RESIDENT_CREDIT: "credits",
    Op.CREATE_RESIDENT_PAYMENT: "payments",
}
LEDGER_TYPES = {
    Op.CREATE_RESIDENT_CHARGE: ml.CHARGE,
    Op.CREATE_RESIDENT_CREDIT: ml.CREDIT,
    Op.CREATE_RESIDENT_PAYMENT: ml.PAYMENT,
}
# Generic payment types -> Rentvine's (ACH, CREDIT_CARD, DEBIT_CARD, CHECK, MONEY_ORDER, CASH,
# OTHER, CASH_PAY, CASHIER_CHECK).
PAYMENT_TYPES = {
    "ACH": "ACH",
    "eCheck": "ACH",
    "Cash": "CASH",
    "Check": "CHECK",
    "Cashiers Check": "CASHIER_CHECK",
    "Credit Card": "CREDIT_CARD",
    "Debit Card": "DEBIT_CARD",
    "Money Order": "MONEY_ORDER",
}


def native_int(name: str, value: Any) -> int:
    text = str(value).rpartition(":")[2] if name == "financial_account_id" else str(value)
    if not text.isdigit():
        raise VendorRejected(f"{name}: {value!r} is not a Rentvine id")
    return int(text)


def ymd(value: Any) -> str:
    """An ISO-8601 date-time, a date or a datetime -> 'YYYY-MM-DD', the UTC calendar day."""
    return utc_day(value).isoformat()


def tagged(text: Any, marker: str) -> str:
    return markers.append(text, marker, DESCRIPTION_LIMIT)


def _payment_type(value: Any) -> str:
    key = getattr(value, "value", value)
    if key not in PAYMENT_TYPES:
        raise VendorRejected(f"payment_type: Rentvine has no equivalent of {key!r}")
    return PAYMENT_TYPES[key]


def native_body(request: WriteRequest) -> dict[str, Any]:
    f, op = request.fields, request.operation
    amount = cents_to_decimal_str(int(f["amount_in_cents"])) if f.get("amount_in_cents") is not None else None
    if op in (Op.CREATE_RESIDENT_CHARGE, Op.CREATE_RESIDENT_CREDIT):
        return {
            "chargeAccountID": native_int("financial_account_id", f["x_financial_account_id"]),
            "amount": amount,
            "datePosted": ymd(f["transaction_date"]),
            "description": tagged(f.get("description"), request.marker),
        }
    if op is Op.CREATE_RESIDENT_PAYMENT:
        body: dict[str, Any] = {
            "contactID": native_int("resident_id", f["x_resident_id"]),
            "accountID": native_int("financial_account_id", f["x_financial_account_id"]),
            "amount": amount,
            "paymentType": _payment_type(f["payment_type"]),
            "datePosted": ymd(f["transaction_date"]),
            "description": tagged(f.get("description"), request.marker),
        }
        if f.get("reference_number") is not None:
            body["reference"] = str(f["reference_number"])
        if f.get("send_email_receipt") is not None:
            body["sendEmailReceipt"] = bool(f["send_email_receipt"])
        return body
    schedule = _schedule(f)
    if op is Op.CREATE_RECURRING_CHARGE:
        schedule.setdefault("frequency", 1)
        schedule.setdefault("endDate", None)
        schedule["description"] = tagged(f.get("description"), request.marker)
    return schedule


_SCHEDULE: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "x_financial_account_id": ("accountID", lambda v: native_int("financial_account_id", v)),
    "amount_in_cents": ("amount", lambda v: cents_to_decimal_str(int(v))),
    "day_due": ("dayDue", int),
    "charge_due_day": ("dayDue", int),
    "start_date": ("startDate", ymd),
    "end_date": ("endDate", ymd),
    "frequency_raw": ("frequency", int),
    "frequency_normalized": ("frequency", lambda _v: 1),  # rules admit MONTHLY only
    "description": ("description", str),
}


def _schedule(fields: Any) -> dict[str, Any]:
    return {
        native: convert(fields[name])
        for name, (native, convert) in _SCHEDULE.items()
        if fields.get(name) is not None
    }


class RentvineWrites:
    """The write half of the Rentvine connector (it delegates here)."""

    def __init__(self, client: RentvineClient) -> None:
        self.client = client
        self._lease_of: dict[str, str] = {}  # recurring charge x_id -> lease id, for read_back
        self._property_of: dict[str, str] = {}  # lease id -> property id

    def write(self, request: WriteRequest) -> WriteOutcome:
        op, lease_id = request.operation, str(native_int("lease_id", request.fields["x_lease_id"]))
        body = native_body(request)
        if op in LEDGER_PATHS:
            answer = self.client.post(f"/accounting/leases/{lease_id}/{LEDGER_PATHS[op]}", body)
            return WriteOutcome(
                x_id=_created(answer, "transaction", "transactionID"), records=self._ledger(op, answer)
            )
        path = f"/leases/{lease_id}/recurring-charges"
        if op is Op.UPDATE_RECURRING_CHARGE:
            path += f"/{native_int('x_id', request.fields['x_id'])}"
        answer = self.client.post(path, body)
        x_id = _created(answer, "recurringCharge", "leaseRecurringChargeID")
        if x_id is None:
            return WriteOutcome(x_id=None)
        self._lease_of[x_id] = lease_id
        property_id = request.fields.get("x_property_id") or self._property(lease_id)
        return WriteOutcome(x_id=x_id, records=[ml.map_recurring(answer, str(property_id), utcnow().date())])

    def find_written(self, request: WriteRequest) -> list[str]:
        op, lease_id = request.operation, str(native_int("lease_id", request.fields["x_lease_id"]))
        if op in LEDGER_TYPES:
            params = {
                "search": request.marker,
                "leaseIDs[]": [lease_id],
                "transactionTypeIDs[]": [str(LEDGER_TYPES[op])],
            }
            rows = self.client.all_rows("/accounting/transactions/search", params, 100)
            return [str(entity(r, "transaction")["transactionID"]) for r in rows]
        rows = self.client.all_rows(f"/leases/{lease_id}/recurring-charges", {}, 100)
        charges = [entity(r, "recurringCharge") for r in rows]
        if op is Op.UPDATE_RECURRING_CHARGE:
            x_id, patch = str(request.fields["x_id"]), native_body(request)
            found = [
                x_id
                for c in charges
                if str(c.get("leaseRecurringChargeID")) == x_id and reflects(patch, dict(c))
            ]
        else:
            found = [
                str(c["leaseRecurringChargeID"])
                for c in charges
                if markers.tag(request.marker) in str(c.get("description"))
            ]
        self._lease_of.update(dict.fromkeys(found, lease_id))
        return found

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        if operation in LEDGER_PATHS:
            return self._ledger(
                operation, self.client.get(f"/accounting/transactions/{native_int('x_id', x_id)}")
            )
        lease_id = self._lease_of.get(x_id)
        if lease_id is None:  # Rentvine reads a recurring charge only through its lease
            raise PermanentError(f"cannot read recurring charge {x_id} back without its lease")
        answer = self.client.get(f"/leases/{lease_id}/recurring-charges/{native_int('x_id', x_id)}")
        return [ml.map_recurring(answer, self._property(lease_id), utcnow().date())]

    def _ledger(self, op: WriteOperation, answer: Any) -> Sequence[CanonicalRecord]:
        try:
            return ml.map_payment(answer) if op is Op.CREATE_RESIDENT_PAYMENT else ml.map_charge(answer)
        except (ValueError, TypeError, KeyError, AttributeError):
            return ()  # stored, but the answer is not the record: the next sync brings it

    def _property(self, lease_id: str) -> str:
        if lease_id not in self._property_of:
            rows = self.client.rows("/leases/export", {"leaseIDs[]": [lease_id], "page": 1, "pageSize": 1})
            if not rows:
                raise PermanentError(f"Rentvine has no lease {lease_id}")
            self._property_of[lease_id] = str(entity(rows[0], "lease")["propertyID"])
        return self._property_of[lease_id]


def _created(answer: Any, name: str, id_field: str) -> str | None:
    try:
        value = entity(answer, name).get(id_field)
    except ValueError:
        return None
    return None if value is None else str(value)
