"""Yardi documents -> canonical records (pure functions of lxml elements).

Identity: property codes, tenant codes (a Yardi "tenant" is the lease household: the lease's
x_id, and the primary resident's, since the primary shares the code), roommate codes, charge
codes, GL account numbers and transaction ids are unique in a Voyager database. Unit codes are
unique only within a property, so a unit's x_id is `{property}/{unit}` (`unit_key`).
Charge codes and GL accounts belong to the database, not a property; they carry NO_PROPERTY
(the empty property key, the rule for every vendor).

Money is read with Decimal from Yardi's text ("1450.10"), exactly, with the text kept in
`*_raw`. Dates are YYYY-MM-DD (a date-time keeps its day); Yardi's LastModified has no offset
and is read as UTC.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from lxml import etree

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import LeaseStatus, PhoneType
from pmsgate.connectors import mapped
from pmsgate.connectors.parsing import MappingError, bathrooms, blank, iso_date, midnight_utc, money

LEASE_STATUS = {
    **mapped.MITS_LEASE_STATUS,
    "Canceled": LeaseStatus.INACTIVE,
    "Denied": LeaseStatus.INACTIVE,
    "Eviction": LeaseStatus.EVICTED,
}
FREQUENCIES = {"monthly": "MONTHLY", "weekly": "WEEKLY", "daily": "DAILY"}
ADDRESS = mapped.AddressNames("AddressLine1", "AddressLine2", "City", "State", "PostalCode")


def local(node: etree._Element) -> str:
    return etree.QName(node).localname


def fields(node: etree._Element) -> dict[str, str]:
    """The element's simple children by local name (text stripped; empty elements give '')."""
    return {local(c): (c.text or "").strip() for c in node.iterchildren(etree.Element) if len(c) == 0}


def children(node: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in node.iterchildren(etree.Element) if local(c) == name]


def descendants(node: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in node.iter(etree.Element) if local(c) == name]


def need(raw: dict[str, str], name: str) -> str:
    value = raw.get(name)
    if blank(value):
        raise MappingError(f"missing {name}")
    return str(value)


def opt(raw: dict[str, str], name: str) -> str | None:
    value = raw.get(name)
    return None if blank(value) else value


def unit_key(property_code: str, unit_code: str) -> str:
    return f"{property_code}/{unit_code}"


def split_unit_key(x_unit_id: str) -> tuple[str, str]:
    property_code, _, unit_code = x_unit_id.partition("/")
    return property_code, unit_code


def _int(value: str | None, name: str) -> int | None:
    if blank(value):
        return None
    try:
        return int(str(value))
    except ValueError as exc:
        raise MappingError(f"{name}: {value!r} is not a whole number") from exc


def _extra(raw: dict[str, str], known: set[str]) -> dict[str, Any] | None:
    extra = {k: v for k, v in raw.items() if k not in known and v != ""}
    return extra or None


def map_property(node: etree._Element) -> r.PropertyRecord:
    raw = fields(node)
    known = {
        "Code",
        "MarketingName",
        "AddressLine1",
        "AddressLine2",
        "City",
        "State",
        "PostalCode",
        "Units",
        "Type",
    }
    return r.PropertyRecord(
        x_id=need(raw, "Code"),
        code=raw.get("Code"),
        name=opt(raw, "MarketingName"),
        **mapped.site(partial(opt, raw), ADDRESS),
        number_of_units=_int(raw.get("Units"), "Units"),
        type_raw=opt(raw, "Type"),
        type=opt(raw, "Type"),
        type_normalized="MULTI_FAMILY" if raw.get("Type") == "Residential" else "OTHER",
        is_active=True,
        custom_data=_extra(raw, known),
    )


# Fields taken as Yardi writes them (empty: None), {canonical: native}.
UNIT = {
    "x_unit_type_id": "UnitType",
    "floor_plan_code": "UnitType",
    "bedrooms": "Bedrooms",
    "bathrooms": "Bathrooms",
    "building_name": "Building",
    "floor": "Floor",
}


def map_unit(node: etree._Element, property_code: str) -> r.UnitRecord:
    raw = fields(node)
    code = need(raw, "UnitCode")
    full, half = bathrooms(raw.get("Bathrooms"), "Bathrooms")
    status = raw.get("Status") or ""
    known = {
        "UnitCode",
        "UnitType",
        "Bedrooms",
        "Bathrooms",
        "SqFt",
        "MarketRent",
        "Status",
        "Building",
        "Floor",
    }
    return r.UnitRecord(
        x_id=unit_key(property_code, code),
        x_property_id=property_code,
        number=code,
        **mapped.verbatim(partial(opt, raw), UNIT),
        bathrooms_full=full,
        bathrooms_half=half,
        square_feet=_int(raw.get("SqFt"), "SqFt"),
        rent_amount_market_in_cents=money(raw.get("MarketRent"), "MarketRent")[0],
        is_vacant=status.startswith("Vacant") if status else None,
        custom_data=_extra({**raw, "Status": status}, known - {"Status"}),
    )


