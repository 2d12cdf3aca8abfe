"""Propertyware's /pw/api/rest/v1 read endpoints: offset-paged lists with `X-Total-Count`,
`lastModifiedDateTime*` and `postDate*` filters, a lease by id; and the gate every API request
passes (faults, rate limit, key, permissions)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.propertyware.store import PwStore, Record, modified
from pmsgate.emulators.propertyware.wire import PwError, bad_request, parse_query_day, parse_stamp

DEFAULT_LIMIT, MAX_LIMIT = 100, 500
LEDGER = frozenset({"charges", "creditmemos", "adjustments", "payments"})
# Query parameter -> record field, per collection, for the equality filters the spec documents.
EQUALITY: dict[str, dict[str, str]] = {
    "units": {"buildingID": "buildingID", "portfolioID": "portfolioID"},
    "contacts": {"type": "type"},
    "leases": {
        "buildingID": "buildingID",
        "unitID": "unitID",
        "portfolioID": "portfolioID",
        "status": "status",
    },
    "glaccounts": {"accountNumber": "accountNumber", "accountCode": "accountCode"},
    "autocharges": {"leaseID": "leaseID"},
} | {
    name: {"leaseID": "leaseID", "portfolioID": "portfolioID", "glAccountID": "glAccountID"}
    for name in LEDGER
}
DEACTIVATABLE = frozenset({"buildings", "units", "portfolios", "glaccounts"})


def store_of(request: Request) -> PwStore:
    store: PwStore = request.app.state.store
    return store


def admit(request: Request, collection: str, *, write: bool = False) -> PwStore:
    """Faults first (a flaky gateway answers before auth), then the rate limit, then the key."""
    store = store_of(request)
    if store.faults.take("rate_limit_burst") or not store.limiter.allow():
        raise PwError(429, "Too many requests against the API too quickly.")
    if store.faults.take("server_errors"):
        raise PwError(503, "Service temporarily unavailable.")
    store.authenticate(request.headers, collection, write=write)
    store.served += 1
    return store


def _integer(value: str | None, key: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise bad_request(key, f"{key} must be an integer") from None
    if number < 0:
        raise bad_request(key, f"{key} must not be negative")
    return number


def _matches(record: Record, collection: str, query: Any, windows: dict[str, Any]) -> bool:
    for param, field in EQUALITY.get(collection, {}).items():
        wanted = query.get(param)
        if wanted is not None and str(record.get(field)) != wanted:
            return False
    if (
        collection in DEACTIVATABLE
        and query.get("includeDeactivated") != "true"
        and record.get("active") is False
    ):
        return False
    changed = modified(record)
    if ("start" in windows and changed < windows["start"]) or ("end" in windows and changed > windows["end"]):
        return False
    if collection in LEDGER:
        posted = date.fromisoformat(record["date"])
        if "post_start" in windows and posted < windows["post_start"]:
            return False
        if "post_end" in windows and posted > windows["post_end"]:
            return False
    return True


def _windows(collection: str, query: Any) -> dict[str, datetime | date]:
    windows: dict[str, datetime | date] = {}
    for key, name in (("lastModifiedDateTimeStart", "start"), ("lastModifiedDateTimeEnd", "end")):
        if query.get(key) is not None:  # an empty value is a 400 too, not "no filter"
            windows[name] = parse_stamp(query[key], key)
    if collection in LEDGER:
        for key, name in (("postDateStart", "post_start"), ("postDateEnd", "post_end")):
            if query.get(key) is not None:
                windows[name] = parse_query_day(query[key], key)
    return windows


def malform(record: Record, every: int) -> Record:
    """Break every `every`-th record (by id, so the same ones break on every read)."""
    if every <= 0 or record["id"] % every:
        return record
    return {**record, "id": f"BROKEN-{record['id']}"}


def lister(collection: str) -> Any:
    async def list_records(request: Request) -> Response:
        store = admit(request, collection)
        query = request.query_params
        limit = _integer(query.get("limit"), "limit", DEFAULT_LIMIT)
        if not 1 <= limit <= MAX_LIMIT:  # the spec: "limit can range between 1 and 500"; not capped
            raise bad_request("limit", f"limit must be between 1 and {MAX_LIMIT}")
        offset = _integer(query.get("offset"), "offset", 0)
        order = (query.get("orderby") or "id").lower()
        if order not in ("id", "id asc", "id desc", "lastmodifieddatetime"):
            raise bad_request("orderby", f"cannot sort by {order}")
        windows = _windows(collection, query)
        rows = [r for r in store.rows(collection) if _matches(r, collection, query, windows)]
        if order == "id desc":
            rows.reverse()
        elif order == "lastmodifieddatetime":
            rows.sort(key=lambda r: (modified(r), r["id"]))
        plan = store.faults.plan
        if plan.slow_ms:
            store.faults.note("slow_ms")
            await asyncio.sleep(plan.slow_ms / 1000)
        page = [malform(r, plan.malformed_every) for r in rows[offset : offset + limit]]
        broken = sum(1 for r in page if isinstance(r["id"], str))
        if broken:
            store.faults.note("malformed_every", broken)
        return JSONResponse(page, headers={"X-Total-Count": str(len(rows))})

    return list_records


async def get_lease(request: Request) -> Response:
    store = admit(request, "leases")
    lease = store.get("leases", request.path_params["lease_id"])
    if lease is None:
        raise PwError(404, "Entity not found.")
    return JSONResponse(lease)


async def health(_request: Request) -> Response:
    return JSONResponse({"statusCode": "OK"})
