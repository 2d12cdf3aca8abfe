"""Rentvine's browsing endpoints that public clients call beside the exports: `/properties`,
`/properties/{id}`, `/properties/{id}/units`, `/leases`, `/leases/{id}`, `/tenants`, `/portfolios`
and `/accounting/ledgers/search`. Lists answer bare arrays of entity-wrapped rows (as the exports
do) and page with page/pageSize; a single record answers one wrapped row or 404. The shapes are
inferred from public clients (no Rentvine OpenAPI is in the project's references)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from pmsgate.emulators.rentvine import api
from pmsgate.emulators.rentvine.query import MODIFIED, parse_list
from pmsgate.emulators.rentvine.store import RentvineStore


async def property_one(request: Request) -> Response:
    def find(store: RentvineStore) -> dict[str, Any] | None:
        found = store.table("properties").get(request.path_params["property_id"])
        return None if found is None else {"property": found}

    return api.one(request, "properties", find)


async def property_units(request: Request) -> Response:
    store = api.admit(request, "properties")
    query = parse_list(request.query_params, MODIFIED)
    property_id = request.path_params["property_id"]
    with store.lock:
        if store.table("properties").get(property_id) is None:
            raise api.RentvineError(404, "Not Found")
        rows = [
            {"unit": u}
            for u in store.table("units").all()
            if u["propertyID"] == property_id and query.stamp_range(u)
        ]
    return await api.answer(store, query, rows, "unit", "unitID")


async def lease_one(request: Request) -> Response:
    def find(store: RentvineStore) -> dict[str, Any] | None:
        lease = store.table("leases").get(request.path_params["lease_id"])
        if lease is None:
            return None
        return {"lease": lease, "balances": api.balances(store, lease["leaseID"])}

    return api.one(request, "leases", find)


async def portfolios(request: Request) -> Response:
    """Portfolios (owner groupings of properties), derived from the properties that name them."""
    store = api.admit(request, "properties")
    query = parse_list(request.query_params, frozenset({"portfolioIDs[]"}))
    ids = query.ints("portfolioIDs")
    with store.lock:
        found: dict[int, list[int]] = {}
        for prop in store.table("properties").all():
            found.setdefault(prop["portfolioID"], []).append(prop["propertyID"])
    rows = [
        {"portfolio": {"portfolioID": pid, "name": f"Portfolio {pid}", "propertyIDs": sorted(props)}}
        for pid, props in sorted(found.items())
        if ids is None or pid in ids
    ]
    return await api.answer(store, query, rows, "portfolio", "portfolioID")


async def ledgers(request: Request) -> Response:
    """One ledger per lease (Rentvine keys a lease's ledger by the lease), with its balances."""
    store = api.admit(request, "accounting")
    query = parse_list(request.query_params, frozenset({"propertyIDs[]", "leaseIDs[]"}))
    ids, lease_ids = query.ints("propertyIDs"), query.ints("leaseIDs")
    with store.lock:
        rows = [
            {
                "ledger": {
                    "ledgerID": lease["leaseID"],
                    "leaseID": lease["leaseID"],
                    "propertyID": lease["propertyID"],
                },
                "balances": api.balances(store, lease["leaseID"]),
            }
            for lease in store.table("leases").all()
            if (ids is None or lease["propertyID"] in ids)
            and (lease_ids is None or lease["leaseID"] in lease_ids)
        ]
    return await api.answer(store, query, rows, "ledger", "ledgerID")
