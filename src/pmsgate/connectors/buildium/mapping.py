"""Buildium native records -> canonical records, places and people. Pure functions, no I/O.

Native fields a canonical record has no place for go to `custom_data` under their native name
(computed from the `_MAPPED` sets, so a field Buildium adds is kept rather than dropped). The
ledger's mapping is in `ledger.py`. A record that cannot be mapped raises MappingError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import LeaseStatus, PhoneType, PropertyType
from pmsgate.connectors import mapped
from pmsgate.connectors.buildium.fields import ident, optional_ident
from pmsgate.connectors.parsing import MappingError, Native, custom, iso_date, money

LEASE_STATUS = {"Active": LeaseStatus.ACTIVE, "Future": LeaseStatus.PENDING, "Past": LeaseStatus.INACTIVE}
PROPERTY_TYPE = {
    "MultiFamily": PropertyType.MULTI_FAMILY,
    "SingleFamily": PropertyType.SINGLE_FAMILY,
    "CondoTownhome": PropertyType.SINGLE_FAMILY,
    **dict.fromkeys(
        ("Industrial", "Office", "Retail", "ShoppingCenter", "Storage", "ParkingSpace"),
        PropertyType.COMMERCIAL,
    ),
}
PHONE_TYPE = {
    "Cell": PhoneType.MOBILE,
    "Home": PhoneType.HOME,
    "Office": PhoneType.WORK,
    "Fax": PhoneType.FAX,
}
BEDROOMS = {
    "Studio": "0",
    **{f"{word}Bed": str(n) for n, word in enumerate(("One", "Two", "Three", "Four", "Five"), start=1)},
    "SixBed": "6",
    "SevenBed": "7",
    "EightBed": "8",
    "NineBedPlus": "9",
}
BATHROOMS = {
    "OneBath": "1",
    "OnePointFiveBath": "1.5",
    "TwoBath": "2",
    "TwoPointFiveBath": "2.5",
    "ThreeBath": "3",
    "ThreePointFiveBath": "3.5",
    "FourBath": "4",
    "FourPointFiveBath": "4.5",
    "FiveBath": "5",
    "FivePlusBath": "5",
}

_MAPPED: dict[str, frozenset[str]] = {
    "rental": frozenset(
        {"Id", "Name", "NumberUnits", "IsActive", "Address", "YearBuilt", "RentalSubType", "RentalManager"}
    ),
    "unit": frozenset(
        {"Id", "PropertyId", "BuildingName", "UnitNumber", "MarketRent", "Address", "UnitBedrooms"}
        | {"UnitBathrooms", "UnitSize", "IsUnitListed", "IsUnitOccupied"}
    ),
    "tenant": frozenset(
        {"Id", "FirstName", "LastName", "Email", "AlternateEmail", "PhoneNumbers", "DateOfBirth", "Address"}
        | {"AlternateAddress", "Leases", "Comment"}
    ),
    "lease": frozenset(
        {"Id", "PropertyId", "UnitId", "UnitNumber", "LeaseFromDate", "LeaseToDate", "LeaseType"}
        | {"LeaseStatus", "TermType", "AccountDetails", "CurrentTenants", "PaymentDueDay", "Tenants"}
        | {"MoveOutData", "LastUpdatedDateTime"}
    ),
    "account": frozenset({"Id", "AccountNumber", "Name", "IsActive", "SubAccounts"}),
}


ADDRESS = mapped.AddressNames("AddressLine1", "AddressLine2", "City", "State", "PostalCode", "Country")
UNIT_ADDRESS = mapped.AddressNames(
    "AddressLine1", "AddressLine2", "City", "State", "PostalCode"
)  # no country
# Fields taken as Buildium writes them, {canonical: native}.
RENTAL = {
    "name": "Name",
    "is_active": "IsActive",
    "number_of_units": "NumberUnits",
    "year_built": "YearBuilt",
}
LEASE = {"unit_number": "UnitNumber", "type": "LeaseType", "term": "TermType"}


def _address(raw: Any) -> mapped.Read:
    """How to read an AddressMessage's fields (all None when it is absent)."""
    return (raw if isinstance(raw, dict) else {}).get


