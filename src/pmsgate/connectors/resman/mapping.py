"""ResMan's reference data -> canonical records: properties, units, residents, leases (with
their residents), charge codes and GL accounts. Pure functions, no I/O.

Values come from JSON (numbers as Decimal, booleans) or from the XML envelope (all text), so
the readers here accept both (`flag`, `whole`). Native fields without a canonical home go to
`custom_data`. A record that cannot be mapped raises MappingError (a ValueError).

ResMan ids are GUIDs (PropertyID, UnitID, PersonID, LeaseID). Charge codes and GL accounts
belong to the whole ResMan account, not to a property: they carry the empty property key
`NO_PROPERTY` and are keyed by their code and account number, which is how ledger lines name
them (`ChargeCode`, `GLAccountNumber`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import LeaseStatus, PhoneType
from pmsgate.canonical.records import NO_PROPERTY
from pmsgate.connectors import mapped
from pmsgate.connectors.parsing import (
    MappingError,
    Native,
    bathrooms,
    blank,
    custom,
    ident,
    iso_date,
    money,
    optional_ident,
)
from pmsgate.kit.booleans import boolean_word

# ResMan's household statuses (inferred from its UI's wording) -> the lease status.
LEASE_STATUS = {
    "Current": LeaseStatus.ACTIVE,
    "Under Eviction": LeaseStatus.EVICTED,
    "Evicted": LeaseStatus.EVICTED,
    "Notice to Vacate": LeaseStatus.ACTIVE,
    "Pending": LeaseStatus.PENDING,
    "Pending Renewal": LeaseStatus.ACTIVE,
    "Former": LeaseStatus.INACTIVE,
    "Past": LeaseStatus.INACTIVE,
}
PHONES = (("MobilePhone", PhoneType.MOBILE), ("HomePhone", PhoneType.HOME), ("WorkPhone", PhoneType.WORK))
ADDRESS = mapped.AddressNames("StreetAddress", None, "City", "State", "Zip")

_MAPPED = {
    "property": frozenset({"PropertyID", "Name", "StreetAddress", "City", "State", "Zip", "Phone", "Email"})
    | {"Manager", "UnitCount", "IsActive"},
    "unit": frozenset({"UnitID", "UnitNumber", "Building", "Floor", "StreetAddress", "City", "State", "Zip"})
    | {"SquareFeet", "Bedrooms", "Bathrooms", "MarketRent", "IsVacant", "PropertyID"},
    "resident": frozenset({"PersonID", "LeaseID", "FirstName", "LastName", "Email", "MobilePhone"})
    | {"HomePhone", "WorkPhone", "DateOfBirth", "PropertyID", "MiddleName"},
    "lease": frozenset({"LeaseID", "UnitID", "UnitNumber", "LeaseStartDate", "LeaseEndDate", "MoveInDate"})
    | {"MoveOutDate", "HouseholdStatus", "Rent", "Deposit", "PropertyID"},
    "charge_code": frozenset({"Code", "Name", "Description", "GLAccountNumber"}),
    "gl_account": frozenset({"Number", "Name", "Periods"}),
}


def flag(value: Any) -> bool | None:
    """A JSON boolean or XML 'true'/'false' text; None when absent."""
    if blank(value):
        return None
    parsed = boolean_word(value)
    if parsed is None:
        raise MappingError(f"{value!r} is not a boolean")
    return parsed


def whole(value: Any, field: str) -> int | None:
    if blank(value):
        return None
    try:
        return int(str(value))
    except ValueError:
        raise MappingError(f"{field}: {value!r} is not a whole number") from None


def map_property(raw: Native) -> r.PropertyRecord:
    manager = raw.get("Manager")
    return r.PropertyRecord(
        x_id=ident(raw, "PropertyID"),
        name=raw.get("Name"),
        is_active=flag(raw.get("IsActive")),
        **mapped.site(raw.get, ADDRESS),
        number_of_units=whole(raw.get("UnitCount"), "UnitCount"),
        manager_name=manager if isinstance(manager, str) else None,
        manager_email=raw.get("Email"),
        manager_phone_1=raw.get("Phone"),
        manager_phone_1_type=None if blank(raw.get("Phone")) else PhoneType.WORK.value,
        custom_data=custom(raw, _MAPPED["property"]),
    )


def map_unit(raw: Native, property_id: str) -> r.UnitRecord:
    full, half = bathrooms(raw.get("Bathrooms"), "Bathrooms")
    bedrooms = raw.get("Bedrooms")
    vacant = flag(raw.get("IsVacant"))
    return r.UnitRecord(
        x_id=ident(raw, "UnitID"),
        x_property_id=property_id,
        number=raw.get("UnitNumber"),
        building_name=raw.get("Building"),
        floor=None if blank(raw.get("Floor")) else str(raw.get("Floor")),
        bedrooms=None if blank(bedrooms) else str(bedrooms),
        bathrooms=None if blank(raw.get("Bathrooms")) else str(raw.get("Bathrooms")),
        bathrooms_full=full,
        bathrooms_half=half,
        square_feet=whole(raw.get("SquareFeet"), "SquareFeet"),
        rent_amount_market_in_cents=money(raw.get("MarketRent"), "MarketRent")[0],
        is_vacant=vacant,
        **mapped.site(raw.get, ADDRESS),
        custom_data=custom(raw, _MAPPED["unit"]),
    )


def _phones(raw: Native) -> list[tuple[str, str]]:
    return [(str(raw[name]), kind.value) for name, kind in PHONES if not blank(raw.get(name))]


def map_resident(raw: Native, property_id: str) -> r.ResidentRecord:
    phones = _phones(raw)
    return r.ResidentRecord(
        x_id=ident(raw, "PersonID"),
        x_property_id=property_id,
        x_lease_id=optional_ident(raw, "LeaseID"),
        first_name=raw.get("FirstName"),
        middle_name=raw.get("MiddleName"),
        last_name=raw.get("LastName"),
        email_1=raw.get("Email"),
        phone_1=phones[0][0] if phones else None,
        phone_1_type=phones[0][1] if phones else None,
        phone_2=phones[1][0] if len(phones) > 1 else None,
        phone_2_type=phones[1][1] if len(phones) > 1 else None,
        date_of_birth=iso_date(raw.get("DateOfBirth"), "DateOfBirth"),
        custom_data=custom(raw, _MAPPED["resident"] | _MAPPED["lease"] | {"MainContact", "isMinor"}),
    )


def map_leases(residents: Iterable[Native], property_id: str) -> list[r.CanonicalRecord]:
    """`Leasing/GetCurrentResidents` lists people, each with their lease: one lease per LeaseID
    (its terms from its main contact, else its first resident) and one residents-to-leases link
    per person. A resident without a LeaseID (an applicant) has no lease."""
    households: dict[str, list[Native]] = {}
    for raw in residents:
        lease_id = optional_ident(raw, "LeaseID")
        if lease_id is not None:
            households.setdefault(lease_id, []).append(raw)
    out: list[r.CanonicalRecord] = []
    for lease_id, people in households.items():
        main = next((p for p in people if flag(p.get("MainContact"))), people[0])
        out.append(_lease(lease_id, main, property_id))
        out.extend(_link(lease_id, person, person is main, property_id) for person in people)
    return out


def _lease(lease_id: str, raw: Native, property_id: str) -> r.LeaseRecord:
    status = raw.get("HouseholdStatus")
    rent, deposit = money(raw.get("Rent"), "Rent"), money(raw.get("Deposit"), "Deposit")
    move_in, move_out = (
        iso_date(raw.get("MoveInDate"), "MoveInDate"),
        iso_date(raw.get("MoveOutDate"), "MoveOutDate"),
    )
    normalized = None if status is None else LEASE_STATUS.get(str(status), LeaseStatus.OTHER)
    future = normalized is LeaseStatus.PENDING
    former = normalized is LeaseStatus.INACTIVE
    return r.LeaseRecord(
        x_id=lease_id,
        x_property_id=property_id,
        x_unit_id=optional_ident(raw, "UnitID"),
        x_resident_id=ident(raw, "PersonID"),
        unit_number=None if blank(raw.get("UnitNumber")) else str(raw.get("UnitNumber")),
        status=status,
        status_raw=status,
        status_normalized=None if normalized is None else normalized.value,
        start_date=iso_date(raw.get("LeaseStartDate"), "LeaseStartDate"),
        end_date=iso_date(raw.get("LeaseEndDate"), "LeaseEndDate"),
        **mapped.move_in_dates(move_in, upcoming=future),
        **mapped.move_out_dates(move_out, moved_out=former),
        **mapped.terms(rent, deposit),
    )


def _link(lease_id: str, raw: Native, primary: bool, property_id: str) -> r.ResidentLeaseRecord:
    person = ident(raw, "PersonID")
    kind = "Main Contact" if primary else ("Minor" if flag(raw.get("isMinor")) else "Resident")
    return r.ResidentLeaseRecord(
        **mapped.resident_link(lease_id, person, property_id=property_id, kind=kind, primary=primary),
        move_in_date=iso_date(raw.get("MoveInDate"), "MoveInDate"),
        move_out_date=iso_date(raw.get("MoveOutDate"), "MoveOutDate"),
    )


CHARGE_CODE = {"name": "Name", "description": "Description"}


def map_charge_code(raw: Native) -> r.ChargeCodeRecord:
    return r.ChargeCodeRecord(
        x_id=ident(raw, "Code"),
        **mapped.company_wide(raw.get, CHARGE_CODE),
        credit_gl_account=optional_ident(raw, "GLAccountNumber"),
        custom_data=custom(raw, _MAPPED["charge_code"]),
    )


def map_gl_account(raw: Native) -> r.FinancialAccountRecord:
    """From `Accounting/GetBudgetAndActual`; its monthly budget/actual figures (`Periods`) are
    not attributes of the account and are left out, so they do not change the record monthly."""
    number = ident(raw, "Number")
    return r.FinancialAccountRecord(
        x_id=number,
        x_property_id=NO_PROPERTY,
        name=raw.get("Name"),
        account_number=number,
        custom_data=custom(raw, _MAPPED["gl_account"]),
    )
