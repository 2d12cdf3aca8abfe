"""SamplePMS's /api/v2 endpoints: token login, lists, single records and writes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.sample import writes
from pmsgate.emulators.sample.auth import check_login
from pmsgate.emulators.sample.collections import CollectionSpec
from pmsgate.emulators.sample.query import parse_list_query
from pmsgate.emulators.sample.store import Record, SampleStore
from pmsgate.emulators.sample.wire import FaultError

MALFORMED_AMOUNT = "12,3x"


def _store(request: Request) -> SampleStore:
    store: SampleStore = request.app.state.store
    return store


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        raise FaultError(400, "BAD_REQUEST", "the body must be JSON") from None


def malform(record: Record, spec: CollectionSpec, every: int) -> Record:
    """Break every `every`-th record (by id, so the same ones break on every read): alternately
    drop its id or garble its amount."""
    record_id = record[spec.id_field]
    if every <= 0 or record_id % every:
        return record
    broken = dict(record)
    if spec.amount_field and (record_id // every) % 2:
        broken[spec.amount_field] = MALFORMED_AMOUNT
    else:
        del broken[spec.id_field]
    return broken


async def issue_token(request: Request) -> Response:
    store = _store(request)
    store.admit(None, authenticate=False)
    body = await _json(request)
    if not isinstance(body, dict):
        raise FaultError(400, "BAD_REQUEST", "send {username, password, companyId}")
    check_login(store.credentials, body)
    lifetime = int(store.tokens.lifetime_s)
    return JSONResponse({"accessToken": store.tokens.issue(), "tokenType": "Bearer", "expiresIn": lifetime})


async def list_records(request: Request) -> Response:
    store = _store(request)
    name = request.path_params["collection"]
    store.admit(request.headers.get("authorization"), collection=name)
    table = store.table(name)
    query = parse_list_query(table.spec, request.query_params)
    plan = store.faults.plan
    if plan.slow_ms:
        store.faults.note("slow_ms")
        await asyncio.sleep(plan.slow_ms / 1000)
    with store.lock:
        records, next_cursor = table.page(query)
    data = [malform(r, table.spec, plan.malformed_every) for r in records]
    broken = sum(1 for before, after in zip(records, data, strict=True) if before is not after)
    if broken:
        store.faults.note("malformed_every", broken)
    return JSONResponse({"data": data, "paging": {"next": next_cursor, "count": len(data)}})


async def get_record(request: Request) -> Response:
    store = _store(request)
    name = request.path_params["collection"]
    store.admit(request.headers.get("authorization"), collection=name)
    record = store.table(name).get(request.path_params["record_id"])
    if record is None:
        raise FaultError(404, "NOT_FOUND", f"no {name} record with id {request.path_params['record_id']}")
    return JSONResponse(record)


def _answer(request: Request, store: SampleStore, body: dict[str, Any], status: int) -> Response:
    """How a committed write is answered: maybe lost (fault), maybe without the id (async)."""
    if store.faults.take("fail_writes_after_commit"):
        raise FaultError(500, "INTERNAL", "an internal error occurred")
    if status == 201 and "respond-async" in request.headers.get("prefer", "").lower():
        return JSONResponse({"accepted": True}, status_code=202)
    return JSONResponse(body, status_code=status)


def _creator(id_field: str, write: Callable[[SampleStore, object], int]) -> Callable[[Request], Any]:
    async def create(request: Request) -> Response:
        store = _store(request)
        store.admit(request.headers.get("authorization"))
        body = await _json(request)
        return _answer(request, store, {id_field: write(store, body)}, 201)

    return create


create_charge = _creator("chargeId", lambda store, body: writes.post_charge(store, body, credit=False))
create_credit = _creator("chargeId", lambda store, body: writes.post_charge(store, body, credit=True))
create_receipt = _creator("receiptId", writes.post_receipt)
create_recurring = _creator("recurringId", writes.post_recurring)


async def update_recurring(request: Request) -> Response:
    store = _store(request)
    store.admit(request.headers.get("authorization"))
    body = await _json(request)
    return _answer(request, store, writes.patch_recurring(store, request.path_params["record_id"], body), 200)