def map_rental(raw: Native) -> r.PropertyRecord:
    manager = raw.get("RentalManager") or {}
    manager_name = " ".join(p for p in (manager.get("FirstName"), manager.get("LastName")) if p) or None
    phones = manager.get("PhoneNumbers") or []
    return r.PropertyRecord(
        x_id=ident(raw, "Id"),
        **mapped.verbatim(raw.get, RENTAL),
        **mapped.property_type(raw.get("RentalSubType"), PROPERTY_TYPE),
        manager_name=manager_name,
        manager_email=manager.get("Email"),
        manager_phone_1=phones[0].get("Number") if phones else None,
        manager_phone_1_type=_phone_type(phones[0]) if phones else None,
        custom_data=custom(raw, _MAPPED["rental"]),
        **mapped.site(_address(raw.get("Address")), ADDRESS),
    )


def map_unit(raw: Native) -> r.UnitRecord:
    baths = BATHROOMS.get(raw.get("UnitBathrooms") or "")
    occupied = raw.get("IsUnitOccupied")
    return r.UnitRecord(
        x_id=ident(raw, "Id"),
        x_property_id=ident(raw, "PropertyId"),
        number=raw.get("UnitNumber"),
        building_name=raw.get("BuildingName"),
        bedrooms=BEDROOMS.get(raw.get("UnitBedrooms") or ""),
        bathrooms=baths,
        bathrooms_full=None if baths is None else float(int(float(baths))),
        bathrooms_half=None if baths is None else (1.0 if "." in baths else 0.0),
        square_feet=raw.get("UnitSize"),
        rent_amount_market_in_cents=money(raw.get("MarketRent"), "MarketRent")[0],
        is_listed=raw.get("IsUnitListed"),
        is_vacant=None if occupied is None else not occupied,
        custom_data=custom(raw, _MAPPED["unit"]),
        **mapped.site(_address(raw.get("Address")), UNIT_ADDRESS),
    )


def _phone_type(phone: Native) -> str:
    return PHONE_TYPE.get(phone.get("Type") or "", PhoneType.OTHER).value


def map_tenant(raw: Native) -> r.ResidentRecord:
    """Buildium tenants are account-wide; their property is their (first) lease's."""
    leases = [lease for lease in raw.get("Leases") or [] if isinstance(lease, dict)]
    if not leases:
        raise MappingError("tenant has no lease, so no property")
    phones = [p for p in raw.get("PhoneNumbers") or [] if isinstance(p, dict) and p.get("Number")]
    alternate = mapped.postal(_address(raw.get("AlternateAddress")), ADDRESS)
    return r.ResidentRecord(
        x_id=ident(raw, "Id"),
        x_property_id=ident(leases[0], "PropertyId"),
        x_lease_id=ident(leases[0], "Id"),
        first_name=raw.get("FirstName"),
        last_name=raw.get("LastName"),
        email_1=raw.get("Email"),
        email_2=raw.get("AlternateEmail"),
        phone_1=phones[0]["Number"] if phones else None,
        phone_1_type=_phone_type(phones[0]) if phones else None,
        phone_2=phones[1]["Number"] if len(phones) > 1 else None,
        phone_2_type=_phone_type(phones[1]) if len(phones) > 1 else None,
        date_of_birth=iso_date(raw.get("DateOfBirth"), "DateOfBirth"),
        notes=raw.get("Comment"),
        **mapped.postal(_address(raw.get("Address")), ADDRESS),
        address_1_alternate=alternate["address_1"],
        address_2_alternate=alternate["address_2"],
        city_alternate=alternate["city"],
        state_alternate=alternate["state"],
        zip_alternate=alternate["zip"],
        country_alternate=alternate["country"],
        custom_data=custom(raw, _MAPPED["tenant"]),
    )