def map_resident(node: etree._Element, tenant: dict[str, str], property_code: str) -> r.ResidentRecord:
    raw = fields(node)
    known = {
        "ResidentCode",
        "FirstName",
        "LastName",
        "Email",
        "CellPhone",
        "HomePhone",
        "WorkPhone",
        "DateOfBirth",
    }
    phones = [
        (raw.get(k), t)
        for k, t in (
            ("CellPhone", PhoneType.MOBILE),
            ("HomePhone", PhoneType.HOME),
            ("WorkPhone", PhoneType.WORK),
        )
        if raw.get(k)
    ]
    return r.ResidentRecord(
        x_id=need(raw, "ResidentCode"),
        x_property_id=property_code,
        x_lease_id=need(tenant, "TenantCode"),
        first_name=opt(raw, "FirstName"),
        last_name=opt(raw, "LastName"),
        email_1=opt(raw, "Email"),
        phone_1=phones[0][0] if phones else None,
        phone_1_type=phones[0][1].value if phones else None,
        phone_2=phones[1][0] if len(phones) > 1 else None,
        phone_2_type=phones[1][1].value if len(phones) > 1 else None,
        date_of_birth=iso_date(raw.get("DateOfBirth"), "DateOfBirth"),
        custom_data=_extra(raw, known),
    )


def map_lease(node: etree._Element, property_code: str) -> list[r.CanonicalRecord]:
    """The tenant as a lease, then one residents-to-leases link per resident."""
    raw = fields(node)
    code = need(raw, "TenantCode")
    status = opt(raw, "Status")
    rent = money(raw.get("Rent"), "Rent")
    deposit = money(raw.get("SecurityDeposit"), "SecurityDeposit")
    balance = money(raw.get("Balance"), "Balance")
    future, past = status in ("Future", "Applicant", "Approved"), status in ("Past", "Canceled")
    move_in, move_out = (
        iso_date(raw.get("MoveInDate"), "MoveInDate"),
        iso_date(raw.get("MoveOutDate"), "MoveOutDate"),
    )
    unit = opt(raw, "UnitCode")
    residents = children(node, "Resident")
    primary = next((fields(n) for n in residents if fields(n).get("Relationship") == "Primary"), None)
    lease = r.LeaseRecord(
        x_id=code,
        x_property_id=property_code,
        x_unit_id=unit_key(property_code, unit) if unit else None,
        x_resident_id=(primary or {}).get("ResidentCode") or code,
        unit_number=unit,
        **mapped.lease_status(status, LEASE_STATUS),
        start_date=iso_date(raw.get("LeaseFromDate"), "LeaseFromDate"),
        end_date=iso_date(raw.get("LeaseToDate"), "LeaseToDate"),
        **mapped.move_in_dates(move_in, upcoming=future),
        **mapped.move_out_dates(move_out, moved_out=past),
        **mapped.terms(rent, deposit, due_day=_int(raw.get("DueDay"), "DueDay")),
        **mapped.balances(balance),
        custom_data=_extra(
            raw,
            {
                "TenantCode",
                "Status",
                "Rent",
                "SecurityDeposit",
                "Balance",
                "MoveInDate",
                "MoveOutDate",
                "UnitCode",
                "LeaseFromDate",
                "LeaseToDate",
                "DueDay",
            },
        ),
    )
    links: list[r.CanonicalRecord] = []
    for resident in residents:
        person = fields(resident)
        relationship = person.get("Relationship")
        links.append(
            r.ResidentLeaseRecord(
                **mapped.resident_link(
                    code,
                    need(person, "ResidentCode"),
                    property_id=property_code,
                    kind=relationship,
                    primary=relationship == "Primary",
                ),
                move_in_date=move_in,
                move_out_date=move_out,
                notice_date=iso_date(raw.get("NoticeDate"), "NoticeDate"),
            )
        )
    return [lease, *links]


CHARGE_TYPE = {"name": "Code", "description": "Description", "credit_gl_account": "GLAccount"}


def map_charge_type(node: etree._Element) -> r.ChargeCodeRecord:
    raw = fields(node)
    return r.ChargeCodeRecord(
        x_id=need(raw, "Code"),
        **mapped.company_wide(partial(opt, raw), CHARGE_TYPE),
        custom_data=_extra(raw, {"Code", "Description", "GLAccount"}),
    )


