"""Rent Manager native records -> canonical records. Pure functions, no I/O.

RM keys some records by what they belong to rather than where: payments and recurring charges
name only the tenant (`AccountID` / `EntityKeyID`), and a property's location is on the property.
`Places` carries those lookups (loaded by the connector) plus the company's time zone and today.
Charge types and GL accounts are company-wide in RM, so their `x_property_id` is "" (the
canonical record requires a value). Credits are stored as negative charges with x_id "credit:N",
since RM numbers credits apart from charges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Frequency, LeaseStatus, PhoneType, PropertyType
from pmsgate.connectors import mapped
from pmsgate.connectors.parsing import MappingError, Native, bathrooms, required
from pmsgate.connectors.rentmanager.fields import (
    custom,
    ident,
    local_date,
    money,
    negated,
    optional_ident,
    utc,
)

CREDIT_PREFIX = "credit:"
# RecurringCharges.Frequency is an integer enum: 1 is monthly (seen in a client verified against the
# live API); 2 weekly and 3 daily are inferred (see docs/vendors/rentmanager.md). Anything else is OTHER.
FREQUENCY = {1: Frequency.MONTHLY, 2: Frequency.WEEKLY, 3: Frequency.DAILY}
# A tenant's email and phones live on its contacts, read with these embeds.
TENANT_EMBEDS = ("Contacts", "Contacts.PhoneNumbers")
# Phone types by name (when RM embeds `PhoneNumberType`), else by the usual type ids (inferred).
PHONE_TYPE_NAME = {
    "home": PhoneType.HOME,
    "work": PhoneType.WORK,
    "office": PhoneType.WORK,
    "business": PhoneType.WORK,
    "cell": PhoneType.MOBILE,
    "mobile": PhoneType.MOBILE,
    "fax": PhoneType.FAX,
}
PHONE_TYPE_ID = {1: PhoneType.HOME, 2: PhoneType.WORK, 3: PhoneType.MOBILE, 4: PhoneType.FAX}
PROPERTY_TYPE = {
    "Residential": PropertyType.MULTI_FAMILY,
    "Commercial": PropertyType.COMMERCIAL,
    "SingleFamily": PropertyType.SINGLE_FAMILY,
}


@dataclass
class Places:
    tz: ZoneInfo
    today: date
    location_of_property: Mapping[str, str] = field(default_factory=dict)
    property_of_tenant: Mapping[str, str] = field(default_factory=dict)
    lease_of_tenant: Mapping[str, str] = field(default_factory=dict)

    def tenant_property(self, tenant_id: str) -> str:
        found = self.property_of_tenant.get(tenant_id)
        if found is None:
            raise MappingError(f"tenant {tenant_id} is unknown (no property)")
        return found


ADDRESS = mapped.AddressNames("Street", None, "City", "State", "PostalCode")

_MAPPED: dict[str, frozenset[str]] = {
    "property": frozenset(
        {
            "PropertyID",
            "LocationID",
            "Name",
            "ShortName",
            "IsActive",
            "PropertyType",
            "Addresses",
            "CreateDate",
        }
    ),
    "unit": frozenset(
        {"UnitID", "PropertyID", "Name", "UnitTypeID", "Bedrooms", "Bathrooms", "SquareFootage", "MarketRent"}
    ),
    "tenant": frozenset({"TenantID", "PropertyID", "FirstName", "LastName", "Contacts"}),
    "lease": frozenset(
        {"LeaseID", "TenantID", "UnitID", "PropertyID", "MoveInDate", "MoveOutDate", "NoticeDate"}
        | {"LeaseRenewals"}
    ),
    "charge_type": frozenset({"ChargeTypeID", "Name", "Description", "GLAccountID"}),
    "gl_account": frozenset({"GLAccountID", "Name", "Reference", "IsActive"}),
    "charge": frozenset(
        {"ChargeID", "ID", "AccountID", "PropertyID", "UnitID", "ChargeTypeID", "Amount", "AmountAllocated"}
        | {"TransactionDate", "Comment", "Reference"}
    ),
    "payment": frozenset(
        {"ID", "AccountID", "Amount", "TransactionDate", "Comment", "Reference", "Allocations"}
    ),
    "recurring": frozenset(
        {"RecurringChargeID", "ChargeTypeID", "Amount", "Frequency", "Comment"} | {"FromDate", "ToDate"}
    ),
}


def _location(raw: Native, places: Places) -> str | None:
    return places.location_of_property.get(ident(raw, "PropertyID"))


def map_property(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    addresses = [a for a in raw.get("Addresses") or [] if isinstance(a, dict)]
    address = next((a for a in addresses if a.get("IsPrimary")), addresses[0] if addresses else {})
    return [
        r.PropertyRecord(
            x_id=ident(raw, "PropertyID"),
            x_location_id=optional_ident(raw, "LocationID"),
            x_created_at=utc(raw.get("CreateDate"), "CreateDate", places.tz),
            name=raw.get("Name"),
            code=raw.get("ShortName"),
            is_active=raw.get("IsActive"),
            **mapped.property_type(raw.get("PropertyType"), PROPERTY_TYPE),
            **mapped.site(address.get, ADDRESS),
            custom_data=custom(raw, _MAPPED["property"]),
        )
    ]


def map_unit(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    full, half = bathrooms(raw.get("Bathrooms"), "Bathrooms")
    beds, baths = raw.get("Bedrooms"), raw.get("Bathrooms")
    return [
        r.UnitRecord(
            x_id=ident(raw, "UnitID"),
            x_property_id=ident(raw, "PropertyID"),
            x_location_id=_location(raw, places),
            x_unit_type_id=optional_ident(raw, "UnitTypeID"),
            number=raw.get("Name"),
            bedrooms=None if beds is None else str(beds),
            bathrooms=None if baths is None else str(baths),
            bathrooms_full=full,
            bathrooms_half=half,
            square_feet=raw.get("SquareFootage"),
            rent_amount_market_in_cents=money(raw.get("MarketRent"), "MarketRent")[0],
            custom_data=custom(raw, _MAPPED["unit"]),
        )
    ]


def _objects(value: Any, field: str) -> list[Native]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MappingError(f"{field}: not a list of objects")
    return value


def _phone_type(phone: Native) -> str:
    kind = phone.get("PhoneNumberType")
    name = kind.get("Name") if isinstance(kind, dict) else None
    if isinstance(name, str) and name.strip().lower() in PHONE_TYPE_NAME:
        return PHONE_TYPE_NAME[name.strip().lower()].value
    return PHONE_TYPE_ID.get(phone.get("PhoneNumberTypeID"), PhoneType.OTHER).value  # type: ignore[arg-type]


def primary_contact(raw: Native) -> Native:
    """The tenant's primary contact (RM keeps email and phones there), else its first one."""
    contacts = _objects(raw.get("Contacts"), "Contacts")
    return next((c for c in contacts if c.get("IsPrimary")), contacts[0] if contacts else {})


