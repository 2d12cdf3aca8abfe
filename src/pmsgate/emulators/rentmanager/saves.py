"""RM's "Save" writes: POST a JSON array of models to a collection (create, or update when the
model carries its id), or one model to `/{Resource}/{id}`.

Behaviours emulated: a hard-closed accounting period refuses ledger posts with 412 unless
`saveOptions=IgnoreHardClose`; an update must carry the record's current `UpdateDate` (RM's
optimistic concurrency) or it is refused with 409; one save cannot span two locations (400).
Charges and credits answer 204 without the saved models (Propexo: "the ID of the created record
cannot be retrieved"); payments and recurring charges answer 200 with them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from pmsgate.emulators.rentmanager.store import Record, RMStore
from pmsgate.emulators.rentmanager.wire import (
    FREQUENCIES,
    RMError,
    amount,
    day,
    now_local,
    parse_local,
    stamp,
)

ZERO = Decimal("0.00")


def _int(item: dict[str, Any], field: str) -> int:
    value = item.get(field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RMError(400, f"{field} is required and must be an integer")
    return value


def _text(item: dict[str, Any], field: str, limit: int = 255) -> str | None:
    value = item.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise RMError(400, f"{field} must be text of at most {limit} characters")
    return value


class Saver:
    def __init__(self, store: RMStore, save_options: str | None) -> None:
        self.store = store
        self.ignore_hard_close = "ignorehardclose" in (save_options or "").lower()

    def _tenant(self, item: dict[str, Any]) -> Record:
        if item.get("AccountType", "Customer") != "Customer":
            raise RMError(400, "AccountType must be Customer for tenant transactions")
        tenant = self.store.get("Tenants", _int(item, "AccountID"))
        if tenant is None:
            raise RMError(400, f"Tenant {item.get('AccountID')} does not exist")
        return tenant

    def _charge_type(self, item: dict[str, Any], required: bool = True) -> int | None:
        if item.get("ChargeTypeID") is None and not required:
            return None
        type_id = _int(item, "ChargeTypeID")
        if self.store.get("ChargeTypes", type_id) is None:
            raise RMError(400, f"ChargeType {type_id} does not exist")
        return type_id

    def _posting_date(self, item: dict[str, Any]) -> str:
        posted = parse_local(item.get("TransactionDate"), "TransactionDate").date()
        closed = self.store.hard_close_through
        if closed is not None and posted <= closed and not self.ignore_hard_close:
            raise RMError(
                412, f"The accounting period of {posted:%m/%d/%Y} is hard closed (through {closed:%m/%d/%Y})"
            )
        return day(posted)

    def _place(self, tenant: Record) -> tuple[int, int | None, int]:
        """(property, unit, location) of a tenant's current lease."""
        leases = [x for x in self.store.rows("Leases") if x["TenantID"] == tenant["TenantID"]]
        unit = leases[-1]["UnitID"] if leases else None
        prop = self.store.get("Properties", tenant["PropertyID"]) or {}
        return tenant["PropertyID"], unit, int(prop.get("LocationID", 1))

    def _one_location(self, places: list[tuple[int, int | None, int]]) -> None:
        if len({place[2] for place in places}) > 1:
            raise RMError(400, "All items of one save must belong to the same location")

    def ledger(self, resource: str, items: list[Any]) -> list[Record]:
        """Charges or Credits."""
        id_field = "ChargeID" if resource == "Charges" else "ID"
        built, places = [], []
        for item in _objects(items):
            if item.get(id_field) is not None:
                raise RMError(400, f"Posted {resource.lower()} cannot be edited through this resource")
            tenant = self._tenant(item)
            value = amount(item.get("Amount"))
            if value <= 0:
                raise RMError(400, "Amount must be greater than zero")
            place = self._place(tenant)
            places.append(place)
            now = stamp(now_local())
            record = {
                id_field: 0,
                "AccountID": tenant["TenantID"],
                "AccountType": "Customer",
                "PropertyID": place[0],
                "UnitID": place[1],
                "ChargeTypeID": self._charge_type(item),
                "Amount": value,
                "TransactionDate": self._posting_date(item),
                "Comment": _text(item, "Comment"),
                "Reference": _text(item, "Reference", 40),
                "CreateDate": now,
                "UpdateDate": now,
            }
            if resource == "Charges":
                record.update(TransactionType="Charge", AmountAllocated=ZERO, IsFullyAllocated=False)
            built.append(record)
        self._one_location(places)
        with self.store.lock:
            for record in built:
                record[id_field] = self.store.new_id(resource)
            self.store.put_all(resource, built)
        return built

    def payments(self, items: list[Any]) -> list[Record]:
        built, places = [], []
        for item in _objects(items):
            if item.get("ID") is not None:
                raise RMError(400, "Posted payments cannot be edited through this resource")
            tenant = self._tenant(item)
            value = amount(item.get("Amount"))
            if value <= 0:
                raise RMError(400, "Amount must be greater than zero")
            places.append(self._place(tenant))
            now = stamp(now_local())
            built.append(
                {
                    "ID": 0,
                    "AccountID": tenant["TenantID"],
                    "AccountType": "Customer",
                    "Amount": value,
                    "TransactionDate": self._posting_date(item),
                    "TransactionType": "Payment",
                    "Reference": _text(item, "Reference", 40),
                    "Comment": _text(item, "Comment"),
                    "ChargeTypeID": self._charge_type(item, required=False),
                    "AllocatePrepays": bool(item.get("AllocatePrepays", False)),
                    "CreateDate": now,
                    "UpdateDate": now,
                }
            )
        self._one_location(places)
        with self.store.lock:
            for record in built:
                record["ID"] = self.store.new_id("Payments")
                self._allocate(record)
            self.store.put_all("Payments", built)
        return built

    def _allocate(self, payment: Record) -> None:
        """Apply the payment to the tenant's open charges, oldest first (of one type if given)."""
        left, allocations, changed = payment["Amount"], [], []
        for charge in self.store.rows("Charges"):
            if left <= 0:
                break
            if charge["AccountID"] != payment["AccountID"] or charge.get("IsFullyAllocated"):
                continue
            if payment["ChargeTypeID"] is not None and charge["ChargeTypeID"] != payment["ChargeTypeID"]:
                continue
            applied = min(left, charge["Amount"] - charge["AmountAllocated"])
            left -= applied
            allocated = charge["AmountAllocated"] + applied
            changed.append(
                {
                    **charge,
                    "AmountAllocated": allocated,
                    "IsFullyAllocated": allocated == charge["Amount"],
                    "UpdateDate": payment["UpdateDate"],
                }
            )
            allocations.append(
                {
                    "AllocationID": self.store.new_id("Allocations"),
                    "PaymentID": payment["ID"],
                    "ChargeID": charge["ChargeID"],
                    "Amount": applied,
                }
            )
        self.store.put_all("Charges", changed)
        payment["Allocations"] = allocations
        payment["AmountAllocated"] = payment["Amount"] - left
        payment["IsFullyAllocated"] = left == 0

    def recurring(self, items: list[Any]) -> list[Record]:
        built = []
        for item in _objects(items):
            existing = None
            if item.get("RecurringChargeID") is not None:
                existing = self.store.get("RecurringCharges", _int(item, "RecurringChargeID"))
                if existing is None:
                    raise RMError(404, f"RecurringCharge {item['RecurringChargeID']} does not exist")
                if item.get("UpdateDate") != existing["UpdateDate"]:
                    raise RMError(
                        409, "The record was changed by another user since it was read (UpdateDate)"
                    )
            built.append(self._schedule(item, existing))
        with self.store.lock:
            for record in built:
                if not record["RecurringChargeID"]:
                    record["RecurringChargeID"] = self.store.new_id("RecurringCharges")
            self.store.put_all("RecurringCharges", built)
        return built

    def _schedule(self, item: dict[str, Any], existing: Record | None) -> Record:
        merged = {**(existing or {}), **{k: v for k, v in item.items() if k != "UpdateDate"}}
        if merged.get("EntityType", "Tenant") != "Tenant":
            raise RMError(400, "EntityType must be Tenant")
        tenant = self.store.get("Tenants", _int(merged, "EntityKeyID"))
        if tenant is None:
            raise RMError(400, f"Tenant {merged.get('EntityKeyID')} does not exist")
        frequency = merged.get("Frequency")
        if type(frequency) is not int or frequency not in FREQUENCIES:  # an integer enum value
            named = ", ".join(f"{number} ({name})" for number, name in FREQUENCIES.items())
            raise RMError(400, f"Frequency must be one of {named}")
        value = amount(merged.get("Amount"))
        if value <= 0:
            raise RMError(400, "Amount must be greater than zero")
        start = merged.get("FromDate")
        if start is None and FREQUENCIES[frequency] in ("Daily", "Weekly"):
            raise RMError(400, f"FromDate is required for a {FREQUENCIES[frequency]} recurring charge")
        first = now_local().date().replace(day=1) + timedelta(days=32)
        start_day = parse_local(start, "FromDate").date() if start else first.replace(day=1)
        end = merged.get("ToDate")
        end_day = parse_local(end, "ToDate").date() if end else None
        if end_day is not None and end_day < start_day:
            raise RMError(400, "ToDate must not be before FromDate")
        now = now_local()
        if existing is not None and stamp(now) <= existing["UpdateDate"]:
            now = parse_local(existing["UpdateDate"], "UpdateDate") + timedelta(seconds=1)
        return {
            "RecurringChargeID": existing["RecurringChargeID"] if existing else 0,
            "EntityType": "Tenant",
            "EntityKeyID": tenant["TenantID"],
            "UnitID": merged.get("UnitID") or self._place(tenant)[1],
            "ChargeTypeID": self._charge_type(merged),
            "Amount": value,
            "Frequency": frequency,
            "Comment": _text(merged, "Comment"),
            "FromDate": day(start_day),
            "ToDate": day(end_day) if end_day else None,
            "IsCalculated": False,
            "SortOrder": merged.get("SortOrder", 1),
            "UpdateDate": stamp(now),
        }


def _objects(items: list[Any]) -> list[dict[str, Any]]:
    if not items:
        raise RMError(400, "The request body must be a non-empty list")
    if not all(isinstance(item, dict) for item in items):
        raise RMError(400, "Every item of the list must be an object")
    return items
