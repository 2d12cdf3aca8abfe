"""The Entrata read methods the emulator serves: each takes the store, the call's validated
params and its page, and returns the `result` object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pmsgate.emulators.entrata import wire
from pmsgate.emulators.entrata.seed import Row
from pmsgate.emulators.entrata.store import EntrataError, EntrataStore


@dataclass(frozen=True)
class Paging:
    page: int | None  # None: the whole list
    per_page: int

    def slice(self, rows: list[Any]) -> list[Any]:
        if self.page is None:
            return rows
        start = (self.page - 1) * self.per_page
        return rows[start : start + self.per_page]


Read = Callable[[EntrataStore, dict[str, Any], Paging], dict[str, Any]]


def ids(value: Any) -> set[int] | None:
    if value is None or value == "":
        return None
    return {int(part) for part in str(value).split(",") if part.strip()}


def flag(value: Any) -> bool:
    return value not in (None, "") and int(value) == 1


def mountain_day(value: Any) -> Any:
    return None if value in (None, "") else datetime.strptime(str(value), "%m/%d/%Y").date()


def _property(store: EntrataStore, value: Any) -> Row:
    found = store.properties.get(int(value))
    if found is None:
        raise EntrataError(303, f"Property {value} was not found or is not accessible")
    return found


def _broken(store: EntrataStore, rows: list[Row], id_key: str, amount_key: str | None) -> list[Row]:
    every = store.faults.plan.malformed_every
    out = [wire.malform(row, i, every, id_key, amount_key) for i, row in enumerate(rows)]
    broken = sum(1 for before, after in zip(rows, out, strict=True) if before is not after)
    if broken:
        store.faults.note("malformed_every", broken)
    return out


def get_properties(store: EntrataStore, params: dict[str, Any], _paging: Paging) -> dict[str, Any]:
    wanted, code = ids(params.get("propertyIds")), params.get("propertyLookupCode")
    rows = [
        wire.property_(p)
        for key, p in sorted(store.properties.items())
        if (wanted is None or key in wanted)
        and (code is None or code == f"MV{key}")
        and (flag(params.get("showAllStatus")) or not p["disabled"])
    ]
    return {"PhysicalProperty": {"Property": _broken(store, rows, "PropertyID", None)}}


def get_property_units(store: EntrataStore, params: dict[str, Any], _paging: Paging) -> dict[str, Any]:
    found = []
    for property_id in sorted(ids(params["propertyIds"]) or ()):
        p = _property(store, property_id)
        units = [
            wire.unit(u, p)
            for _, u in sorted(store.units.items())
            if u["propertyId"] == property_id
            and (not flag(params.get("availableUnitsOnly")) or not u["occupied"])
        ]
        found.append(
            {
                "propertyId": property_id,
                "propertyName": p["name"],
                "unitCount": len(units),
                "units": {"unit": _broken(store, units, "id", None)},
            }
        )
    return {"properties": {"property": found}}


def get_customers(store: EntrataStore, params: dict[str, Any], _paging: Paging) -> dict[str, Any]:
    p = _property(store, params["propertyId"])
    wanted = ids(params.get("customerIds"))
    rows = []
    for key, c in sorted(store.customers.items()):
        if c["propertyId"] != p["id"] or (wanted is not None and key not in wanted):
            continue
        lease = store.leases.get(c["leaseId"])
        rows.append(wire.customer(c, None if lease is None else store.units.get(lease["unitId"]), p))
    return {"Customers": {"Customer": _broken(store, rows, "@attributes", None)}}


def _leases(store: EntrataStore, params: dict[str, Any]) -> list[Row]:
    p = _property(store, params["propertyId"])
    wanted = ids(params.get("leaseIds"))
    if params.get("leaseId") not in (None, ""):
        wanted = {int(params["leaseId"])}
    customer = params.get("customerId")
    return [
        row
        for row in store.lease_rows(p["id"])
        if (wanted is None or row["id"] in wanted)
        and (customer in (None, "") or int(customer) in row["customers"])
    ]


def get_leases(store: EntrataStore, params: dict[str, Any], paging: Paging) -> dict[str, Any]:
    p = _property(store, params["propertyId"])
    rows = [
        wire.lease(row, [store.customers[c] for c in row["customers"]], store.units[row["unitId"]], p)
        for row in paging.slice(_leases(store, params))
    ]
    return {"leases": {"lease": _broken(store, rows, "id", None)}}


def get_lease_details(store: EntrataStore, params: dict[str, Any], paging: Paging) -> dict[str, Any]:
    rows = []
    with_charges = flag(params.get("includeCharge"))
    for row in paging.slice(_leases(store, params)):
        scheduled = [s for _, s in sorted(store.scheduled.items()) if s["leaseId"] == row["id"]]
        details = wire.lease_details(row, store.units[row["unitId"]], scheduled, store.code_names)
        if not with_charges:
            details.pop("scheduledCharges")
        else:
            active = details["scheduledCharges"]["recurringCharge"][0]["activeScheduledCharges"]
            active["activeScheduledCharge"] = _broken(
                store, active["activeScheduledCharge"], "id", "chargeAmount"
            )
        rows.append(details)
    return {"leases": {"lease": rows}}


def get_ar_codes(store: EntrataStore, _params: dict[str, Any], _paging: Paging) -> dict[str, Any]:
    return {"arcodes": {"arcode": _broken(store, wire.ar_codes(), "id", None)}}


def get_gl_trees(_store: EntrataStore, _params: dict[str, Any], _paging: Paging) -> dict[str, Any]:
    return wire.gl_trees()


def get_lease_ar_transactions(store: EntrataStore, params: dict[str, Any], paging: Paging) -> dict[str, Any]:
    start, end = (
        mountain_day(params.get("transactionFromDate")),
        mountain_day(params.get("transactionToDate")),
    )
    codes = ids(params.get("arCodeIds"))
    full = flag(params.get("showFullLedger"))
    out = []
    for row in paging.slice(_leases(store, params)):
        with store.lock:
            txns = [store.transactions[i] for i in store.by_lease[row["id"]]]
        txns = sorted(
            (
                t
                for t in txns
                if (start is None or t["date"] >= start)
                and (end is None or t["date"] <= end)
                and (codes is None or t["arCodeId"] in codes)
                and (full or (t["arPaymentId"] is None and t["amount"] != t["amountPaid"]))
            ),
            key=lambda t: (t["date"], t["id"]),
        )
        rendered = _broken(store, [wire.transaction(t, store.code_names) for t in txns], "id", "amount")
        payer = store.customers[row["customers"][0]]
        balance = sum((t["amount"] - t["amountPaid"] for t in txns if t["arPaymentId"] is None), Decimal(0))
        out.append(wire.ledger_lease(row, payer, store.units[row["unitId"]]["spaceId"], rendered, balance))
    return {"leases": {"lease": out}}


def get_ar_payments(store: EntrataStore, params: dict[str, Any], _paging: Paging) -> dict[str, Any]:
    start, end = mountain_day(params.get("fromDate")), mountain_day(params.get("toDate"))
    wanted = ids(params.get("arPaymentIds"))
    rows = []
    for key, pay in sorted(store.payments.items()):
        paid_on = pay["date"].date()
        if (
            (wanted is not None and key not in wanted)
            or (start and paid_on < start)
            or (end and paid_on > end)
        ):
            continue
        payer = store.customers[pay["customerId"]]
        lease = store.leases[pay["leaseId"]]
        row = wire.payment(
            pay,
            payer,
            store.properties[lease["propertyId"]],
            store.units.get(lease["unitId"]),
            store.code_names,
        )
        if not flag(params.get("isIncludeAllocations")):
            row.pop("ArAllocations")
        rows.append(row)
    return {"ArPayments": {"ArPayment": _broken(store, rows, "ArPaymentId", "PaymentAmount")}}


READS: dict[str, Read] = {
    "getProperties": get_properties,
    "getPropertyUnits": get_property_units,
    "getCustomers": get_customers,
    "getLeases": get_leases,
    "getLeaseDetails": get_lease_details,
    "getArCodes": get_ar_codes,
    "getGlTrees": get_gl_trees,
    "getLeaseArTransactions": get_lease_ar_transactions,
    "getArPayments": get_ar_payments,
}
