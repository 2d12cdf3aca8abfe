"""Entrata native records -> canonical places, people, leases and codes. Pure functions.

Entrata's JSON is translated from XML: some methods spell fields in PascalCase with an
`@attributes` object for ids (getProperties, getCustomers, getGlTrees), others in camelCase
(getPropertyUnits, getLeases, getArCodes). Native fields without a canonical home go to
`custom_data` under their native names. The ledger's mapping is in `ledger.py`.
"""

from __future__ import annotations

from typing import Any

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import LeaseStatus, PhoneType, PropertyType
from pmsgate.connectors import mapped
from pmsgate.connectors.entrata.fields import flag, ident, items, local_date, optional_ident
from pmsgate.connectors.parsing import MappingError, Native, bathrooms, custom, money

# Entrata's chart of accounts and AR codes belong to the whole client, not to one property: they
# carry NO_PROPERTY (the rule for every vendor, see pmsgate.canonical.records).

PROPERTY_TYPE = {
    "Apartment": PropertyType.MULTI_FAMILY,
    "Student": PropertyType.MULTI_FAMILY,
    "Senior": PropertyType.MULTI_FAMILY,
    "Affordable": PropertyType.MULTI_FAMILY,
    "Military": PropertyType.MULTI_FAMILY,
    "Single Family": PropertyType.SINGLE_FAMILY,
    "Townhome": PropertyType.SINGLE_FAMILY,
    "Commercial": PropertyType.COMMERCIAL,
}
LEASE_STATUS = {
    **mapped.MITS_LEASE_STATUS,
    "Former": LeaseStatus.INACTIVE,
    "Cancelled": LeaseStatus.INACTIVE,
    "Evicted": LeaseStatus.EVICTED,
}
PHONE_TYPE = {
    "Mobile": PhoneType.MOBILE,
    "Home": PhoneType.HOME,
    "Office": PhoneType.WORK,
    "Fax": PhoneType.FAX,
}
PROPERTY_ADDRESS = mapped.AddressNames("Address", None, "City", "State", "PostalCode", "Country")
CUSTOMER_ADDRESS = mapped.AddressNames("Address", None, "City", "State", "PostalCode")

_MAPPED: dict[str, frozenset[str]] = {
    "property": frozenset({"PropertyID", "MarketingName", "Type", "YearBuilt", "webSite", "Address"})
    | {"IsDisabled", "ShortDescription", "LongDescription"},
    "unit": frozenset({"id", "unitNumber", "buildingName", "floorplanId", "floorplanName", "unitTypeId"})
    | {"noOfBedrooms", "noOfBathrooms", "squareFeet", "isFurnished", "unitAddress"},
    "customer": frozenset({"@attributes", "LeaseId", "FirstName", "LastName", "Email", "PhoneNumber"})
    | {"Address", "City", "State", "PostalCode", "Vehicles"},
    "lease": frozenset({"id", "propertyId", "unitId", "unitSpaces", "customers", "leaseIntervals"})
    | {"leaseIntervalStatus", "leaseIntervalId", "moveInDate", "moveOutDate", "occupancyType"},
    "arcode": frozenset({"id", "name", "debitGlAccountId", "creditGlAccountId", "codeType"}),
    "gl": frozenset({"@attributes", "AccountName", "AccountNumber", "Status", "Description"}),
}


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    """A descriptive field: text, or XML's {"b": text} wrapper."""
    if isinstance(value, dict):
        value = next(iter(value.values()), None)
    return None if value in (None, "") else str(value)


