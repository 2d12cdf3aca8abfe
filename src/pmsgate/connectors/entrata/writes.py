"""ENTRATA writes: a generic `WriteRequest` -> Entrata's RPC calls, and back.

    CREATE_RESIDENT_CHARGE   artransactions  sendLeaseArTransactions  params.transaction[]
    CREATE_RESIDENT_CREDIT   artransactions  sendLeaseArTransactions  (amount negated)
    CREATE_RECURRING_CHARGE  leases          sendScheduledCharges     -> scheduledCharge.id

Amounts go as dollars (JSON numbers, exact to the cent), dates as MM/DD/YYYY (the generic value's
day: "the timestamp will be stripped off"), post months as MM/YYYY. Public client code sends the
transaction list as `params.transaction[]` with a `description`; the derived method table
flattens it.

The marker: a ledger transaction carries `transactionId` (the client's third_party_charge_id, else
pmsgate's marker), but Entrata's ledger does not show it, so the marker is also appended to the
description (" [PMSG-…]"); `find_written` reads the lease's ledger for that day (or its scheduled
charges) and keeps what carries it. Entrata answers each transaction with a status; anything
but success is the vendor's refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.connectors import markers
from pmsgate.connectors.entrata.client import EntrataClient
from pmsgate.connectors.entrata.fields import items
from pmsgate.connectors.entrata.ledger import (
    LedgerKey,
    ledger_rows,
    map_scheduled,
    map_transaction,
    scheduled_rows,
)
from pmsgate.connectors.entrata.streams import (
    GET_LEASE_DETAILS,
    GET_LEDGER,
    SEND_SCHEDULED,
    SEND_TRANSACTIONS,
)
from pmsgate.connectors.errors import OutcomeUnknown, PermanentError, VendorRejected
from pmsgate.connectors.writes import (
    WriteOperation,
    WriteOutcome,
    WriteRequest,
    dollars,
    integer_key,
    utc_day,
)

Op = WriteOperation
SUCCESS = {"success", "succeeded", "ok"}


def native_id(value: Any, name: str) -> int:
    return integer_key(value, name, "an Entrata id")


def wire_day(value: Any) -> str:
    return utc_day(value).strftime("%m/%d/%Y")


def wire_month(value: Any) -> str:
    return utc_day(value).strftime("%m/%Y")


def transaction_params(request: WriteRequest) -> dict[str, Any]:
    """sendLeaseArTransactions' params for a charge or credit."""
    fields = request.fields
    cents = int(fields["amount_in_cents"])
    if request.operation is Op.CREATE_RESIDENT_CREDIT:
        cents = -abs(cents)
    item: dict[str, Any] = {
        "transactionId": str(fields.get("third_party_charge_id") or request.marker),
        "leaseId": native_id(fields["x_lease_id"], "lease_id"),
        "arCodeId": native_id(fields["x_charge_code_id"], "charge_code_id"),
        "transactionAmount": dollars(cents),
        "transactionDate": wire_day(fields["transaction_date"]),
        "description": markers.append(fields.get("description"), request.marker),
    }
    if fields.get("post_month") is not None:
        item["arPostMonth"] = wire_month(fields["post_month"])
    if fields.get("is_approval_required") is not None:
        item["isApprovalRequired"] = 1 if fields["is_approval_required"] else 0
    return {"transaction": [item]}


def scheduled_params(request: WriteRequest) -> dict[str, Any]:
    """sendScheduledCharges' params for a recurring charge."""
    fields = request.fields
    params: dict[str, Any] = {
        "propertyId": native_id(fields.get("x_property_id"), "property_id"),
        "leaseId": native_id(fields["x_lease_id"], "lease_id"),
        "chargeTimingId": native_id(fields["charge_timing_id"], "charge_timing_id"),
        "chargeCodeTypeId": native_id(fields["charge_code_type_id"], "charge_code_type_id"),
        "chargeCodeId": native_id(fields["x_charge_code_id"], "charge_code_id"),
        "amount": dollars(fields["amount_in_cents"]),
        "startDate": wire_day(fields["start_date"]),
        "description": markers.append(fields.get("description"), request.marker),
    }
    for name, wire in (("end_date", "endDate"), ("last_posted_date", "lastPostedDate")):
        if fields.get(name) is not None:
            params[wire] = wire_day(fields[name])
    for name, wire in (
        ("month_to_month_amount_in_cents", "monthToMonthAmount"),
        ("month_to_month_fee_in_cents", "monthToMonthFee"),
    ):
        if fields.get(name) is not None:
            params[wire] = dollars(fields[name])
    return params


def _answer(rows: list[Any], what: str) -> dict[str, Any]:
    """The one answer row of a write; VendorRejected when Entrata refused it."""
    row = rows[0] if rows and isinstance(rows[0], dict) else None
    if row is None:
        raise OutcomeUnknown(f"Entrata answered {what} without a status")
    nested = row.get("@attributes")
    attributes: dict[str, Any] = nested if isinstance(nested, dict) else row
    status = str(attributes.get("status") or "").lower()
    if status not in SUCCESS:
        raise VendorRejected(
            f"Entrata refused the {what}: {attributes.get('message') or status or 'no reason'}"
        )
    return dict(attributes)


