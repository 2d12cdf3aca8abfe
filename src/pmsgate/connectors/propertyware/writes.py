"""PROPERTYWARE_REST writes: a generic `WriteRequest` -> Propertyware's (BETA) write calls.

    CREATE_RESIDENT_CHARGE        POST /leases/charges       SaveCharge      201 ChargeTx
    CREATE_RESIDENT_CHARGE_BATCH  POST /leases/charges/bulk  SaveCharge[]    201 [{id}]  (ids not used)
    CREATE_RESIDENT_CREDIT        POST /leases/adjustments   SaveAdjustment  201 Adjustment (amount < 0)
    CREATE_RESIDENT_PAYMENT       POST /leases/payments      SavePayment     201 Payment
    CREATE_RECURRING_CHARGE       POST /leases/autocharges   AutoCharge      201 [Charge]

The marker: Propertyware has no idempotency (a repeated POST posts twice), so every create
carries the job's marker. It is the reference number when the client gave none; otherwise the
client's reference stays and " [PMSG-…]" is appended to the comments/description.
`find_written` lists the lease's records of that kind (`?leaseID=`) and keeps those carrying it.
Propertyware has no GET by id for transactions, so `read_back` looks among recently modified ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.connectors import markers
from pmsgate.connectors.errors import PermanentError, TransientError, VendorRejected
from pmsgate.connectors.propertyware import ledger
from pmsgate.connectors.propertyware.client import PropertywareClient, decode, stamp
from pmsgate.connectors.propertyware.places import Places
from pmsgate.connectors.writes import WriteOperation, WriteOutcome, WriteRequest, dollars, integer_key
from pmsgate.kit.timeutil import parse_datetime, utcnow

Op = WriteOperation
Mapper = Callable[[Mapping[str, Any], Places], Sequence[CanonicalRecord]]
READ_BACK_WINDOW = timedelta(days=2)  # a created record was modified at most this long ago


@dataclass(frozen=True)
class Endpoint:
    path: str  # where a create is POSTed
    collection: str  # where the record then lives (GET ?leaseID=…)
    ref_field: str
    text_field: str
    mapper: Mapper


_CHARGES = Endpoint("/leases/charges", "/leases/charges", "refNo", "comments", ledger.map_charge)
ENDPOINTS: dict[WriteOperation, Endpoint] = {
    Op.CREATE_RESIDENT_CHARGE: _CHARGES,
    Op.CREATE_RESIDENT_CHARGE_BATCH: Endpoint(
        "/leases/charges/bulk", "/leases/charges", "refNo", "comments", ledger.map_charge
    ),
    Op.CREATE_RESIDENT_CREDIT: Endpoint(
        "/leases/adjustments", "/leases/adjustments", "refNo", "comments", ledger.map_adjustment
    ),
    Op.CREATE_RESIDENT_PAYMENT: Endpoint(
        "/leases/payments", "/leases/payments", "refNo", "comments", ledger.map_payment
    ),
    Op.CREATE_RECURRING_CHARGE: Endpoint(
        "/leases/autocharges", "/leases/autocharges", "referenceNumber", "description", ledger.map_autocharge
    ),
}
# Generic payment types -> Propertyware's paymentType enum (it has no debit card: card payments
# are CREDIT_CARD; ACH batches are NACHA).
PAYMENT_TYPES = {
    "ACH": "NACHA",
    "Cash": "CASH",
    "Cashiers Check": "CASHIERS_CHECK",
    "Check": "CHECK",
    "Credit Card": "CREDIT_CARD",
    "Debit Card": "CREDIT_CARD",
    "eCheck": "ECHECK",
    "Money Order": "MONEY_ORDER",
}
FREQUENCIES = {"WEEKLY": "WEEKLY", "MONTHLY": "MONTHLY"}


def native_id(name: str, value: Any) -> int:
    return integer_key(value, name, "a Propertyware id")


def day(value: Any) -> str:
    """An ISO-8601 date-time or date -> 'YYYY-MM-DD', the UTC calendar day."""
    try:
        return parse_datetime(str(value)).date().isoformat()
    except ValueError:
        raise VendorRejected(f"{value!r} is not an ISO-8601 date") from None


def _choice(table: Mapping[str, str], name: str, value: Any) -> str:
    key = getattr(value, "value", value)
    if key not in table:
        raise VendorRejected(f"{name}: Propertyware has no equivalent of {key!r}")
    return table[key]


def _marked(fields: Mapping[str, Any], marker: str) -> tuple[str, str | None]:
    """(reference, text): the marker is the reference, or tags the text when the client set one."""
    in_text = marker if fields.get("reference_number") else None
    return markers.reference(fields, marker), markers.memo(fields.get("description"), in_text)


def _ledger_body(fields: Mapping[str, Any], marker: str, *, sign: int = 1) -> dict[str, Any]:
    reference, text = _marked(fields, marker)
    body: dict[str, Any] = {
        "amount": sign * dollars(fields["amount_in_cents"]),
        "date": day(fields["transaction_date"]),
        "leaseID": native_id("lease_id", fields["x_lease_id"]),
        "refNo": reference,
    }
    if fields.get("x_financial_account_id") is not None:
        body["glAccountID"] = native_id("financial_account_id", fields["x_financial_account_id"])
    if text is not None:
        body["comments"] = text
    return body


def native_body(request: WriteRequest) -> Any:
    """The JSON body of the native call."""
    fields, marker, op = request.fields, request.marker, request.operation
    if op is Op.CREATE_RESIDENT_CHARGE:
        return _ledger_body(fields, marker)
    if op is Op.CREATE_RESIDENT_CHARGE_BATCH:
        return [_ledger_body(item, marker) for item in fields["items"]]
    if op is Op.CREATE_RESIDENT_CREDIT:
        return _ledger_body(fields, marker, sign=-1)  # SaveAdjustment: "Amount, should be negative"
    if op is Op.CREATE_RESIDENT_PAYMENT:
        body = _ledger_body({k: v for k, v in fields.items() if k != "x_financial_account_id"}, marker)
        body["contactID"] = native_id("resident_id", fields["x_resident_id"])
        body["destinationAccountID"] = native_id("financial_account_id", fields["x_financial_account_id"])
        body["depositDate"] = body["date"]
        body["paymentType"] = _choice(PAYMENT_TYPES, "payment_type", fields["payment_type"])
        return body
    reference, text = _marked(fields, marker)
    charge: dict[str, Any] = {
        "amount": dollars(fields["amount_in_cents"]),
        "dueDay": int(fields["charge_due_day"]),
        "frequency": _choice(FREQUENCIES, "frequency_normalized", fields["frequency_normalized"]),
        "glAccountID": native_id("financial_account_id", fields["x_financial_account_id"]),
        "startDate": day(fields["start_date"]),
        "referenceNumber": reference,
    }
    if fields.get("end_date") is not None:
        charge["endDate"] = day(fields["end_date"])
    if text is not None:
        charge["description"] = text
    return {"leaseID": native_id("lease_id", fields["x_lease_id"]), "charges": [charge]}


class PropertywareWrites:
    """The write half of the connector (it delegates here)."""

    def __init__(self, client: PropertywareClient, places_for: Callable[[list[Any]], Places]) -> None:
        self.client = client
        self.places_for = places_for

    def write(self, request: WriteRequest) -> WriteOutcome:
        endpoint = ENDPOINTS[request.operation]
        response = self.client.send("POST", endpoint.path, native_body(request))
        if request.operation is Op.CREATE_RESIDENT_CHARGE_BATCH:
            return WriteOutcome(x_id=None)
        try:
            body = decode(response)
        except TransientError:  # stored, but answered with something that is not JSON
            body = None
        created = body[0] if isinstance(body, list) and body else body  # auto charges answer a list
        if not isinstance(created, dict) or created.get("id") is None:
            found = self.find_written(request)  # stored, but the answer does not name it
            return WriteOutcome(x_id=found[0] if len(found) == 1 else None)
        return WriteOutcome(x_id=str(created["id"]), records=self._mapped(endpoint, created))

    def find_written(self, request: WriteRequest) -> list[str]:
        endpoint = ENDPOINTS[request.operation]
        batch = request.operation is Op.CREATE_RESIDENT_CHARGE_BATCH
        items = request.fields["items"] if batch else [request.fields]
        leases = sorted({str(item["x_lease_id"]) for item in items})
        tag = markers.tag(request.marker)
        found: list[str] = []
        for lease_id in leases:
            for raw in self.client.every(endpoint.collection, {"leaseID": native_id("lease_id", lease_id)}):
                if not isinstance(raw, dict):
                    continue
                text = str(raw.get(endpoint.text_field) or "")
                if raw.get(endpoint.ref_field) == request.marker or tag in text:
                    found.append(str(raw["id"]))
        return found

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        endpoint = ENDPOINTS[operation]
        since = {"lastModifiedDateTimeStart": stamp(utcnow() - READ_BACK_WINDOW)}
        for raw in self.client.every(endpoint.collection, since):
            if isinstance(raw, dict) and str(raw.get("id")) == x_id:
                return self._mapped(endpoint, raw)
        raise PermanentError(f"Propertyware lists no {endpoint.collection} record {x_id} modified lately")

    def _mapped(self, endpoint: Endpoint, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        try:
            return endpoint.mapper(raw, self.places_for([raw]))
        except (ValueError, TypeError, KeyError, AttributeError):
            return ()  # the write happened; the next sync brings the record
