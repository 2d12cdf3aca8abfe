"""Buildium's /v1 endpoints the connector uses: lists, the lease ledger and its writes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.buildium import writes
from pmsgate.emulators.buildium.query import day, ids, instant, paging, within_a_year
from pmsgate.emulators.buildium.seed import Record
from pmsgate.emulators.buildium.store import BuildiumError, BuildiumStore

MALFORMED_AMOUNT = "12,3x"
_AMOUNT_FIELD = {"units": "MarketRent", "recurring": "Amount", "transactions": "TotalAmount"}


def _store(request: Request) -> BuildiumStore:
    store: BuildiumStore = request.app.state.store
    return store


def _property_of(name: str) -> Callable[[Record], set[int]]:
    if name == "rentals":
        return lambda r: {r["Id"]}
    if name == "tenants":
        return lambda r: {int(lease.get("PropertyId") or 0) for lease in r.get("Leases") or []}
    return lambda r: {int(r.get("PropertyId") or 0)}


def malform(record: Record, name: str, every: int) -> Record:
    """Break every `every`-th record (by id): alternately drop its Id or garble its amount."""
    record_id = record.get("Id", 0)
    if every <= 0 or record_id % every:
        return record
    broken = dict(record)
    if name in _AMOUNT_FIELD and (record_id // every) % 2:
        broken[_AMOUNT_FIELD[name]] = MALFORMED_AMOUNT
    else:
        del broken["Id"]
    return broken


async def _page(request: Request, name: str, rows: list[Record]) -> Response:
    store = _store(request)
    limit, offset = paging(request.query_params)
    plan = store.faults.plan
    if plan.slow_ms:
        store.faults.note("slow_ms")
        await asyncio.sleep(plan.slow_ms / 1000)
    page = rows[offset : offset + limit]
    data = [malform(r, name, plan.malformed_every) for r in page]
    broken = sum(1 for before, after in zip(page, data, strict=True) if before is not after)
    if broken:
        store.faults.note("malformed_every", broken)
    return JSONResponse(data, headers={"X-Total-Count": str(len(rows))})


def list_of(name: str) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        store = _store(request)
        store.admit(request.headers, collection=name)
        params = request.query_params
        since, until = instant(params, "lastupdatedfrom"), instant(params, "lastupdatedto")
        within_a_year(since, until, "lastupdatedfrom")
        properties, leases = ids(params, "propertyids"), ids(params, "leaseids")
        property_of = _property_of(name)
        with store.lock:
            rows = [store.tables[name][k] for k in sorted(store.tables[name])]
        rows = [
            r
            for r in rows
            if (since is None or store.updated_at(name, r) >= since)
            and (until is None or store.updated_at(name, r) <= until)
            and (properties is None or property_of(r) & properties)
            and (leases is None or r.get("LeaseId") in leases)
        ]
        return await _page(request, name, rows)

    return handler


def _lease(store: BuildiumStore, request: Request) -> Record:
    lease = store.tables["leases"].get(request.path_params["lease_id"])
    if lease is None:
        raise BuildiumError(404, "NotFound", f"Lease {request.path_params['lease_id']} was not found")
    return lease


async def lease_transactions(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers, collection="transactions")
    lease = _lease(store, request)
    params = request.query_params
    start, end = day(params, "transactiondatefrom"), day(params, "transactiondateto")
    within_a_year(start, end, "transactiondatefrom")
    types = set(params.getlist("transactiontypes")) or None
    with store.lock:
        rows = [store.transactions[i] for i in store.by_lease[lease["Id"]]]
    rows = [
        r
        for r in rows
        if (start is None or r["Date"] >= start.isoformat())
        and (end is None or r["Date"] <= end.isoformat())
        and (types is None or r["TransactionTypeEnum"] in types)
    ]
    rows.sort(key=lambda r: (r["Date"], r["Id"]))  # the connector asks "Date asc,Id asc"
    return await _page(request, "transactions", rows)


async def lease_transaction(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers)
    lease = _lease(store, request)
    txn = store.transactions.get(request.path_params["record_id"])
    if txn is None or txn["LeaseId"] != lease["Id"]:
        raise BuildiumError(404, "NotFound", "Transaction was not found")
    return JSONResponse(txn)


async def recurring_charge(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers)
    lease = _lease(store, request)
    row = store.tables["recurring"].get(request.path_params["record_id"])
    if row is None or row["LeaseId"] != lease["Id"] or row["TransactionType"] != "Charge":
        raise BuildiumError(404, "NotFound", "Recurring charge was not found")
    return JSONResponse(writes.single_recurring(row))


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise BuildiumError(415, "UnsupportedMediaType", "The body must be JSON") from None
    if not isinstance(body, dict):
        raise BuildiumError(400, "InvalidRequest", "The body must be a JSON object")
    return body


def creator(
    write: Callable[[BuildiumStore, Record, dict[str, Any], datetime], Any],
) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        store = _store(request)
        store.admit(request.headers)
        lease = _lease(store, request)
        body = await _body(request)
        created = write(store, lease, body, writes.now())
        if store.faults.take("fail_writes_after_commit"):
            raise BuildiumError(500, "InternalServerError", "An unexpected error occurred")
        return JSONResponse(created, status_code=201, headers={"Location": request.url.path})

    return handler
