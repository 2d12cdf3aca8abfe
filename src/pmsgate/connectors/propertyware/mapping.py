"""Propertyware buildings, units, contacts, leases and GL accounts -> canonical records. Pure.

Native fields a canonical record has no place for go to `custom_data` under their native names,
computed from the declared `_MAPPED` sets so a new vendor field is kept rather than dropped.
A record that cannot be mapped raises MappingError (a ValueError); the connector skips it.
"""

from __future__ import annotations

from typing import Any

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import LeaseStatus, PropertyType
from pmsgate.connectors import mapped
from pmsgate.connectors.parsing import MappingError, Native, as_text, custom, money
from pmsgate.connectors.parsing import iso_utc as utc
from pmsgate.connectors.propertyware.fields import ident, iso_date, optional_ident
from pmsgate.connectors.propertyware.places import Places

# Building.propertyType (the spec's enum) -> PropertyType; NONE/OTHER/SHORT_TERM_VACATION -> OTHER.
PROPERTY_TYPE = {
    "HOUSE": PropertyType.SINGLE_FAMILY,
    "CONDO": PropertyType.SINGLE_FAMILY,
    "TOWNHOUSE": PropertyType.SINGLE_FAMILY,
    "APARTMENT": PropertyType.MULTI_FAMILY,
    "DU_FOUR_PLEX": PropertyType.MULTI_FAMILY,
    "SECTION_8_AFFORDABLE": PropertyType.MULTI_FAMILY,
    "SENIOR": PropertyType.MULTI_FAMILY,
    "STUDENT": PropertyType.MULTI_FAMILY,
    "COMMERCIAL": PropertyType.COMMERCIAL,
}
# Lease.status is free text in the spec (`GET /leases/statuses` lists a customer's own); these
# are Propertyware's stock statuses, compared case-insensitively.
LEASE_STATUS = {
    "active": LeaseStatus.ACTIVE,
    "active - notice given": LeaseStatus.ACTIVE,
    "future": LeaseStatus.PENDING,
    "pending": LeaseStatus.PENDING,
    "terminated": LeaseStatus.INACTIVE,
    "closed": LeaseStatus.INACTIVE,
    "inactive": LeaseStatus.INACTIVE,
    "evicted": LeaseStatus.EVICTED,
}

ADDRESS = mapped.AddressNames("address", "addressCont", "city", "stateRegion", "postalCode", "country")
_ADDRESS = frozenset({"address"})
_MAPPED: dict[str, frozenset[str]] = {
    "building": _ADDRESS
    | {"id", "name", "abbreviation", "active", "countUnit", "yearBuilt", "propertyType", "website"}
    | {"createdDateTime", "numberOfBedrooms", "totalArea", "county"},
    "unit": _ADDRESS
    | {"id", "buildingID", "name", "numberOfBedrooms", "numberOfBathrooms", "totalArea", "targetRent"}
    | {"status", "rentable", "floorNumber"},
    "contact": _ADDRESS
    | {"id", "firstName", "lastName", "middleName", "email", "altEmail", "mobilePhone", "homePhone"}
    | {"workPhone", "birthDate", "comments"},
    "lease": frozenset(
        {"id", "buildingID", "unitID", "status", "startDate", "endDate", "moveInDate", "moveOutDate"}
        | {"scheduleMoveOutDate", "signedDate", "baseRent", "leaseBalance", "contacts"}
    ),
    "account": frozenset({"id", "name", "accountNumber", "active"}),
}


def _square_feet(raw: Native) -> int | None:
    area = raw.get("totalArea")
    if area is None or raw.get("areaUnits", "Sq Ft") != "Sq Ft":
        return None  # square metres have no canonical field; they stay in custom_data
    return int(area)


# Fields taken as Propertyware writes them, {canonical: native}.
BUILDING = {
    "name": "name",
    "code": "abbreviation",
    "county": "county",
    "is_active": "active",
    "number_of_units": "countUnit",
    "year_built": "yearBuilt",
    "website": "website",
}


def map_building(raw: Native, _places: Places | None = None) -> list[r.CanonicalRecord]:
    address = raw.get("address") or {}
    return [
        r.PropertyRecord(
            x_id=ident(raw, "id"),
            x_created_at=utc(raw.get("createdDateTime"), "createdDateTime"),
            **mapped.verbatim(raw.get, BUILDING),
            **mapped.site(address.get, ADDRESS),
            square_feet=_square_feet(raw),
            **mapped.property_type(raw.get("propertyType"), PROPERTY_TYPE),
            custom_data=custom(raw, _MAPPED["building"]),
        )
    ]


def _baths(value: Any) -> tuple[str | None, float | None, float | None]:
    if value is None:
        return None, None, None
    full = int(value)
    return str(value), float(full), float(1 if value - full >= 0.5 else 0)