def _tenant_custom(raw: Native, others: list[Native]) -> dict[str, Any] | None:
    """Unmapped fields, plus the tenant's other contacts (co-occupants) as RM sent them."""
    extra = custom(raw, _MAPPED["tenant"])
    return {**(extra or {}), "OtherContacts": others} if others else extra


def map_tenant(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    contact = primary_contact(raw)
    phones = [
        p
        for p in _objects(contact.get("PhoneNumbers"), "Contacts.PhoneNumbers")
        if isinstance(p.get("PhoneNumber"), str) and p["PhoneNumber"].strip()
    ]
    phones.sort(key=lambda p: not p.get("IsPrimary"))  # the primary number first, else RM's order
    first, second = [*phones, {}, {}][:2]
    tenant_id = ident(raw, "TenantID")
    others = [c for c in _objects(raw.get("Contacts"), "Contacts") if c is not contact]
    return [
        r.ResidentRecord(
            x_id=tenant_id,
            x_property_id=ident(raw, "PropertyID"),
            x_location_id=_location(raw, places),
            x_lease_id=places.lease_of_tenant.get(tenant_id),
            first_name=raw.get("FirstName"),
            last_name=raw.get("LastName"),
            middle_name=contact.get("MiddleName"),
            email_1=contact.get("Email") or None,
            phone_1=first.get("PhoneNumber"),
            phone_1_type=_phone_type(first) if first else None,
            phone_2=second.get("PhoneNumber"),
            phone_2_type=_phone_type(second) if second else None,
            custom_data=_tenant_custom(raw, others),
        )
    ]


def _lease_status(move_in: date | None, move_out: date | None, today: date) -> LeaseStatus:
    if move_in is not None and move_in > today:
        return LeaseStatus.PENDING
    if move_out is not None and move_out <= today:
        return LeaseStatus.INACTIVE
    return LeaseStatus.ACTIVE if move_in is not None else LeaseStatus.OTHER


def map_lease(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    """The lease (RM's unit occupancy of a tenant), then its one residents-to-leases link."""
    lease_id, property_id, tenant_id = ident(raw, "LeaseID"), ident(raw, "PropertyID"), ident(raw, "TenantID")
    move_in = local_date(raw.get("MoveInDate"), "MoveInDate")
    move_out = local_date(raw.get("MoveOutDate"), "MoveOutDate")
    notice = local_date(raw.get("NoticeDate"), "NoticeDate")
    renewals = [x for x in raw.get("LeaseRenewals") or [] if isinstance(x, dict)]
    term = max(renewals, key=lambda x: str(x.get("StartDate") or ""), default={})
    status = _lease_status(move_in, move_out, places.today)
    upcoming, moved_out = status is LeaseStatus.PENDING, status is LeaseStatus.INACTIVE
    lease = r.LeaseRecord(
        x_id=lease_id,
        x_property_id=property_id,
        x_location_id=_location(raw, places),
        x_unit_id=optional_ident(raw, "UnitID"),
        x_resident_id=tenant_id,
        status=status.value,
        status_raw=None,  # RM leases carry no status: it is derived from the move dates
        status_normalized=status.value,
        start_date=local_date(term.get("StartDate"), "LeaseRenewals.StartDate"),
        end_date=local_date(term.get("EndDate"), "LeaseRenewals.EndDate"),
        term=term.get("Term"),
        **mapped.move_in_dates(move_in, upcoming=upcoming),
        **mapped.move_out_dates(move_out, moved_out=moved_out),
        custom_data=custom(raw, _MAPPED["lease"]),
    )
    link = r.ResidentLeaseRecord(
        # the RM tenant is the account holder: the primary resident
        **mapped.resident_link(lease_id, tenant_id, property_id=property_id, kind="Tenant", primary=True),
        move_in_date=move_in,
        move_out_date=move_out,
        notice_date=notice,
    )
    return [lease, link]


CHARGE_TYPE = {"name": "Name", "description": "Description"}


def map_charge_type(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    return [
        r.ChargeCodeRecord(
            x_id=ident(raw, "ChargeTypeID"),
            **mapped.company_wide(raw.get, CHARGE_TYPE),
            credit_gl_account=optional_ident(raw, "GLAccountID"),  # the income account it posts to
            custom_data=custom(raw, _MAPPED["charge_type"]),
        )
    ]


GL_ACCOUNT = mapped.AccountNames("Name", "Reference", "IsActive")


def map_gl_account(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    return [
        r.FinancialAccountRecord(
            x_id=ident(raw, "GLAccountID"),
            **mapped.company_account(raw.get, GL_ACCOUNT),
            custom_data=custom(raw, _MAPPED["gl_account"]),
        )
    ]


def _post_month(day: date | None) -> str | None:
    return None if day is None else f"{day.year:04d}-{day.month:02d}"


def _ledger_common(raw: Native, places: Places, tenant_id: str, property_id: str) -> dict[str, Any]:
    posted = local_date(raw.get("TransactionDate"), "TransactionDate")
    return {
        "x_property_id": property_id,
        "x_location_id": places.location_of_property.get(property_id),
        "x_resident_id": tenant_id,
        "x_lease_id": places.lease_of_tenant.get(tenant_id),
        "transaction_date": utc(raw.get("TransactionDate"), "TransactionDate", places.tz),
        "post_month": _post_month(posted),
        "description": raw.get("Comment"),
        "reference_number": raw.get("Reference"),
    }


def map_charge(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    tenant_id = ident(raw, "AccountID")
    amount = money(required(raw, "Amount"))
    allocated = money(raw.get("AmountAllocated"), "AmountAllocated")[0]
    open_ = None if amount[0] is None or allocated is None else amount[0] - allocated
    return [
        r.ResidentChargeRecord(
            x_id=ident(raw, "ChargeID"),
            x_unit_id=optional_ident(raw, "UnitID"),
            x_charge_code_id=optional_ident(raw, "ChargeTypeID"),
            **mapped.charge_amounts(
                amount, paid=mapped.from_cents(allocated), open_=mapped.from_cents(open_)
            ),
            transaction_source="Charge",
            custom_data=custom(raw, _MAPPED["charge"]),
            **_ledger_common(raw, places, tenant_id, ident(raw, "PropertyID")),
        )
    ]


def map_credit(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    """A credit, stored as a negative charge (Propexo: "credits … are stored as negative charges")."""
    tenant_id = ident(raw, "AccountID")
    amount = negated(money(required(raw, "Amount")))
    return [
        r.ResidentChargeRecord(
            x_id=f"{CREDIT_PREFIX}{ident(raw, 'ID')}",
            x_unit_id=optional_ident(raw, "UnitID"),
            x_charge_code_id=optional_ident(raw, "ChargeTypeID"),
            amount_in_cents=amount[0],
            amount_raw=amount[1],
            transaction_source="Credit",
            custom_data=custom(raw, _MAPPED["charge"]),
            **_ledger_common(raw, places, tenant_id, ident(raw, "PropertyID")),
        )
    ]


def map_payment(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    """The payment, then one allocation per charge it paid. RM payments carry no PropertyID:
    the property is the tenant's."""
    payment_id, tenant_id = ident(raw, "ID"), ident(raw, "AccountID")
    property_id = places.tenant_property(tenant_id)
    amount = money(required(raw, "Amount"))
    payment = r.ResidentPaymentRecord(
        x_id=payment_id,
        amount_in_cents=amount[0],
        amount_raw=amount[1],
        custom_data=custom(raw, _MAPPED["payment"]),
        **_ledger_common(raw, places, tenant_id, property_id),
    )
    allocations: list[r.CanonicalRecord] = []
    for item in raw.get("Allocations") or []:
        if not isinstance(item, dict):
            raise MappingError("Allocations: an item is not an object")
        cents, text = money(required(item, "Amount"), "Allocations.Amount")
        allocations.append(
            r.AllocationRecord(
                x_id=ident(item, "AllocationID"),
                x_property_id=property_id,
                x_source_id=payment_id,
                x_destination_id=ident(item, "ChargeID"),
                amount_in_cents=cents,
                amount_raw=text,
            )
        )
    return [payment, *allocations]


def map_recurring(raw: Native, places: Places) -> list[r.CanonicalRecord]:
    tenant_id = ident(raw, "EntityKeyID")
    amount, frequency = money(required(raw, "Amount")), raw.get("Frequency")
    if frequency is not None and (isinstance(frequency, bool) or not isinstance(frequency, int)):
        raise MappingError(f"Frequency: {frequency!r} is not RM's integer frequency")
    start = local_date(raw.get("FromDate"), "FromDate")
    end = local_date(raw.get("ToDate"), "ToDate")
    property_id = places.tenant_property(tenant_id)
    return [
        r.RecurringChargeRecord(
            x_id=ident(raw, "RecurringChargeID"),
            x_property_id=property_id,
            x_location_id=places.location_of_property.get(property_id),
            x_lease_id=places.lease_of_tenant.get(tenant_id),
            x_charge_code_id=optional_ident(raw, "ChargeTypeID"),
            amount_in_cents=amount[0],
            amount_raw=amount[1],
            frequency_raw=None if frequency is None else str(frequency),
            frequency_normalized=None
            if frequency is None
            else FREQUENCY.get(frequency, Frequency.OTHER).value,
            start_date=start,
            end_date=end,
            is_active=end is None or end >= places.today,
            description=raw.get("Comment"),
            custom_data=custom(raw, _MAPPED["recurring"]),
        )
    ]