def _int(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not a whole number") from exc


def _attribute(raw: Native, name: str) -> str:
    attributes = raw.get("@attributes")
    if not isinstance(attributes, dict):
        raise MappingError("missing @attributes")
    return ident(attributes, name)


def map_property(raw: Native) -> list[r.PropertyRecord]:
    address = _object(raw.get("Address"))
    disabled = flag(raw.get("IsDisabled"))
    return [
        r.PropertyRecord(
            x_id=ident(raw, "PropertyID"),
            name=raw.get("MarketingName"),
            **mapped.property_type(raw.get("Type"), PROPERTY_TYPE),
            is_active=None if disabled is None else not disabled,
            year_built=_int(raw.get("YearBuilt"), "YearBuilt"),
            website=raw.get("webSite") or None,
            short_description=_text(raw.get("ShortDescription")),
            long_description=_text(raw.get("LongDescription")),
            **mapped.site(address.get, PROPERTY_ADDRESS),
            manager_email=address.get("Email"),
            custom_data=custom(raw, _MAPPED["property"]),
        )
    ]


def map_unit(raw: Native, property_id: str) -> list[r.UnitRecord]:
    address = _object(raw.get("unitAddress"))
    spaces = items(raw.get("unitSpaces"), "unitSpace")
    space = _object(spaces[0] if spaces else None)
    rent = _object(space.get("rent"))
    status = space.get("availabilityStatus")
    baths = raw.get("noOfBathrooms")
    full, half = bathrooms(baths, "noOfBathrooms")
    return [
        r.UnitRecord(
            x_id=ident(raw, "id"),
            x_property_id=property_id,
            x_floor_plan_id=optional_ident(raw, "floorplanId"),
            x_unit_type_id=optional_ident(raw, "unitTypeId"),
            number=None if raw.get("unitNumber") is None else str(raw["unitNumber"]),
            building_name=raw.get("buildingName") or None,
            floor_plan_name=raw.get("floorplanName"),
            bedrooms=None if raw.get("noOfBedrooms") is None else str(raw["noOfBedrooms"]),
            bathrooms=None if baths is None else str(baths),
            bathrooms_full=full,
            bathrooms_half=half,
            square_feet=_int(raw.get("squareFeet"), "squareFeet"),
            is_furnished=flag(raw.get("isFurnished")),
            is_vacant=None if status is None else "occupied" not in str(status).lower(),
            rent_amount_min_in_cents=money(rent.get("minRent"), "minRent")[0],
            rent_amount_max_in_cents=money(rent.get("maxRent"), "maxRent")[0],
            street_address_1=address.get("address"),
            address_1=address.get("address"),
            city=address.get("city"),
            state=address.get("state"),
            zip=None if address.get("postalCode") is None else str(address["postalCode"]),
            country=address.get("country"),
            custom_data=custom(raw, _MAPPED["unit"]),
        )
    ]


def customer_lease(raw: Native) -> str | None:
    """The lease id a getCustomers row names (its first LeaseId identification)."""
    for lease in items(raw, "LeaseId"):
        for identification in items(lease, "Identification"):
            if isinstance(identification, dict) and identification.get("IDValue") not in (None, ""):
                return str(identification["IDValue"])
    return None


def customer_id(raw: Native) -> str:
    return _attribute(raw, "Id")


def map_customer(raw: Native, property_id: str) -> list[r.ResidentRecord]:
    vehicles = [v for v in items(raw.get("Vehicles"), "Vehicle") if isinstance(v, dict)]
    return [
        r.ResidentRecord(
            x_id=customer_id(raw),
            x_property_id=property_id,
            x_lease_id=customer_lease(raw),
            first_name=raw.get("FirstName"),
            last_name=raw.get("LastName"),
            email_1=raw.get("Email") or None,
            phone_1=raw.get("PhoneNumber") or None,
            phone_1_type=None if not raw.get("PhoneNumber") else PhoneType.OTHER.value,
            **mapped.postal(raw.get, CUSTOMER_ADDRESS),
            vehicles=vehicles,
            custom_data=custom(raw, _MAPPED["customer"]),
        )
    ]


def _interval(raw: Native) -> Native:
    """The lease's current interval (the one `leaseIntervalId` names), else its last one."""
    intervals = [i for i in items(raw.get("leaseIntervals"), "leaseInterval") if isinstance(i, dict)]
    current = str(raw.get("leaseIntervalId") or "")
    return next((i for i in intervals if str(i.get("id")) == current), intervals[-1] if intervals else {})


def map_lease(raw: Native) -> list[r.LeaseRecord | r.ResidentLeaseRecord]:
    """The lease, then one residents-to-leases link per customer (customerType 'Primary' is the
    primary resident)."""
    lease_id, property_id = ident(raw, "id"), ident(raw, "propertyId")
    status = raw.get("leaseIntervalStatus")
    interval = _interval(raw)
    customers = [c for c in items(raw.get("customers"), "customer") if isinstance(c, dict)]
    primary = next((c for c in customers if c.get("customerType") == "Primary"), None)
    spaces = [s for s in items(raw.get("unitSpaces"), "unitSpace") if isinstance(s, dict)]
    move_in, move_out = (
        local_date(raw.get("moveInDate"), "moveInDate"),
        local_date(raw.get("moveOutDate"), "moveOutDate"),
    )
    upcoming, past = status in ("Future", "Applicant", "Approved"), status in ("Past", "Former", "Evicted")
    lease = r.LeaseRecord(
        x_id=lease_id,
        x_property_id=property_id,
        x_unit_id=optional_ident(raw, "unitId"),
        x_resident_id=None if primary is None else ident(primary, "id"),
        unit_number=None if not spaces else spaces[0].get("unitSpace"),
        **mapped.lease_status(status, LEASE_STATUS),
        type=raw.get("occupancyType"),
        term=interval.get("leaseIntervalTypeName"),
        start_date=local_date(interval.get("startDate"), "startDate"),
        end_date=local_date(interval.get("endDate"), "endDate"),
        **mapped.move_in_dates(move_in, upcoming=upcoming),
        **mapped.move_out_dates(move_out, moved_out=past),
        custom_data=custom(raw, _MAPPED["lease"]),
    )
    links = [_link(c, lease_id, property_id) for c in customers]
    return [lease, *links]


def _link(raw: Native, lease_id: str, property_id: str) -> r.ResidentLeaseRecord:
    resident = ident(raw, "id")
    kind = raw.get("customerType")
    return r.ResidentLeaseRecord(
        **mapped.resident_link(
            lease_id, resident, property_id=property_id, kind=kind, primary=kind == "Primary"
        ),
        move_in_date=local_date(raw.get("moveInDate"), "moveInDate"),
        move_out_date=local_date(raw.get("moveOutDate"), "moveOutDate"),
    )


AR_CODE = {"name": "name", "description": "codeType"}


def map_ar_code(raw: Native) -> list[r.ChargeCodeRecord]:
    return [
        r.ChargeCodeRecord(
            x_id=ident(raw, "id"),
            **mapped.company_wide(raw.get, AR_CODE),
            debit_gl_account=optional_ident(raw, "debitGlAccountId"),
            credit_gl_account=optional_ident(raw, "creditGlAccountId"),
            custom_data=custom(raw, _MAPPED["arcode"]),
        )
    ]


GL_ACCOUNT = {"name": "AccountName", "account_number": "AccountNumber", "status_raw": "Status"}


def map_gl_account(raw: Native) -> list[r.FinancialAccountRecord]:
    return [
        r.FinancialAccountRecord(
            x_id=_attribute(raw, "Id"),
            **mapped.company_wide(raw.get, GL_ACCOUNT),
            custom_data=custom(raw, _MAPPED["gl"]),
        )
    ]