def map_unit(raw: Native, _places: Places | None = None) -> list[r.CanonicalRecord]:
    address = raw.get("address") or {}
    baths, full, half = _baths(raw.get("numberOfBathrooms"))
    status = raw.get("status")
    return [
        r.UnitRecord(
            x_id=ident(raw, "id"),
            x_property_id=ident(raw, "buildingID"),
            number=raw.get("name"),
            bedrooms=as_text(raw.get("numberOfBedrooms")),
            bathrooms=baths,
            bathrooms_full=full,
            bathrooms_half=half,
            square_feet=_square_feet(raw),
            rent_amount_market_in_cents=money(raw.get("targetRent"), "targetRent")[0],
            is_vacant=None if status is None else str(status).lower() == "vacant",
            is_available=raw.get("rentable"),
            floor=as_text(raw.get("floorNumber")),
            **mapped.site(address.get, ADDRESS),
            custom_data=custom(raw, _MAPPED["unit"]),
        )
    ]


CONTACT = {
    "first_name": "firstName",
    "last_name": "lastName",
    "middle_name": "middleName",
    "email_1": "email",
    "email_2": "altEmail",
    "notes": "comments",
}


def map_contact(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    """A TENANT contact; its property is the building of its newest lease."""
    contact_id = ident(raw, "id")
    lease_id, lease = places.contact_lease(contact_id)
    address = raw.get("address") or {}
    phones = [(raw.get(k), kind) for k, kind in (("mobilePhone", "MOBILE"), ("homePhone", "HOME"))]
    phones += [(raw.get("workPhone"), "WORK")]
    present = [(number, kind) for number, kind in phones if number]
    (phone_1, type_1), (phone_2, type_2) = [*present, (None, None), (None, None)][:2]
    return [
        r.ResidentRecord(
            x_id=contact_id,
            x_property_id=lease.building_id,
            x_lease_id=lease_id,
            **mapped.verbatim(raw.get, CONTACT),
            phone_1=phone_1,
            phone_1_type=type_1,
            phone_2=phone_2,
            phone_2_type=type_2,
            **mapped.postal(address.get, ADDRESS),
            date_of_birth=iso_date(raw.get("birthDate"), "birthDate"),
            custom_data=custom(raw, _MAPPED["contact"]),
        )
    ]


def map_lease(raw: Native, _places: Places | None = None) -> list[r.CanonicalRecord]:
    """The lease, then one residents-to-leases link per contact on it."""
    lease_id, building_id = ident(raw, "id"), ident(raw, "buildingID")
    status = raw.get("status")
    contacts = raw.get("contacts") or []
    if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
        raise MappingError("contacts: not a list of objects")
    primary = next((c for c in contacts if c.get("primary")), contacts[0] if contacts else None)
    normalized = LEASE_STATUS.get(str(status or "").lower(), LeaseStatus.OTHER)
    upcoming = normalized is LeaseStatus.PENDING  # before move-in the dates are plans, not facts
    move_in = iso_date(raw.get("moveInDate"), "moveInDate")
    rent, balance = money(raw.get("baseRent"), "baseRent"), money(raw.get("leaseBalance"), "leaseBalance")
    lease = r.LeaseRecord(
        x_id=lease_id,
        x_property_id=building_id,
        x_unit_id=optional_ident(raw, "unitID"),
        x_resident_id=None if primary is None else ident(primary, "id"),
        status=status,
        status_raw=status,
        status_normalized=None if status is None else normalized.value,
        start_date=iso_date(raw.get("startDate"), "startDate"),
        end_date=iso_date(raw.get("endDate"), "endDate"),
        **mapped.move_in_dates(move_in, upcoming=upcoming),
        scheduled_move_out_date=iso_date(raw.get("scheduleMoveOutDate"), "scheduleMoveOutDate"),
        realized_move_out_date=iso_date(raw.get("moveOutDate"), "moveOutDate"),
        signature_date=iso_date(raw.get("signedDate"), "signedDate"),
        **mapped.terms(rent),
        **mapped.balances(balance),
        custom_data=custom(raw, _MAPPED["lease"]),
    )
    links = [
        r.ResidentLeaseRecord(
            **mapped.resident_link(
                lease_id,
                ident(c, "id"),
                property_id=building_id,
                kind=c.get("role") or ("Primary" if c is primary else None),
                primary=c is primary,
            ),
            move_in_date=move_in,
            move_out_date=iso_date(raw.get("moveOutDate"), "moveOutDate"),
            notice_date=iso_date(raw.get("noticeGivenDate"), "noticeGivenDate"),
        )
        for c in contacts
    ]
    return [lease, *links]


# GL accounts belong to the whole Propertyware company, not to a building: they carry
# NO_PROPERTY (x_property_id ""), so their property_id points at no property.
ACCOUNT = mapped.AccountNames("name", "accountNumber", "active", ("ACTIVE", "INACTIVE"))


def map_account(raw: Native, _places: Places | None = None) -> list[r.CanonicalRecord]:
    return [
        r.FinancialAccountRecord(
            x_id=ident(raw, "id"),
            **mapped.company_account(raw.get, ACCOUNT),
            custom_data=custom(raw, _MAPPED["account"]),
        )
    ]
