"""SamplePMS native records -> canonical records. Pure functions, no I/O.

Native conventions handled here: integer ids (ours are strings), MM/DD/YYYY dates, timestamps
with a Chicago offset (stored as UTC), decimal-string money (cents plus the raw string).
Native fields a canonical record has no place for go to `custom_data` under their native name,
computed from the declared `_MAPPED` sets so a new vendor field is kept rather than dropped.
A record that cannot be mapped raises MappingError (a ValueError); the connector skips it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Frequency, LeaseStatus
from pmsgate.connectors import mapped
from pmsgate.connectors.parsing import (
    MappingError,
    Native,
    as_text,
    bathrooms,
    custom,
    ident,
    money,
    optional_ident,
    required,
)
from pmsgate.connectors.sample.fields import midnight_utc, us_date, utc

__all__ = [
    "FREQUENCY",
    "LEASE_STATUS",
    "PAYMENT_METHOD",
    "MappingError",
    "map_charge",
    "map_fee",
    "map_gl_account",
    "map_ledger_code",
    "map_receipt",
    "map_recurring",
    "map_site",
    "map_space",
    "map_tenancy",
    "map_tenant",
]

LEASE_STATUS = {
    "current": LeaseStatus.ACTIVE,
    "notice": LeaseStatus.ACTIVE,
    "future": LeaseStatus.PENDING,
    "past": LeaseStatus.INACTIVE,
    "evicted": LeaseStatus.EVICTED,
}
FREQUENCY = {"day": Frequency.DAILY, "week": Frequency.WEEKLY, "month": Frequency.MONTHLY}
PAYMENT_METHOD = {
    "ach": "ACH",
    "check": "CHECK",
    "card": "CREDIT_CARD",
    "cash": "CASH",
    "money_order": "MONEY_ORDER",
}


# -- places -----------------------------------------------------------------------------------

ADDRESS = mapped.AddressNames("line1", "line2", "city", "region", "postal", "country")
# SamplePMS names a referenced record's id the same way in every record, {canonical key: native}.
REFERENCES = {
    "x_lease_id": "tenancyId",
    "x_resident_id": "tenantId",
    "x_unit_id": "spaceId",
    "x_charge_code_id": "codeId",
    "x_gl_account_id": "accountId",
    "x_financial_account_id": "accountId",
}

_MAPPED: dict[str, frozenset[str]] = {
    "site": frozenset(
        {"siteId", "siteName", "siteCode", "addr", "active", "unitCount", "builtYear", "manager", "createdOn"}
    ),
    "space": frozenset({"spaceId", "siteId", "label", "beds", "baths", "sqft", "marketRent", "vacant"}),
    "tenant": frozenset(
        {"tenantId", "siteId", "given", "family", "middle", "email", "altEmail", "mobile", "homePhone"}
        | {"birthDate", "balance", "employee", "pets", "vehicles"}
    ),
    "tenancy": frozenset(
        {"tenancyId", "siteId", "spaceId", "state", "from", "to", "moveIn", "moveOut", "rent", "deposit"}
        | {"dueDay", "balance", "signedOn", "occupants"}
    ),
    "code": frozenset({"codeId", "siteId", "code", "label", "debitAccount", "creditAccount"}),
    "account": frozenset({"accountId", "siteId", "number", "title", "status"}),
    "charge": frozenset(
        {"chargeId", "siteId", "tenancyId", "tenantId", "spaceId", "codeId", "accountId", "amount", "open"}
        | {"postedOn", "dueOn", "period", "memo", "ref", "source"}
    ),
    "receipt": frozenset(
        {"receiptId", "siteId", "tenancyId", "tenantId", "spaceId", "accountId", "amount", "method"}
        | {"postedOn", "period", "memo", "ref", "appliedTo"}
    ),
    "recurring": frozenset(
        {"recurringId", "siteId", "tenancyId", "codeId", "accountId", "amount", "every", "dueDay"}
        | {"startsOn", "endsOn", "active", "memo", "ref"}
    ),
    "fee": frozenset({"feeId", "siteId", "spaceId", "codeId", "label", "amount"}),
}


# Fields taken as SamplePMS writes them, {canonical: native}.
SITE = {
    "name": "siteName",
    "code": "siteCode",
    "is_active": "active",
    "number_of_units": "unitCount",
    "year_built": "builtYear",
}
MANAGER = {"manager_name": "name", "manager_email": "email", "manager_phone_1": "phone"}


def _keys(raw: Native, id_field: str, *references: str) -> dict[str, Any]:
    """A SamplePMS record's keys: its own id, its site's, and the ids of the records it references
    (canonical keys of `REFERENCES`; None where it names none)."""
    keys = {"x_id": ident(raw, id_field), "x_property_id": ident(raw, "siteId")}
    return keys | {key: optional_ident(raw, REFERENCES[key]) for key in references}


def map_site(raw: Native) -> r.PropertyRecord:
    addr = raw.get("addr") or {}
    manager = raw.get("manager") or {}
    return r.PropertyRecord(
        x_id=ident(raw, "siteId"),
        x_created_at=utc(raw.get("createdOn"), "createdOn"),
        **mapped.verbatim(raw.get, SITE),
        **mapped.site(addr.get, ADDRESS),
        **mapped.verbatim(manager.get, MANAGER),
        manager_phone_1_type="WORK" if manager.get("phone") else None,  # the site office's line
        custom_data=custom(raw, _MAPPED["site"]),
    )


def map_space(raw: Native) -> r.UnitRecord:
    full, half = bathrooms(raw.get("baths"), "baths")
    beds = raw.get("beds")
    return r.UnitRecord(
        **_keys(raw, "spaceId"),
        number=raw.get("label"),
        bedrooms=None if beds is None else str(beds),
        bathrooms=None if raw.get("baths") is None else str(raw["baths"]),
        bathrooms_full=full,
        bathrooms_half=half,
        square_feet=raw.get("sqft"),
        rent_amount_market_in_cents=money(raw.get("marketRent"), "marketRent")[0],
        is_vacant=raw.get("vacant"),
        custom_data=custom(raw, _MAPPED["space"]),
    )


# -- people -----------------------------------------------------------------------------------


# A pet or a vehicle in the API's shape, {API key: native}: every documented key present, None
# where SamplePMS has no such field.
PET = {
    "name": "name",
    "type": "kind",
    "breed": "breed",
    "gender_raw": None,
    "age_in_years": None,
    "weight_in_pounds": "weightLbs",
    "is_fixed": None,
    "is_service_animal": None,
    "notes": None,
}
VEHICLE = {
    "make": "make",
    "model": "model",
    "color": "color",
    "year": "year",
    "license_plate_number": "plate",
    "license_plate_state": "plateState",
    "notes": None,
}


def _item(raw: Native, id_field: str, names: Mapping[str, str | None]) -> dict[str, Any]:
    """A pet or vehicle (`PET`, `VEHICLE`); native fields it has no key for go to its custom_data."""
    return {
        "x_id": ident(raw, id_field),
        **mapped.verbatim(raw.get, names),
        "custom_data": custom(raw, frozenset({id_field, *(n for n in names.values() if n is not None)})),
    }


def _pet(raw: Native) -> dict[str, Any]:
    return _item(raw, "petId", PET)


def _vehicle(raw: Native) -> dict[str, Any]:
    vehicle = _item(raw, "vehicleId", VEHICLE)
    return {**vehicle, "year": as_text(vehicle["year"])}  # the API's year is a string


TENANT = {
    "first_name": "given",
    "last_name": "family",
    "middle_name": "middle",
    "email_1": "email",
    "email_2": "altEmail",
    "is_employee": "employee",
}


def map_tenant(raw: Native) -> r.ResidentRecord:
    mobile, home = raw.get("mobile"), raw.get("homePhone")
    return r.ResidentRecord(
        **_keys(raw, "tenantId"),
        **mapped.verbatim(raw.get, TENANT),
        phone_1=mobile,
        phone_1_type="MOBILE" if mobile else None,
        phone_2=home,
        phone_2_type="HOME" if home else None,
        date_of_birth=us_date(raw.get("birthDate"), "birthDate"),
        balance_in_cents=money(raw.get("balance"), "balance")[0],
        pets=[_pet(p) for p in raw.get("pets") or []],
        vehicles=[_vehicle(v) for v in raw.get("vehicles") or []],
        custom_data=custom(raw, _MAPPED["tenant"]),
    )


def map_tenancy(raw: Native) -> list[r.LeaseRecord | r.ResidentLeaseRecord]:
    """The lease, then one residents-to-leases link per occupant."""
    lease_id, site_id = ident(raw, "tenancyId"), ident(raw, "siteId")
    state = raw.get("state")
    occupants = raw.get("occupants") or []
    head = next((o for o in occupants if o.get("role") == "head"), None)
    move_in, move_out = us_date(raw.get("moveIn"), "moveIn"), us_date(raw.get("moveOut"), "moveOut")
    upcoming = state == "future"  # before move-in the dates are plans, not facts
    leaving = state in ("current", "notice")
    rent = money(raw.get("rent"), "rent")
    deposit = money(raw.get("deposit"), "deposit")
    balance = money(raw.get("balance"), "balance")
    lease = r.LeaseRecord(
        x_id=lease_id,
        x_property_id=site_id,
        x_unit_id=optional_ident(raw, "spaceId"),
        x_resident_id=None if head is None else ident(head, "tenantId"),
        **mapped.lease_status(state, LEASE_STATUS),
        start_date=us_date(raw.get("from"), "from"),
        end_date=us_date(raw.get("to"), "to"),
        **mapped.move_in_dates(move_in, upcoming=upcoming),
        scheduled_move_out_date=move_out if leaving else None,
        realized_move_out_date=None if leaving or upcoming else move_out,
        **mapped.terms(rent, deposit, due_day=raw.get("dueDay")),
        **mapped.balances(balance),
        signature_date=us_date(raw.get("signedOn"), "signedOn"),
        custom_data=custom(raw, _MAPPED["tenancy"]),
    )
    links = [_occupant(o, lease_id, site_id) for o in occupants]
    return [lease, *links]


def _occupant(raw: Native, lease_id: str, site_id: str) -> r.ResidentLeaseRecord:
    tenant_id, role = ident(raw, "tenantId"), raw.get("role")
    return r.ResidentLeaseRecord(
        **mapped.resident_link(lease_id, tenant_id, property_id=site_id, kind=role, primary=role == "head"),
        move_in_date=us_date(raw.get("moveIn"), "moveIn"),
        move_out_date=us_date(raw.get("moveOut"), "moveOut"),
        notice_date=us_date(raw.get("noticeOn"), "noticeOn"),
    )


# -- books ------------------------------------------------------------------------------------


CODE = {
    "name": "code",
    "description": "label",
    "debit_gl_account": "debitAccount",
    "credit_gl_account": "creditAccount",
}


def map_ledger_code(raw: Native) -> r.ChargeCodeRecord:
    return r.ChargeCodeRecord(
        **_keys(raw, "codeId"),
        **mapped.verbatim(raw.get, CODE),
        custom_data=custom(raw, _MAPPED["code"]),
    )


ACCOUNT = {"name": "title", "account_number": "number", "status_raw": "status"}


def map_gl_account(raw: Native) -> r.FinancialAccountRecord:
    return r.FinancialAccountRecord(
        **_keys(raw, "accountId"),
        **mapped.verbatim(raw.get, ACCOUNT),
        custom_data=custom(raw, _MAPPED["account"]),
    )


def map_charge(raw: Native) -> r.ResidentChargeRecord:
    amount, open_ = money(required(raw, "amount"), "amount"), money(raw.get("open"), "open")
    paid = None if amount[0] is None or open_[0] is None else amount[0] - open_[0]
    return r.ResidentChargeRecord(
        **_keys(
            raw, "chargeId", "x_lease_id", "x_resident_id", "x_unit_id", "x_charge_code_id", "x_gl_account_id"
        ),
        **mapped.charge_amounts(amount, paid=mapped.from_cents(paid), open_=open_),
        transaction_date=midnight_utc(raw.get("postedOn"), "postedOn"),
        due_date=us_date(raw.get("dueOn"), "dueOn"),
        post_month=raw.get("period"),
        description=raw.get("memo"),
        reference_number=raw.get("ref"),
        transaction_source=raw.get("source"),
        custom_data=custom(raw, _MAPPED["charge"]),
    )


def map_receipt(raw: Native) -> list[r.ResidentPaymentRecord | r.AllocationRecord]:
    """The payment, then one allocation per charge it was applied to."""
    keys = _keys(raw, "receiptId", "x_lease_id", "x_resident_id", "x_unit_id", "x_gl_account_id")
    receipt_id, site_id = keys["x_id"], keys["x_property_id"]
    amount, method = money(required(raw, "amount"), "amount"), raw.get("method")
    payment = r.ResidentPaymentRecord(
        **keys,
        amount_in_cents=amount[0],
        amount_raw=amount[1],
        **mapped.payment_method(method, PAYMENT_METHOD),
        transaction_date=midnight_utc(raw.get("postedOn"), "postedOn"),
        post_month=raw.get("period"),
        description=raw.get("memo"),
        reference_number=raw.get("ref"),
        custom_data=custom(raw, _MAPPED["receipt"]),
    )
    allocations = [
        _allocation(a, receipt_id, site_id, optional_ident(raw, "accountId"))
        for a in raw.get("appliedTo") or []
    ]
    return [payment, *allocations]


def _allocation(raw: Native, receipt_id: str, site_id: str, account_id: str | None) -> r.AllocationRecord:
    amount = money(required(raw, "amount"), "appliedTo.amount")
    return r.AllocationRecord(
        x_id=ident(raw, "allocationId"),
        x_property_id=site_id,
        x_source_id=receipt_id,
        x_destination_id=ident(raw, "chargeId"),
        x_financial_account_id=account_id,
        amount_in_cents=amount[0],
        amount_raw=amount[1],
    )


def map_recurring(raw: Native) -> r.RecurringChargeRecord:
    amount, every = money(required(raw, "amount"), "amount"), raw.get("every")
    return r.RecurringChargeRecord(
        **_keys(raw, "recurringId", "x_lease_id", "x_charge_code_id", "x_financial_account_id"),
        amount_in_cents=amount[0],
        amount_raw=amount[1],
        **mapped.schedule(every, FREQUENCY),
        charge_due_day=raw.get("dueDay"),
        start_date=us_date(raw.get("startsOn"), "startsOn"),
        end_date=us_date(raw.get("endsOn"), "endsOn"),
        is_active=raw.get("active"),
        description=raw.get("memo"),
        reference_number=raw.get("ref"),
        custom_data=custom(raw, _MAPPED["recurring"]),
    )


def map_fee(raw: Native) -> r.FeeRecord:
    amount = money(required(raw, "amount"), "amount")
    return r.FeeRecord(
        **_keys(raw, "feeId", "x_unit_id", "x_charge_code_id"),
        name=raw.get("label"),
        amount_in_cents=amount[0],
        amount_raw=amount[1],
        custom_data=custom(raw, _MAPPED["fee"]),
    )