def map_lease(raw: Native) -> list[r.LeaseRecord | r.ResidentLeaseRecord]:
    """The lease, then one residents-to-leases link per tenant. Buildium marks no primary
    tenant; the first one listed is taken as primary (it is the one the lease was created for)."""
    lease_id, property_id = ident(raw, "Id"), ident(raw, "PropertyId")
    status = raw.get("LeaseStatus")
    details = raw.get("AccountDetails") or {}
    rent, deposit = (
        money(details.get("Rent"), "Rent"),
        money(details.get("SecurityDeposit"), "SecurityDeposit"),
    )
    tenants = [t for t in raw.get("Tenants") or [] if isinstance(t, dict)]
    move_outs = {str(m.get("TenantId")): m for m in raw.get("MoveOutData") or [] if isinstance(m, dict)}
    move_in = min((d for t in tenants if (d := iso_date(t.get("MoveInDate"), "MoveInDate"))), default=None)
    move_out = max(
        (d for m in move_outs.values() if (d := iso_date(m.get("MoveOutDate"), "MoveOutDate"))), default=None
    )
    upcoming, past = status == "Future", status == "Past"
    lease = r.LeaseRecord(
        x_id=lease_id,
        x_property_id=property_id,
        x_unit_id=optional_ident(raw, "UnitId"),
        x_resident_id=ident(tenants[0], "Id") if tenants else None,
        **mapped.verbatim(raw.get, LEASE),
        **mapped.lease_status(status, LEASE_STATUS),
        start_date=iso_date(raw.get("LeaseFromDate"), "LeaseFromDate"),
        end_date=iso_date(raw.get("LeaseToDate"), "LeaseToDate"),
        **mapped.move_in_dates(move_in, upcoming=upcoming),
        **mapped.move_out_dates(move_out, moved_out=past),
        **mapped.terms(rent, deposit, due_day=raw.get("PaymentDueDay")),
        custom_data=custom(raw, _MAPPED["lease"]),
    )
    links = [_tenant_link(t, i, lease_id, property_id, move_outs) for i, t in enumerate(tenants)]
    return [lease, *links]


def _tenant_link(
    raw: Native, position: int, lease_id: str, property_id: str, move_outs: Mapping[str, Native]
) -> r.ResidentLeaseRecord:
    tenant_id = ident(raw, "Id")
    move_out = move_outs.get(tenant_id) or {}
    return r.ResidentLeaseRecord(
        **mapped.resident_link(
            lease_id, tenant_id, property_id=property_id, kind=raw.get("Status"), primary=position == 0
        ),
        move_in_date=iso_date(raw.get("MoveInDate"), "MoveInDate"),
        move_out_date=iso_date(move_out.get("MoveOutDate"), "MoveOutDate"),
        notice_date=iso_date(move_out.get("NoticeGivenDate"), "NoticeGivenDate"),
    )


ACCOUNT = mapped.AccountNames("Name", "AccountNumber", "IsActive")


def map_gl_account(raw: Native) -> list[r.FinancialAccountRecord]:
    """The account, then its sub-accounts (Buildium nests them; they are accounts all the same).
    GL accounts belong to the whole Buildium account, not to a property: NO_PROPERTY."""
    account = r.FinancialAccountRecord(
        x_id=ident(raw, "Id"),
        **mapped.company_account(raw.get, ACCOUNT),
        custom_data=custom(raw, _MAPPED["account"]),
    )
    subs = [s for sub in raw.get("SubAccounts") or [] if isinstance(sub, dict) for s in map_gl_account(sub)]
    return [account, *subs]


__all__ = ["MappingError", "map_gl_account", "map_lease", "map_rental", "map_tenant", "map_unit"]
