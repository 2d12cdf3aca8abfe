"""ResMan's read methods the connector calls, each `(store, form) -> (PropertyID, payload)`.

Account/GetProperties                 Properties
Property/GetUnits                     PropertyID -> Units
Leasing/GetCurrentResidents           PropertyID -> Residents (with their lease terms)
Accounting/GetChargeCodes             ChargeCodes                  (method name inferred)
Accounting/GetBudgetAndActual         PropertyID, StartMonth, EndMonth -> GLAccounts[Periods]
MITS/GetResidentTransactions2_0       PropertyID, StartDate?, EndDate? -> MITS ledger
MITS/GetRecurringCharges2_0           PropertyID, PostingMonth -> MITS recurring charges
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pmsgate.emulators.resman.seed import Record
from pmsgate.emulators.resman.store import ResManError, ResManStore
from pmsgate.emulators.resman.wire import MITS_KEY, mits_document

Form = Mapping[str, str]
Handler = Callable[[ResManStore, Form], tuple[str | None, dict[str, Any]]]
MALFORMED_AMOUNT = "12,3x"
_ID_FIELD = {"Properties": "PropertyID", "Units": "UnitID", "Residents": "PersonID", "ChargeCodes": "Code"}
_AMOUNT_FIELD = {"Units": "MarketRent"}


def day(form: Form, key: str, *, required: bool = False) -> date | None:
    raw = form.get(key, "").strip()
    if not raw:
        if required:
            raise ResManError(f"{key} is required")
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ResManError(f"Invalid {key} {raw!r}: expected YYYY-MM-DD") from None


def malform(
    rows: list[Record], every: int, id_field: str, amount_field: str | None
) -> tuple[list[Record], int]:
    """Break every `every`-th row: alternately drop its id or garble its amount."""
    if every <= 0:
        return rows, 0
    out, broken = [], 0
    for position, row in enumerate(rows, start=1):
        if position % every:
            out.append(row)
            continue
        copy = dict(row)
        if amount_field and (position // every) % 2:
            copy[amount_field] = MALFORMED_AMOUNT
        else:
            copy.pop(id_field, None)
        out.append(copy)
        broken += 1
    return out, broken


def _list(store: ResManStore, key: str, rows: list[Record]) -> dict[str, Any]:
    rows, broken = malform(
        rows, store.faults.plan.malformed_every, _ID_FIELD.get(key, ""), _AMOUNT_FIELD.get(key)
    )
    if broken:
        store.faults.note("malformed_every", broken)
    return {key: rows}


def get_properties(store: ResManStore, _form: Form) -> tuple[str | None, dict[str, Any]]:
    with store.lock:
        rows = [store.properties[k] for k in sorted(store.properties)]
    return None, _list(store, "Properties", rows)


def get_units(store: ResManStore, form: Form) -> tuple[str | None, dict[str, Any]]:
    property_id = store.property(form)
    return property_id, _list(store, "Units", list(store.units[property_id]))


def get_current_residents(store: ResManStore, form: Form) -> tuple[str | None, dict[str, Any]]:
    property_id = store.property(form)
    return property_id, _list(store, "Residents", list(store.residents[property_id]))


def get_charge_codes(store: ResManStore, _form: Form) -> tuple[str | None, dict[str, Any]]:
    rows = [
        {"Code": code, "Name": name, "Description": name, "GLAccountNumber": gl}
        for code, (name, gl) in sorted(store.charge_codes.items())
    ]
    return None, _list(store, "ChargeCodes", rows)


def _months(start: date, end: date) -> list[date]:
    months: list[date] = []
    current = start.replace(day=1)
    while current <= end and len(months) < 60:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def get_budget_and_actual(store: ResManStore, form: Form) -> tuple[str | None, dict[str, Any]]:
    property_id = store.property(form)
    start, end = day(form, "StartMonth", required=True), day(form, "EndMonth", required=True)
    assert start is not None and end is not None
    if end < start:
        raise ResManError("EndMonth must not be before StartMonth")
    periods = [{"Month": m.month, "Year": m.year, "Actual": 0.0, "Budget": 0.0} for m in _months(start, end)]
    rows = [
        {"Number": n, "Name": name, "Type": kind, "Periods": periods} for n, name, kind in store.gl_accounts
    ]
    return property_id, {"GLAccounts": rows}


def _mits(store: ResManStore, property_id: str, lines: list[Record]) -> dict[str, Any]:
    every = store.faults.plan.malformed_every
    lines, broken = malform(lines, every, "TransactionID", "Amount")
    if broken:
        store.faults.note("malformed_every", broken)
    return {MITS_KEY: mits_document(property_id, lines)}


def get_resident_transactions(store: ResManStore, form: Form) -> tuple[str | None, dict[str, Any]]:
    property_id = store.property(form)
    start, end = day(form, "StartDate"), day(form, "EndDate")
    if start and end and end < start:
        raise ResManError("EndDate must not be before StartDate")
    with store.lock:
        lines = [
            line
            for line in store.ledger[property_id]
            if (start is None or line["TransactionDate"] >= start.isoformat())
            and (end is None or line["TransactionDate"] <= end.isoformat())
        ]
    lines.sort(key=lambda line: (line["LeaseID"], line["TransactionDate"], line["TransactionID"]))
    return property_id, _mits(store, property_id, lines)


def get_recurring_charges(store: ResManStore, form: Form) -> tuple[str | None, dict[str, Any]]:
    property_id = store.property(form)
    month = day(form, "PostingMonth", required=True)
    assert month is not None
    first, last = month.replace(day=1), month.replace(day=monthrange(month.year, month.month)[1])
    lines = [
        line
        for line in store.recurring[property_id]
        if line["StartDate"] <= last.isoformat()
        and (not line.get("EndDate") or line["EndDate"] >= first.isoformat())
    ]
    return property_id, _mits(store, property_id, lines)


READS: dict[str, Handler] = {
    "Account/GetProperties": get_properties,
    "Property/GetUnits": get_units,
    "Leasing/GetCurrentResidents": get_current_residents,
    "Accounting/GetChargeCodes": get_charge_codes,
    "Accounting/GetBudgetAndActual": get_budget_and_actual,
    "MITS/GetResidentTransactions2_0": get_resident_transactions,
    "MITS/GetRecurringCharges2_0": get_recurring_charges,
}
