"""RM's API routes: login, list/get any resource, and Save writes. Every API request passes the
gate first: the company's rolling-minute limit, injected faults, then the token."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from pmsgate.emulators.rentmanager import query as q
from pmsgate.emulators.rentmanager.saves import Saver
from pmsgate.emulators.rentmanager.store import RESOURCES, Record, Resource, RMStore
from pmsgate.emulators.rentmanager.wire import RMError, rm_json

TOKEN_HEADER = "X-RM12Api-ApiToken"  # noqa: S105 (a header name)
PARTNER_HEADER = "X-RM12Api-PartnerToken"
API_VERSION = "12.26.05.9670"


def _store(request: Request) -> RMStore:
    store: RMStore = request.app.state.store
    return store


def _limit_headers(store: RMStore, remaining: int, reset_in: float) -> dict[str, str]:
    limit = store.limiter.per_minute
    if not limit:
        return {"x-api-version": API_VERSION}
    return {
        "x-api-version": API_VERSION,
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-reset": str(int(time.time() + reset_in)),
    }


def gate(request: Request, *, authenticated: bool = True) -> dict[str, str]:
    store = _store(request)
    allowed, remaining, reset_in = store.limiter.admit()
    headers = _limit_headers(store, remaining, reset_in)
    if not allowed or store.faults.take("rate_limit_burst"):
        wait = max(1, int(reset_in + 0.999)) if not allowed else 1
        raise RMError(429, "API rate limit exceeded", headers={**headers, "Retry-After": str(wait)})
    if store.faults.take("server_errors"):
        raise RMError(503, "The service is temporarily unavailable", headers=headers)
    if authenticated:
        store.require_token(request.headers.get(TOKEN_HEADER))
    return headers


def _resource(request: Request) -> str:
    name = str(request.path_params["resource"])
    for known in RESOURCES:
        if known.lower() == name.lower():
            return known
    raise HTTPException(404, f"no resource '{name}'")  # RM's bare {"Message": …}


async def _json(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        raise RMError(400, "The request body is not valid JSON") from None


async def authorize_user(request: Request) -> Response:
    headers = gate(request, authenticated=False)
    body = await _json(request)
    partner = request.headers.get(PARTNER_HEADER)
    if partner and isinstance(body, dict) and not body.get("PartnerToken"):
        # Clients send the partner token as a header on every request, login included.
        body = {**body, "PartnerToken": partner}
    token = _store(request).authorize(body)
    return rm_json(token, 200, headers)  # a bare JSON string


def _params(request: Request) -> dict[str, str]:
    return {k.lower(): v for k, v in request.query_params.items()}


def _malformed(record: Record, id_field: str) -> Record:
    broken = dict(record)
    broken.pop(id_field, None)
    if "Amount" in broken:
        broken["Amount"] = "twelve"
    return broken


async def list_records(request: Request) -> Response:
    headers = gate(request)
    store, resource = _store(request), _resource(request)
    return await _answer_list(request, headers, store, RESOURCES[resource], store.rows(resource))


async def _answer_list(
    request: Request, headers: dict[str, str], store: RMStore, spec: Resource, rows: list[Record]
) -> Response:
    """RQL filters, paging (Link, X-Total-Results), fields, embeds and faults over `rows`."""
    params = _params(request)
    known = frozenset(rows[0]) if rows else frozenset({spec.id_field})
    filters = q.parse_filters(params.get("filters"), known)
    rows = [row for row in rows if all(q.matches(row, f) for f in filters)]
    total = len(rows)
    number, size = q.page_bounds(params, total)
    if size is not None:
        rows = rows[(number - 1) * size : number * size]
        headers["Link"] = q.link_header(
            str(request.url).split("?")[0], dict(request.query_params), number, size, total
        )
    headers["X-Total-Results"] = str(total)
    headers["x-results"] = str(len(rows))
    if not rows:
        return Response(status_code=204, headers=headers)  # RM answers an empty result with 204
    embeds = frozenset(e.strip() for e in params.get("embeds", "").split(",") if e.strip())
    fields = [f.strip() for f in params["fields"].split(",")] if params.get("fields") else None
    shown = [q.project(row, fields, embeds, spec.embeds) for row in rows]
    if "embed" in params:  # the PDF's singular spelling silently returns empty child arrays
        shown = [{**row, **{e: [] for e in spec.embeds if "." not in e}} for row in shown]
    plan = store.faults.plan
    if plan.malformed_every:
        every = plan.malformed_every
        shown = [_malformed(r, spec.id_field) if (i + 1) % every == 0 else r for i, r in enumerate(shown)]
        store.faults.note("malformed_every", len(shown) // every)
    if plan.slow_ms:
        store.faults.note("slow_ms")
        await asyncio.sleep(plan.slow_ms / 1000)
    return rm_json(shown, 200, headers)


# A tenant's nested resources, as public clients read them (`/Tenants/{id}/Transactions`, …).
_TRANSACTIONS = Resource("Transactions", "ID")


def _tenant_transactions(store: RMStore, tenant_id: int) -> list[Record]:
    """Charges, credits and payments on the tenant's account, oldest first, each with its type."""
    rows: list[Record] = []
    for resource, kind in (("Charges", "Charge"), ("Credits", "Credit"), ("Payments", "Payment")):
        for record in store.rows(resource):
            if record.get("AccountID") == tenant_id:
                row = {**record, "TransactionType": record.get("TransactionType") or kind}
                row.setdefault("ID", record.get("ChargeID"))
                rows.append(row)
    return sorted(rows, key=lambda r: (str(r.get("TransactionDate")), int(r.get("ID") or 0)))