class EntrataWrites:
    def __init__(self, client: EntrataClient) -> None:
        self.client = client
        self._keys: dict[str, LedgerKey] = {}  # created scheduled charge -> its lease, for read_back
        self._days: dict[str, tuple[LedgerKey, str]] = {}  # reconciled transaction -> lease and day

    @staticmethod
    def _key(request: WriteRequest) -> LedgerKey:
        fields = request.fields
        lease = str(native_id(fields.get("x_lease_id"), "lease_id"))
        return LedgerKey(lease, str(native_id(fields.get("x_property_id"), "property_id")), None)

    def write(self, request: WriteRequest) -> WriteOutcome:
        if request.operation is Op.CREATE_RECURRING_CHARGE:
            key = self._key(request)
            result = self.client.call(SEND_SCHEDULED, scheduled_params(request), write=True)
            row = _answer(items(result.get("scheduledCharges"), "scheduledCharge"), "scheduled charge")
            if row.get("id") in (None, ""):
                found = self.find_written(request)
                return WriteOutcome(x_id=found[0] if len(found) == 1 else None)
            x_id = str(row["id"])
            self._keys[x_id] = key
            return WriteOutcome(x_id=x_id, records=self._scheduled(key, x_id))
        if request.operation in (Op.CREATE_RESIDENT_CHARGE, Op.CREATE_RESIDENT_CREDIT):
            result = self.client.call(SEND_TRANSACTIONS, transaction_params(request), write=True)
            _answer(items(result.get("Transactions"), "Transaction"), "lease AR transaction")
            return WriteOutcome(x_id=None)  # Entrata does not name the ledger transaction it made
        raise VendorRejected(f"Entrata has no call for {request.operation.value}")

    def find_written(self, request: WriteRequest) -> list[str]:
        key, tag = self._key(request), markers.tag(request.marker)
        if request.operation is Op.CREATE_RECURRING_CHARGE:
            found = [
                x_id for x_id, raw in self._lease_schedule(key) if tag in str(raw.get("description") or "")
            ]
            for x_id in found:
                self._keys[x_id] = key
            return found
        day = wire_day(request.fields["transaction_date"])
        found = [
            str(txn.get("id"))
            for txn, _ in self._ledger(key, day)
            if tag in str(txn.get("description") or "")
        ]
        for x_id in found:
            self._days[x_id] = (key, day)
        return found

    def _ledger(self, key: LedgerKey, day: str) -> list[tuple[Any, LedgerKey]]:
        """The lease's ledger transactions of one day (MM/DD/YYYY), with their keys."""
        params = {
            "propertyId": int(key.property_id),
            "leaseIds": key.lease_id,
            "transactionFromDate": day,
            "transactionToDate": day,
            "showFullLedger": 1,
        }
        result = self.client.call(GET_LEDGER, params, page=1, per_page=1)
        return [
            (txn, found_key)
            for lease in items(result.get("leases"), "lease")
            for txn, found_key in ledger_rows(lease)
            if isinstance(txn, dict)
        ]

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        """A scheduled charge this connector created, or a transaction it found again."""
        key = self._keys.get(x_id)
        if operation is Op.CREATE_RECURRING_CHARGE and key is not None:
            return self._scheduled(key, x_id)
        if x_id in self._days:
            lease, day = self._days[x_id]
            for txn, txn_key in self._ledger(lease, day):
                if str(txn.get("id")) == x_id:
                    try:
                        return map_transaction(txn, txn_key)
                    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
                        raise PermanentError(f"Entrata transaction {x_id} cannot be read: {exc}") from exc
        raise PermanentError(f"Entrata record {x_id} cannot be read back here; the next sync reads it")

    def _lease_schedule(self, key: LedgerKey) -> list[tuple[str, Any]]:
        params = {"propertyId": int(key.property_id), "leaseId": int(key.lease_id), "includeCharge": 1}
        result = self.client.call(GET_LEASE_DETAILS, params, page=1, per_page=1)
        rows: list[tuple[str, Any]] = []
        for lease in items(result.get("leases"), "lease"):
            for raw, _ in scheduled_rows(lease, key.property_id):
                rows.append((str(raw.get("id")), raw))
        return rows

    def _scheduled(self, key: LedgerKey, x_id: str) -> Sequence[CanonicalRecord]:
        for found, raw in self._lease_schedule(key):
            if found == x_id:
                try:
                    return map_scheduled(raw, key)
                except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
                    raise PermanentError(f"Entrata scheduled charge {x_id} cannot be read: {exc}") from exc
        raise PermanentError(f"Entrata lists no scheduled charge {x_id} on lease {key.lease_id}")
