"""Rent Manager writes: a generic `WriteRequest` -> RM's "Save" calls, and back.

    CREATE_RESIDENT_CHARGE        POST /Charges  [one Charge]      204, no id
    CREATE_RESIDENT_CHARGE_BATCH  POST /Charges  [Charge, …]       204, no ids (one location)
    CREATE_RESIDENT_CREDIT        POST /Credits  [one Credit]      204, no id
    CREATE_RESIDENT_PAYMENT       POST /Payments [one Payment]     200 [Payment with its ID]
    CREATE_RECURRING_CHARGE       POST /RecurringCharges [one]     200 [RecurringCharge]
    UPDATE_RECURRING_CHARGE       POST /RecurringCharges/{id}      200 RecurringCharge

The marker: the client's reference_number is RM's `Reference`, so the job's marker goes at the
end of `Comment` (" [PMSG-…]"); `find_written` lists the tenant's records whose Comment contains
it (RQL `ct`). Hard-closed periods: pmsgate never sends `saveOptions=IgnoreHardClose` (posting
into a closed period is the company's accounting decision), so RM's 412 fails the job naming the
period. An update sends the schedule's current `UpdateDate`; a 409 (changed meanwhile, nothing
saved) is answered by re-reading and sending once more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.connectors import markers
from pmsgate.connectors.errors import PermanentError, VendorRejected
from pmsgate.connectors.rentmanager import mapping as m
from pmsgate.connectors.rentmanager.paging import fetch_all
from pmsgate.connectors.rentmanager.rules import COMMENT_LIMIT
from pmsgate.connectors.rentmanager.session import RMSession, json_body
from pmsgate.connectors.rentmanager.streams import Mapper
from pmsgate.connectors.writes import WriteOperation, WriteOutcome, WriteRequest, utc_day
from pmsgate.kit.money import cents_to_decimal_str

Op = WriteOperation
FREQUENCY = {normalized.value: number for number, normalized in m.FREQUENCY.items()}  # RM's integers
# operation -> (resource, id field, mapper)
TARGETS: dict[WriteOperation, tuple[str, str, Mapper]] = {
    Op.CREATE_RESIDENT_CHARGE: ("Charges", "ChargeID", m.map_charge),
    Op.CREATE_RESIDENT_CHARGE_BATCH: ("Charges", "ChargeID", m.map_charge),
    Op.CREATE_RESIDENT_CREDIT: ("Credits", "ID", m.map_credit),
    Op.CREATE_RESIDENT_PAYMENT: ("Payments", "ID", m.map_payment),
    Op.CREATE_RECURRING_CHARGE: ("RecurringCharges", "RecurringChargeID", m.map_recurring),
    Op.UPDATE_RECURRING_CHARGE: ("RecurringCharges", "RecurringChargeID", m.map_recurring),
}


def native_id(value: Any, name: str) -> int:
    text = str(value)
    if text.startswith(m.CREDIT_PREFIX):
        text = text[len(m.CREDIT_PREFIX) :]
    if not text.isdigit():
        raise VendorRejected(f"{name}: {value!r} is not a Rent Manager id")
    return int(text)


def rm_day(value: Any) -> str:
    """An ISO date-time or date -> RM's local midnight of the same calendar day (the UTC day of a
    date-time: '2026-11-20T00:00:00Z' posts on Nov 20 whatever the company's zone)."""
    return f"{utc_day(value).isoformat()}T00:00:00"


def comment(text: Any, marker: str) -> str:
    return markers.append(text, marker, COMMENT_LIMIT)


def ledger_item(fields: Mapping[str, Any], marker: str) -> dict[str, Any]:
    return {
        "AccountID": native_id(fields["x_resident_id"], "resident_id"),
        "AccountType": "Customer",
        "ChargeTypeID": native_id(fields["x_charge_code_id"], "charge_code_id"),
        "Amount": cents_to_decimal_str(int(fields["amount_in_cents"])),
        "TransactionDate": rm_day(fields["transaction_date"]),
        "Comment": comment(fields.get("notes"), marker),
        "Reference": str(fields["reference_number"]),
    }


def payment_item(fields: Mapping[str, Any], marker: str) -> dict[str, Any]:
    item = ledger_item({**fields, "x_charge_code_id": fields.get("x_charge_code_id") or 0}, marker)
    if not fields.get("x_charge_code_id"):
        item.pop("ChargeTypeID")
    if fields.get("allocate_prepays") is not None:
        item["AllocatePrepays"] = bool(fields["allocate_prepays"])
    return item


