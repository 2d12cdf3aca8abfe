"""RESMAN writes: a generic `WriteRequest` -> one `MITS/PostResidentTransactions2_0` call.

    CREATE_RESIDENT_CHARGE        one Charge            Success, no id (pending approval)
    CREATE_RESIDENT_PAYMENT       one Payment[@Type]    Success, no id (pending approval)
    CREATE_RESIDENT_CHARGE_BATCH  several Charges       Success, no ids (one property)

The MITS document (form field `xml`, with `PropertyID`) carries, per transaction, our reference
as its partner `TransactionID` (the job's marker; "<marker>-<n>" for the n-th charge of a
batch), the client's `batch_id` as `BatchID`, `reference_number` as `DocumentNumber`,
`description`, and `notes` as `Comment` with the marker appended (" [PMSG-…]").

ResMan refuses a second transaction with a TransactionID it already holds ("Duplicate
transaction ID"), pending or approved: so a job resent after an unknown outcome can never post
twice, and that refusal means our transaction is already there (the job succeeds). Before a
resend, `find_written` looks in the approved ledger for the marker in `Comment`; a transaction
still pending approval is not readable, and the resend's duplicate refusal settles it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.connectors import markers
from pmsgate.connectors.errors import PermanentError, VendorRejected
from pmsgate.connectors.resman import mits
from pmsgate.connectors.resman.client import DuplicateTransaction, ResManClient
from pmsgate.connectors.resman.rules import PAYMENT_TYPES, PENDING_NOTE
from pmsgate.connectors.resman.streams import LEDGER_METHOD, MITS_KEY
from pmsgate.connectors.writes import WriteOperation, WriteOutcome, WriteRequest, utc_day
from pmsgate.kit.money import cents_to_decimal_str

Op = WriteOperation
POST_METHOD = "MITS/PostResidentTransactions2_0"


def _items(request: WriteRequest) -> list[tuple[str, Mapping[str, Any]]]:
    """(partner TransactionID, fields) of each transaction the request posts."""
    if request.operation is Op.CREATE_RESIDENT_CHARGE_BATCH:
        return [(f"{request.marker}-{n}", item) for n, item in enumerate(request.fields["items"], start=1)]
    return [(request.marker, request.fields)]


def _property(items: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    found = {str(fields.get("x_property_id") or "") for _, fields in items}
    if len(found) != 1 or "" in found:
        raise VendorRejected(
            "all charges of a ResMan batch must belong to residents of one ResMan property; use separate "
            f"requests per property (this batch spans {len(found)})"
        )
    return found.pop()


def detail(transaction_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "TransactionID": transaction_id,
        "BatchID": str(fields["batch_id"]),
        "TransactionDate": utc_day(fields["transaction_date"]).isoformat(),
        "ChargeCode": fields.get("x_charge_code_id"),
        "CustomerID": str(fields["x_resident_id"]),
        "Amount": cents_to_decimal_str(int(fields["amount_in_cents"])),
        "Description": str(fields["description"]),
        "Comment": markers.append(fields.get("notes"), transaction_id),
        "DocumentNumber": str(fields["reference_number"]),
    }


def native_document(request: WriteRequest, property_id: str) -> str:
    payment = request.operation is Op.CREATE_RESIDENT_PAYMENT
    customers = []
    for transaction_id, fields in _items(request):
        payment_type = None
        if payment:
            given = str(getattr(fields["payment_type"], "value", fields["payment_type"]))
            if given not in PAYMENT_TYPES:
                raise VendorRejected(f"payment_type: ResMan has no equivalent of {given!r}")
            payment_type = PAYMENT_TYPES[given]
        kind = "Payment" if payment else "Charge"
        customers.append(
            {
                "CustomerID": fields.get("x_lease_id"),
                "UnitID": fields.get("x_unit_id"),
                "transactions": [(kind, payment_type, detail(transaction_id, fields))],
            }
        )
    return mits.document(property_id, customers)


class ResManWrites:
    def __init__(self, client: ResManClient) -> None:
        self.client = client

    def write(self, request: WriteRequest) -> WriteOutcome:
        items = _items(request)
        property_id = _property(items)
        params = {"PropertyID": property_id, "xml": native_document(request, property_id)}
        # A duplicate TransactionID is ours already at ResMan: this very write was accepted before.
        with suppress(DuplicateTransaction):
            self.client.call(POST_METHOD, params, write=True)
        return WriteOutcome(x_id=None, note=PENDING_NOTE)

    def find_written(self, request: WriteRequest) -> list[str]:
        """ResMan ids of approved ledger lines carrying this request's marker."""
        items = _items(request)
        property_id = _property(items)
        days = sorted(utc_day(fields["transaction_date"]) for _, fields in items)
        tags = [markers.tag(transaction_id) for transaction_id, _ in items]
        params = {
            "PropertyID": property_id,
            "StartDate": days[0].isoformat(),
            "EndDate": days[-1].isoformat(),
        }
        text = self.client.document(LEDGER_METHOD, MITS_KEY, params)
        found = []
        for line in [] if text is None else mits.transactions(text):
            comment = str(line.get("Comment") or "")
            if line.get("TransactionID") and any(tag in comment for tag in tags):
                found.append(str(line["TransactionID"]))
        return found

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        raise PermanentError(
            f"ResMan cannot read transaction {x_id} alone; it arrives with the next sync once approved"
        )
