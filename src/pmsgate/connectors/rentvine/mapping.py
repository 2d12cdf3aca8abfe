"""Rentvine rows -> canonical records for places and people. Pure functions, no I/O.

Rows arrive entity-wrapped (`{"lease": {...}, "balances": {...}}`). Native fields a canonical
record has no place for go to `custom_data` under their native name, computed from the declared
`_MAPPED` sets so a new vendor field is kept rather than dropped.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import LeaseStatus, PropertyType
from pmsgate.connectors import mapped
from pmsgate.connectors.parsing import Native, as_text, ident, money, optional_ident
from pmsgate.connectors.parsing import iso_date as day
from pmsgate.connectors.rentvine.fields import custom, entity, timestamp

# primaryLeaseStatusID: 1 Pending, 2 Active, 3 Closed (Rentvine's lease export filter).
LEASE_STATUS: dict[Any, tuple[str | None, LeaseStatus]] = {
    1: ("Pending", LeaseStatus.PENDING),
    2: ("Active", LeaseStatus.ACTIVE),
    3: ("Closed", LeaseStatus.INACTIVE),
}
PROPERTY_TYPE: dict[Any, tuple[str | None, PropertyType]] = {
    1: ("Single Family", PropertyType.SINGLE_FAMILY),
    2: ("Multi-Family", PropertyType.MULTI_FAMILY),
    3: ("Commercial", PropertyType.COMMERCIAL),
}
ADDRESS = mapped.AddressNames("address", "address2", "city", "stateID", "postalCode", "country")
UNIT_ADDRESS = mapped.AddressNames(
    "address", "address2", "city", "stateID", "postalCode"
)  # units have no country

_MAPPED = {
    "property": frozenset(
        {"propertyID", "name", "address", "address2", "city", "stateID", "postalCode", "country"}
        | {"propertyTypeID", "isActive", "yearBuilt", "dateTimeCreated"}
    ),
    "unit": frozenset(
        {"unitID", "propertyID", "name", "address", "address2", "city", "stateID", "postalCode"}
        | {"beds", "baths", "size", "rent"}
    ),
    "contact": frozenset({"contactID", "firstName", "lastName", "email", "phone"}),
    "lease": frozenset(
        {"leaseID", "propertyID", "unitID", "primaryLeaseStatusID", "startDate", "endDate", "moveInDate"}
        | {"moveOutDate", "expectedMoveOutDate", "rentAmount", "depositAmount", "tenants"}
    ),
}


def map_property(row: Any, *, tz: tzinfo) -> list[r.CanonicalRecord]:
    """A property; `tz` is the company's zone, in which Rentvine's timestamps are written (the
    connector passes the integration's)."""
    raw = entity(row, "property")
    type_raw, type_normalized = PROPERTY_TYPE.get(raw.get("propertyTypeID"), (None, PropertyType.OTHER))
    return [
        r.PropertyRecord(
            x_id=ident(raw, "propertyID"),
            x_created_at=timestamp(raw.get("dateTimeCreated"), "dateTimeCreated", tz),
            name=raw.get("name"),
            **mapped.site(raw.get, ADDRESS),
            is_active=raw.get("isActive"),
            year_built=raw.get("yearBuilt"),
            type=type_raw,
            type_raw=as_text(raw.get("propertyTypeID")),
            type_normalized=type_normalized.value,
            custom_data=custom(raw, _MAPPED["property"]),
        )
    ]


def map_unit(row: Any) -> list[r.CanonicalRecord]:
    raw = entity(row, "unit")
    return [
        r.UnitRecord(
            x_id=ident(raw, "unitID"),
            x_property_id=ident(raw, "propertyID"),
            number=raw.get("name"),
            **mapped.site(raw.get, UNIT_ADDRESS),
            bedrooms=as_text(raw.get("beds")),
            bathrooms=as_text(raw.get("baths")),
            square_feet=raw.get("size"),
            rent_amount_market_in_cents=money(raw.get("rent"), "rent")[0],
            custom_data=custom(raw, _MAPPED["unit"]),
        )
    ]


def map_contact(row: Any) -> list[r.CanonicalRecord]:
    """A tenant contact; Rentvine contacts belong to no property, so the property is the one of
    the lease the search row names."""
    raw, lease = entity(row, "contact"), entity(row, "lease")
    phone = raw.get("phone")
    return [
        r.ResidentRecord(
            x_id=ident(raw, "contactID"),
            x_property_id=ident(lease, "propertyID"),
            x_lease_id=optional_ident(lease, "leaseID"),
            first_name=raw.get("firstName"),
            last_name=raw.get("lastName"),
            email_1=raw.get("email"),
            phone_1=phone,
            phone_1_type="OTHER" if phone else None,  # Rentvine does not say which kind of line
            custom_data=custom(raw, _MAPPED["contact"]),
        )
    ]


def map_lease(row: Any) -> list[r.CanonicalRecord]:
    """The lease, then one residents-to-leases link per tenant (the primary one PRIMARY)."""
    raw = entity(row, "lease")
    balances: Native = row.get("balances") or {}
    lease_id, property_id = ident(raw, "leaseID"), ident(raw, "propertyID")
    status_id = raw.get("primaryLeaseStatusID")
    status_raw, status = LEASE_STATUS.get(status_id, (None, LeaseStatus.OTHER))
    tenants = [t for t in raw.get("tenants") or [] if isinstance(t, dict)]
    primary = next((t for t in tenants if t.get("isPrimary")), None)
    pending, closed = status is LeaseStatus.PENDING, status is LeaseStatus.INACTIVE
    move_in, move_out = day(raw.get("moveInDate"), "moveInDate"), day(raw.get("moveOutDate"), "moveOutDate")
    balance = money(balances.get("unpaidTotalAmount"), "unpaidTotalAmount")
    past_due = money(balances.get("pastDueTotalAmount"), "pastDueTotalAmount")
    deposit = money(raw.get("depositAmount"), "depositAmount")
    unit: Native = row.get("unit") or {}
    lease = r.LeaseRecord(
        x_id=lease_id,
        x_property_id=property_id,
        x_unit_id=optional_ident(raw, "unitID"),
        x_resident_id=None if primary is None else ident(primary, "contactID"),
        status=status_raw,
        status_raw=as_text(status_id),
        status_normalized=status.value,
        start_date=day(raw.get("startDate"), "startDate"),
        end_date=day(raw.get("endDate"), "endDate"),
        **mapped.move_in_dates(move_in, upcoming=pending),
        scheduled_move_out_date=day(raw.get("expectedMoveOutDate"), "expectedMoveOutDate"),
        realized_move_out_date=move_out if closed else None,
        **mapped.terms(money(raw.get("rentAmount"), "rentAmount"), deposit),
        **mapped.balances(balance, past_due),
        unit_number=unit.get("name"),
        custom_data=custom(raw, _MAPPED["lease"]),
    )
    links = [_link(t, lease_id, property_id, move_in, move_out) for t in tenants]
    return [lease, *links]


def _link(raw: Native, lease_id: str, property_id: str, move_in: Any, move_out: Any) -> r.ResidentLeaseRecord:
    is_primary = bool(raw.get("isPrimary"))
    return r.ResidentLeaseRecord(
        **mapped.resident_link(
            lease_id,
            ident(raw, "contactID"),
            property_id=property_id,
            kind="primary" if is_primary else "tenant",
            primary=is_primary,
        ),
        move_in_date=move_in,
        move_out_date=move_out,
        custom_data=custom(raw, frozenset({"contactID", "isPrimary"})),
    )
