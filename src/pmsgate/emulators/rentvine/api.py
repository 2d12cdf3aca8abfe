"""Rentvine's read endpoints: exports and searches answering bare arrays of entity-wrapped rows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.rentvine.query import MODIFIED, POSTED, ListQuery, parse_list
from pmsgate.emulators.rentvine.store import Record, RentvineStore
from pmsgate.emulators.rentvine.wire import TODAY, RentvineError, money, parse_day, parse_money

MALFORMED_AMOUNT = "12,3x"
# The integer-list filters of the exports (list parameter: the row's field).
_BY_PROPERTY = {"propertyIDs": "propertyID"}
_ON_LEASES = {**_BY_PROPERTY, "leaseIDs": "leaseID"}
_LEASE_FILTERS = {**_ON_LEASES, "primaryLeaseStatusIDs": "primaryLeaseStatusID"}
_TXN_FILTERS = {**_ON_LEASES, "transactionTypeIDs": "transactionTypeID"}


def store_of(request: Request) -> RentvineStore:
    store: RentvineStore = request.app.state.store
    return store


def admit(request: Request, resource: str) -> RentvineStore:
    store = store_of(request)
    store.admit(request.headers.get("authorization"), resource)
    return store


def _malform(row: dict[str, Any], entity: str, id_field: str, every: int) -> dict[str, Any]:
    """Break every `every`-th row (by id, so the same rows break on every read): alternately drop
    its id or garble its amount."""
    record = row[entity]
    if every <= 0 or record[id_field] % every:
        return row
    broken = dict(record)
    if "amount" in broken and (record[id_field] // every) % 2:
        broken["amount"] = MALFORMED_AMOUNT
    else:
        del broken[id_field]
    return {**row, entity: broken}


async def answer(
    store: RentvineStore, query: ListQuery, rows: list[dict[str, Any]], entity: str, id_field: str
) -> Response:
    plan = store.faults.plan
    if plan.slow_ms:
        store.faults.note("slow_ms")
        await asyncio.sleep(plan.slow_ms / 1000)
    page = query.window(rows)
    shown = [_malform(r, entity, id_field, plan.malformed_every) for r in page]
    broken = sum(1 for a, b in zip(page, shown, strict=True) if a is not b)
    if broken:
        store.faults.note("malformed_every", broken)
    return JSONResponse(shown)


def _in(values: frozenset[int] | None, value: Any) -> bool:
    return values is None or value in values


def _matching(
    store: RentvineStore,
    table: str,
    query: ListQuery,
    among: Mapping[str, str],
    in_range: Callable[[Record], bool],
) -> list[Record]:
    """The rows of `table` within `in_range` whose fields are among the query's integers: `among`
    maps a list parameter (`propertyIDs` for propertyIDs[]) to its field; a parameter the query
    leaves out keeps every row. The caller holds `store.lock`."""
    wanted = [(query.ints(name), field) for name, field in among.items()]
    return [
        row
        for row in store.table(table).all()
        if all(_in(values, row[field]) for values, field in wanted) and in_range(row)
    ]


async def _by_property(request: Request, table: str, entity: str, id_field: str) -> Response:
    """A property-scoped export (the "properties" permission), filtered by propertyIDs[] and
    the modified range."""
    store = admit(request, "properties")
    query = parse_list(request.query_params, MODIFIED | {"propertyIDs[]"})
    with store.lock:
        rows = [{entity: r} for r in _matching(store, table, query, _BY_PROPERTY, query.stamp_range)]
    return await answer(store, query, rows, entity, id_field)


async def properties(request: Request) -> Response:
    return await _by_property(request, "properties", "property", "propertyID")


async def units(request: Request) -> Response:
    return await _by_property(request, "units", "unit", "unitID")


async def tenants(request: Request) -> Response:
    """Tenant contacts, each with the lease it is on (the latest, when several)."""
    store = admit(request, "tenants")
    query = parse_list(request.query_params, frozenset({"propertyIDs[]", "search"}))
    ids, search = query.ints("propertyIDs"), (request.query_params.get("search") or "").lower()
    rows = []
    with store.lock:
        for contact in store.table("contacts").all():
            lease = store.lease_of_contact.get(contact["contactID"])
            if lease is None or not _in(ids, lease["propertyID"]):
                continue
            if (
                search
                and search not in f"{contact['firstName']} {contact['lastName']} {contact['email']}".lower()
            ):
                continue
            link = {k: lease[k] for k in ("leaseID", "propertyID", "unitID")}
            rows.append({"contact": contact, "lease": link})
    return await answer(store, query, rows, "contact", "contactID")


def balances(store: RentvineStore, lease_id: int) -> dict[str, str]:
    unpaid = past_due = 0
    for txn in store.lease_transactions(lease_id):
        if txn["isVoided"]:
            continue
        open_ = _open_cents(txn)
        unpaid += open_
        if txn["transactionTypeID"] == 1 and txn["dateDue"] and parse_day(txn["dateDue"]) < TODAY:
            past_due += open_
    return {"unpaidTotalAmount": money(unpaid), "pastDueTotalAmount": money(past_due)}


def _open_cents(txn: Record) -> int:
    amount = parse_money(txn["amount"])
    if txn["transactionTypeID"] == 1:
        return amount - parse_money(txn["amountPaid"] or "0")
    return -amount  # payments and credits lower what is owed


async def leases(request: Request) -> Response:
    store = admit(request, "leases")
    allowed = MODIFIED | {"propertyIDs[]", "leaseIDs[]", "primaryLeaseStatusIDs[]"}
    query = parse_list(request.query_params, allowed)
    units_table = store.table("units")
    rows = []
    with store.lock:
        for lease in _matching(store, "leases", query, _LEASE_FILTERS, query.stamp_range):
            unit = units_table.get(lease["unitID"]) or {}
            rows.append(
                {
                    "lease": lease,
                    "balances": balances(store, lease["leaseID"]),
                    "unit": {"unitID": unit.get("unitID"), "name": unit.get("name")},
                }
            )
    return await answer(store, query, rows, "lease", "leaseID")


async def accounts(request: Request) -> Response:
    store = admit(request, "accounting")
    query = parse_list(request.query_params, frozenset())
    with store.lock:
        rows = [{"account": a} for a in store.table("accounts").all()]
    return await answer(store, query, rows, "account", "accountID")


_TXN_PARAMS = POSTED | {"propertyIDs[]", "leaseIDs[]", "transactionTypeIDs[]", "search", "isVoided"}


def _ledger_row(store: RentvineStore, txn: Record) -> dict[str, Any]:
    return {"transaction": txn, "ledger": {"ledgerID": txn["leaseID"], "leaseID": txn["leaseID"]}}


async def transactions(request: Request) -> Response:
    store = admit(request, "accounting")
    query = parse_list(request.query_params, frozenset(_TXN_PARAMS))
    search = request.query_params.get("search")
    voided = request.query_params.get("isVoided")
    rows = []
    with store.lock:
        for txn in _matching(store, "transactions", query, _TXN_FILTERS, query.day_range):
            if voided is not None and txn["isVoided"] != (voided in ("1", "true")):
                continue
            if search and search not in f"{txn['description']} {txn['reference'] or ''}":
                continue
            rows.append(_ledger_row(store, txn))
    return await answer(store, query, rows, "transaction", "transactionID")


def one(request: Request, resource: str, find: Callable[[RentvineStore], dict[str, Any] | None]) -> Response:
    store = admit(request, resource)
    with store.lock:
        row = find(store)
    if row is None:
        raise RentvineError(404, "Not Found")
    return JSONResponse(row)


async def transaction(request: Request) -> Response:
    def find(store: RentvineStore) -> dict[str, Any] | None:
        txn = store.table("transactions").get(request.path_params["transaction_id"])
        return None if txn is None else _ledger_row(store, txn)

    return one(request, "accounting", find)


def recurring_row(store: RentvineStore, charge: Record) -> dict[str, Any]:
    account = store.table("accounts").get(charge["accountID"]) or {}
    return {
        "recurringCharge": charge,
        "account": {k: account.get(k) for k in ("accountID", "name", "number", "isRent")},
    }


def lease_or_404(store: RentvineStore, lease_id: int) -> Record:
    lease = store.table("leases").get(lease_id)
    if lease is None:
        raise RentvineError(404, "Not Found")
    return lease


async def recurring_charges(request: Request) -> Response:
    """All of a lease's recurring charges, ended ones included (Rentvine keeps the history)."""
    store = admit(request, "leases")
    query = parse_list(request.query_params, frozenset())
    lease_id = request.path_params["lease_id"]
    with store.lock:
        lease_or_404(store, lease_id)
        rows = [recurring_row(store, c) for c in store.table("recurring").all() if c["leaseID"] == lease_id]
    return await answer(store, query, rows, "recurringCharge", "leaseRecurringChargeID")


async def recurring_charge(request: Request) -> Response:
    def find(store: RentvineStore) -> dict[str, Any] | None:
        charge = store.table("recurring").get(request.path_params["charge_id"])
        if charge is None or charge["leaseID"] != request.path_params["lease_id"]:
            return None
        return recurring_row(store, charge)

    return one(request, "leases", find)
