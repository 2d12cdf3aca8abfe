"""The lookups mappers need and RM records do not carry: a property's location, a tenant's
property and current lease. Loaded once per connector, only when a stream needs them (three
narrow `fields=` reads of at most a few pages each)."""

from __future__ import annotations

from datetime import datetime

from pmsgate.connectors.rentmanager.mapping import Places
from pmsgate.connectors.rentmanager.paging import fetch_all
from pmsgate.connectors.rentmanager.session import RMSession


def load_places(session: RMSession, places: Places, *, tenants: bool) -> None:
    if not places.location_of_property:
        places.location_of_property = {
            str(row["PropertyID"]): str(row["LocationID"])
            for row in fetch_all(session, "/Properties", {"fields": "PropertyID,LocationID"})
            if row.get("PropertyID") is not None and row.get("LocationID") is not None
        }
    if tenants and not places.property_of_tenant:
        places.property_of_tenant = {
            str(row["TenantID"]): str(row["PropertyID"])
            for row in fetch_all(session, "/Tenants", {"fields": "TenantID,PropertyID"})
            if row.get("TenantID") is not None and row.get("PropertyID") is not None
        }
        latest: dict[str, tuple[str, str]] = {}
        for row in fetch_all(session, "/Leases", {"fields": "LeaseID,TenantID,MoveInDate"}):
            if row.get("TenantID") is None or row.get("LeaseID") is None:
                continue
            tenant, moved_in = str(row["TenantID"]), str(row.get("MoveInDate") or datetime.min.isoformat())
            if tenant not in latest or moved_in >= latest[tenant][0]:
                latest[tenant] = (moved_in, str(row["LeaseID"]))
        places.lease_of_tenant = {tenant: lease for tenant, (_, lease) in latest.items()}