async def tenant_children(request: Request) -> Response:
    headers = gate(request)
    store = _store(request)
    tenant_id = int(request.path_params["record_id"])
    if store.get("Tenants", tenant_id) is None:
        return Response(status_code=404, headers=headers)
    child = str(request.path_params["child"]).lower()
    if child == "transactions":
        return await _answer_list(
            request, headers, store, _TRANSACTIONS, _tenant_transactions(store, tenant_id)
        )
    if child == "leases":
        leases = [row for row in store.rows("Leases") if row.get("TenantID") == tenant_id]
        return await _answer_list(request, headers, store, RESOURCES["Leases"], leases)
    if child == "recurringcharges":
        charges = [
            row
            for row in store.rows("RecurringCharges")
            if row.get("EntityKeyID") == tenant_id and row.get("EntityType") == "Tenant"
        ]
        return await _answer_list(request, headers, store, RESOURCES["RecurringCharges"], charges)
    raise HTTPException(404, f"no resource 'Tenants/{tenant_id}/{request.path_params['child']}'")


async def get_record(request: Request) -> Response:
    headers = gate(request)
    store, resource = _store(request), _resource(request)
    record = store.get(resource, int(request.path_params["record_id"]))
    if record is None:
        return Response(status_code=404, headers=headers)  # RM's 404 has an empty body
    embeds = frozenset(e.strip() for e in _params(request).get("embeds", "").split(",") if e.strip())
    return rm_json(q.project(record, None, embeds, RESOURCES[resource].embeds), 200, headers)


async def save_collection(request: Request) -> Response:
    headers = gate(request)
    store, resource = _store(request), _resource(request)
    body = await _json(request)
    if not isinstance(body, list):
        raise RMError(400, f"POST /{resource} takes a list of {resource} models")
    saver = Saver(store, _params(request).get("saveoptions"))
    if resource in ("Charges", "Credits"):
        saver.ledger(resource, body)
        saved: list[Record] | None = None
    elif resource == "Payments":
        saved = saver.payments(body)
    elif resource == "RecurringCharges":
        saved = saver.recurring(body)
    else:
        raise RMError(405, f"This emulator does not save {resource}")
    if store.faults.take("fail_writes_after_commit"):
        raise RMError(500, "An error has occurred.", headers=headers)
    return Response(status_code=204, headers=headers) if saved is None else rm_json(saved, 200, headers)


async def save_recurring(request: Request) -> Response:
    """POST /RecurringCharges/{id}: update one schedule (a partial model with its UpdateDate)."""
    headers = gate(request)
    store = _store(request)
    body = await _json(request)
    if not isinstance(body, dict):
        raise RMError(400, "POST /RecurringCharges/{id} takes one RecurringCharge model")
    item = {**body, "RecurringChargeID": int(request.path_params["record_id"])}
    saved = Saver(store, _params(request).get("saveoptions")).recurring([item])
    if store.faults.take("fail_writes_after_commit"):
        raise RMError(500, "An error has occurred.", headers=headers)
    return rm_json(saved[0], 200, headers)