ACCOUNT = {"name": "Description", "account_number": "AccountNumber"}


def map_account(node: etree._Element) -> r.FinancialAccountRecord:
    raw = fields(node)
    inactive = (raw.get("Inactive") or "").lower() == "true"
    return r.FinancialAccountRecord(
        x_id=need(raw, "AccountNumber"),
        **mapped.company_wide(partial(opt, raw), ACCOUNT),
        status_raw="Inactive" if inactive else "Active",
        custom_data=_extra(raw, {"AccountNumber", "Description", "Inactive"}),
    )


def _post_month(raw: dict[str, str]) -> str | None:
    day = iso_date(raw.get("PostMonth"), "PostMonth")
    return None if day is None else f"{day.year:04d}-{day.month:02d}"


def _ledger_keys(raw: dict[str, str], property_code: str, customer: dict[str, str]) -> dict[str, Any]:
    tenant = raw.get("CustomerID") or customer.get("CustomerID") or None
    unit = raw.get("UnitID") or None
    return {
        "x_id": need(raw, "TransactionID"),
        "x_property_id": raw.get("PropertyPrimaryID") or property_code,
        "x_lease_id": tenant,
        "x_resident_id": tenant,
        "x_unit_id": unit_key(raw.get("PropertyPrimaryID") or property_code, unit) if unit else None,
        "x_gl_account_id": opt(raw, "GLAccountNumber"),
        "transaction_date": midnight_utc(raw.get("TransactionDate"), "TransactionDate"),
        "post_month": _post_month(raw),
        "reference_number": opt(raw, "DocumentNumber"),
    }


def map_charge(
    detail: etree._Element, property_code: str, customer: dict[str, str]
) -> r.ResidentChargeRecord:
    raw = fields(detail)
    amount, paid, due = (
        money(raw.get("Amount")),
        money(raw.get("AmountPaid"), "AmountPaid"),
        money(raw.get("BalanceDue"), "BalanceDue"),
    )
    if amount[0] is None:
        raise MappingError("missing Amount")
    comment = opt(raw, "Comment")
    return r.ResidentChargeRecord(
        **_ledger_keys(raw, property_code, customer),
        x_charge_code_id=opt(raw, "ChargeCode"),
        **mapped.charge_amounts(amount, paid=paid, open_=due),
        name=opt(raw, "ChargeCode"),
        description=" ".join(t for t in (opt(raw, "Description"), comment) if t) or None,
        custom_data={"Comment": comment} if comment else None,
    )


def map_payment(
    node: etree._Element, property_code: str, customer: dict[str, str]
) -> r.ResidentPaymentRecord:
    detail = children(node, "Detail")
    if not detail:
        raise MappingError("Payment without Detail")
    raw = fields(detail[0])
    amount = money(raw.get("Amount"))
    if amount[0] is None:
        raise MappingError("missing Amount")
    kind = node.get("Type")
    return r.ResidentPaymentRecord(
        **_ledger_keys(raw, property_code, customer),
        amount_in_cents=amount[0],
        amount_raw=amount[1],
        payment_method_raw=kind,
        payment_method_normalized=PAYMENT_METHODS.get(kind or "", "OTHER"),
        description=opt(raw, "Comment"),
    )


PAYMENT_METHODS = {
    "Check": "CHECK",
    "Cash": "CASH",
    "Money Order": "MONEY_ORDER",
    "ACH": "ACH",
    "Credit Card": "CREDIT_CARD",
    "Cashiers Check": "CASHIERS_CHECK",
}


def map_lease_charge(
    node: etree._Element, property_code: str, customer: dict[str, str]
) -> r.RecurringChargeRecord:
    raw = fields(node)
    amount = money(raw.get("Amount"))
    frequency = opt(raw, "Frequency")
    tenant = customer.get("CustomerID") or None
    ends = iso_date(raw.get("ToDate"), "ToDate")
    return r.RecurringChargeRecord(
        x_id=need(raw, "ChargeID"),
        x_property_id=property_code,
        x_lease_id=tenant,
        x_charge_code_id=opt(raw, "ChargeCode"),
        amount_in_cents=amount[0],
        amount_raw=amount[1],
        description=opt(raw, "Description"),
        start_date=iso_date(raw.get("FromDate"), "FromDate"),
        end_date=ends,
        is_active=True,
        frequency_raw=frequency,
        frequency_normalized=FREQUENCIES.get((frequency or "").lower(), "OTHER"),
    )