def schedule(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The RecurringCharge fields a create or update sets (only those given)."""
    body: dict[str, Any] = {}
    if fields.get("x_charge_code_id") is not None:
        body["ChargeTypeID"] = native_id(fields["x_charge_code_id"], "charge_code_id")
    if fields.get("amount_in_cents") is not None:
        body["Amount"] = cents_to_decimal_str(int(fields["amount_in_cents"]))
    if fields.get("frequency_normalized") is not None:
        frequency = getattr(fields["frequency_normalized"], "value", fields["frequency_normalized"])
        if frequency not in FREQUENCY:
            raise VendorRejected(f"frequency_normalized: Rent Manager has no {frequency!r} schedule")
        body["Frequency"] = FREQUENCY[frequency]
    if fields.get("start_date") is not None:
        body["FromDate"] = rm_day(fields["start_date"])
    if fields.get("end_date") is not None:
        body["ToDate"] = rm_day(fields["end_date"])
    return body


class RMWrites:
    """The write half of the Rent Manager connector (it delegates here). `places` loads the
    lookups mappers and the location check need."""

    def __init__(self, session: RMSession, places: Callable[[], m.Places]) -> None:
        self.session = session
        self.places = places

    def write(self, request: WriteRequest) -> WriteOutcome:
        op, fields = request.operation, request.fields
        if op is Op.UPDATE_RECURRING_CHARGE:
            return self._update(request)
        resource, id_field, _ = TARGETS[op]
        if op is Op.CREATE_RESIDENT_CHARGE_BATCH:
            self._one_location(fields["items"])
            items = [ledger_item(item, request.marker) for item in fields["items"]]
        elif op is Op.CREATE_RESIDENT_PAYMENT:
            items = [payment_item(fields, request.marker)]
        elif op is Op.CREATE_RECURRING_CHARGE:
            items = [
                {
                    "EntityType": "Tenant",
                    "EntityKeyID": native_id(fields["x_resident_id"], "resident_id"),
                    **schedule(fields),
                    "Comment": comment(fields.get("description"), request.marker),
                }
            ]
        else:
            items = [ledger_item(fields, request.marker)]
        response = self.session.call("POST", f"/{resource}", body=items, idempotent=False)
        saved = json_body(response)
        if not isinstance(saved, list) or not saved or not isinstance(saved[0], dict):
            return WriteOutcome(x_id=None)  # 204: RM does not say what it created
        created = saved[0].get(id_field)
        return WriteOutcome(x_id=None if created is None else str(created))

    def _one_location(self, items: Sequence[Mapping[str, Any]]) -> None:
        locations = self.places().location_of_property
        found = {locations.get(str(item.get("x_property_id"))) for item in items}
        if len(found) > 1:
            raise VendorRejected(
                "All charges must resolve to the same Rent Manager location; use separate requests for "
                f"charges in different locations (this batch spans locations {sorted(map(str, found))})"
            )

    def _update(self, request: WriteRequest) -> WriteOutcome:
        record_id = native_id(request.fields["x_id"], "recurring_resident_charge_id")
        path = f"/RecurringCharges/{record_id}"
        changes = schedule(request.fields)
        if request.fields.get("description") is not None:
            changes["Comment"] = str(request.fields["description"])
        for attempt in (1, 2):
            current, _ = self.session.get(path)
            if not isinstance(current, dict):
                raise PermanentError(f"Rent Manager has no recurring charge {record_id}")
            try:
                response = self.session.call(
                    "POST", path, body={**changes, "UpdateDate": current.get("UpdateDate")}, idempotent=False
                )
                break
            except VendorRejected as exc:
                if exc.status_code != 409 or attempt == 2:  # 409: changed meanwhile, nothing saved
                    raise
        saved = json_body(response)
        records = self._map("RecurringCharges", saved) if isinstance(saved, dict) else ()
        return WriteOutcome(x_id=str(record_id), records=records)

    def find_written(self, request: WriteRequest) -> list[str]:
        op, fields = request.operation, request.fields
        resource, id_field, _ = TARGETS[op]
        if op is Op.UPDATE_RECURRING_CHARGE:
            record_id = native_id(fields["x_id"], "recurring_resident_charge_id")
            current, _ = self.session.get(f"/RecurringCharges/{record_id}")
            wanted = schedule(fields)
            same = isinstance(current, dict) and all(
                str(current.get(k)) == str(v) if k != "Amount" else f"{current.get(k):.2f}" == v
                for k, v in wanted.items()
            )
            return [str(record_id)] if same else []
        items = fields["items"] if op is Op.CREATE_RESIDENT_CHARGE_BATCH else [fields]
        tenants = sorted({native_id(item["x_resident_id"], "resident_id") for item in items})
        owner = "EntityKeyID" if resource == "RecurringCharges" else "AccountID"
        filters = f"Comment,ct,{request.marker};{owner},in,({','.join(map(str, tenants))})"
        prefix = m.CREDIT_PREFIX if resource == "Credits" else ""
        return [
            f"{prefix}{row[id_field]}"
            for row in fetch_all(self.session, f"/{resource}", {"filters": filters})
        ]

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        resource, _, _ = TARGETS[operation]
        embeds = {"embeds": "Allocations"} if resource == "Payments" else {}
        raw, _ = self.session.get(f"/{resource}/{native_id(x_id, 'x_id')}", embeds)
        return self._map(resource, raw)

    def _map(self, resource: str, raw: Any) -> Sequence[CanonicalRecord]:
        mapper = next(t[2] for t in TARGETS.values() if t[0] == resource)
        try:
            if not isinstance(raw, dict):
                raise m.MappingError(f"a {type(raw).__name__}, not an object")
            return mapper(raw, self.places())
        except (ValueError, TypeError, KeyError) as exc:
            raise PermanentError(f"Rent Manager's {resource} record cannot be read: {exc}") from exc
