"""Buildium's /v1 endpoints: lists and get-by-id of rentals, units, tenants, leases, GL accounts
and recurring transactions; a lease's ledger, charges and recurring transactions, and its
writes; outstanding balances; general-ledger transactions. What each query selects is in
`reads.py`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.buildium import reads, writes
from pmsgate.emulators.buildium.query import allow, order, paging
from pmsgate.emulators.buildium.seed import Record
from pmsgate.emulators.buildium.store import BuildiumError, BuildiumStore

MALFORMED_AMOUNT = "12,3x"
_AMOUNT_FIELD = {"units": "MarketRent", "recurring": "Amount", "transactions": "TotalAmount"}


def _store(request: Request) -> BuildiumStore:
    store: BuildiumStore = request.app.state.store
    return store


def malform(record: Record, name: str, every: int) -> Record:
    """Break every `every`-th record (by id): alternately drop its Id or garble its amount."""
    record_id = record.get("Id")
    if every <= 0 or not isinstance(record_id, int) or record_id % every:  # balances have no Id
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
        chosen = reads.list_filter(name, params, store)
        with store.lock:
            rows = [r for r in store.tables[name].values() if chosen(r)]
        return await _page(request, name, order(params, rows))

    return handler


def one_of(name: str, key: str) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        store = _store(request)
        store.admit(request.headers, collection=name)
        allow(request.query_params, ())
        return JSONResponse(reads.one(store, name, request.path_params[key]))

    return handler


def _lease(store: BuildiumStore, request: Request) -> Record:
    lease = store.tables["leases"].get(request.path_params["lease_id"])
    if lease is None:
        raise BuildiumError(404, "NotFound", f"Lease {request.path_params['lease_id']} was not found")
    return lease


def _ledger(store: BuildiumStore, lease: Record) -> list[Record]:
    with store.lock:
        return [store.transactions[i] for i in store.by_lease[lease["Id"]]]


async def lease_transactions(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers, collection="transactions")
    lease = _lease(store, request)
    params = request.query_params
    chosen = reads.transaction_filter(params)
    rows = [r for r in _ledger(store, lease) if chosen(r)]
    return await _page(request, "transactions", order(params, rows, ("Date", "Id")))


async def lease_charges(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers, collection="transactions")
    lease = _lease(store, request)
    rows = reads.lease_charges(request.query_params, _ledger(store, lease))
    return await _page(request, "charges", order(request.query_params, rows, ("Date", "Id")))


async def lease_recurring(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers, collection="recurring")
    lease = _lease(store, request)
    with store.lock:
        rows = [r for r in store.tables["recurring"].values() if r.get("LeaseId") == lease["Id"]]
    return await _page(
        request, "recurring", order(request.query_params, reads.lease_recurring(request.query_params, rows))
    )


async def outstanding_balances(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers, collection="transactions")
    rows = reads.outstanding_balances(request.query_params, store)
    return await _page(request, "balances", order(request.query_params, rows, ("LeaseId",)))


async def general_ledger(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers, collection="transactions")
    rows = reads.general_ledger(request.query_params, store)
    return await _page(request, "generalledger", order(request.query_params, rows, ("Date", "Id")))


async def lease_transaction(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers)
    allow(request.query_params, ())
    lease = _lease(store, request)
    txn = store.transactions.get(request.path_params["record_id"])
    if txn is None or txn["LeaseId"] != lease["Id"]:
        raise BuildiumError(404, "NotFound", "Transaction was not found")
    return JSONResponse(txn)


async def recurring_charge(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers)
    allow(request.query_params, ())
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
