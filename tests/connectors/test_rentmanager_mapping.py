"""Rent Manager native records -> canonical records (pure mapping, no HTTP)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

import pmsgate.connectors.rentmanager  # noqa: F401  (registers RENTMANAGER)
from pmsgate.canonical import records as r
from pmsgate.connectors.rentmanager import mapping as m
from pmsgate.connectors.rentmanager.fields import MappingError
from pmsgate.connectors.rentmanager.rules import WRITE_RULES, schedule_check
from pmsgate.connectors.rentmanager.writes import comment, ledger_item, rm_day
from pmsgate.connectors.writes import WriteOperation

PLACES = m.Places(
    tz=ZoneInfo("America/New_York"),
    today=date(2026, 11, 25),
    location_of_property={"7": "2"},
    property_of_tenant={"1001": "7"},
    lease_of_tenant={"1001": "5001"},
)


def _charge(**overrides: object) -> dict[str, object]:
    return {
        "ChargeID": 100001,
        "AccountID": 1001,
        "AccountType": "Customer",
        "PropertyID": 7,
        "UnitID": 120,
        "ChargeTypeID": 1,
        "Amount": Decimal("1250.10"),
        "AmountAllocated": Decimal("1000.05"),
        "TransactionDate": "2026-07-01T00:00:00",
        "Comment": "Rent Jul 2026",
        "Reference": "R7",
        "UpdateDate": "2026-07-01T02:00:00",
        **overrides,
    }


def test_charge_money_dates_and_custom_data_are_exact() -> None:
    [charge] = m.map_charge(_charge(), PLACES)
    assert isinstance(charge, r.ResidentChargeRecord)
    assert (charge.amount_in_cents, charge.amount_raw) == (125010, "1250.10")
    assert (charge.amount_paid_in_cents, charge.amount_open_in_cents, charge.is_open) == (100005, 25005, True)
    # Local midnight in New York (EDT in July) is 04:00 UTC; the calendar day is kept.
    assert charge.transaction_date == datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
    assert charge.post_month == "2026-07" and charge.x_location_id == "2" and charge.x_lease_id == "5001"
    assert charge.custom_data == {"AccountType": "Customer", "UpdateDate": "2026-07-01T02:00:00"}


def test_credits_are_negative_charges_with_their_own_ids() -> None:
    raw = {
        "ID": 300002,
        "AccountID": 1001,
        "PropertyID": 7,
        "ChargeTypeID": 3,
        "Amount": Decimal("25"),
        "TransactionDate": "2026-01-11T00:00:00",
        "Comment": "Courtesy",
        "Reference": "CR1",
    }
    [credit] = m.map_credit(raw, PLACES)
    assert credit.x_id == "credit:300002"
    assert (credit.amount_in_cents, credit.amount_raw) == (-2500, "-25")  # type: ignore[attr-defined]
    assert credit.transaction_date == datetime(2026, 1, 11, 5, 0, tzinfo=UTC)  # type: ignore[attr-defined]  # EST


def test_payments_take_the_tenant_s_property_and_carry_allocations() -> None:
    raw = {
        "ID": 200001,
        "AccountID": 1001,
        "Amount": Decimal("0.30"),
        "TransactionDate": "2026-07-03T00:00:00",
        "Allocations": [
            {"AllocationID": 9, "PaymentID": 200001, "ChargeID": 100001, "Amount": Decimal("0.30")}
        ],
    }
    payment, allocation = m.map_payment(raw, PLACES)
    assert payment.x_property_id == "7" and payment.amount_in_cents == 30  # type: ignore[attr-defined]
    assert isinstance(allocation, r.AllocationRecord)
    assert (allocation.x_source_id, allocation.x_destination_id, allocation.amount_in_cents) == (
        "200001",
        "100001",
        30,
    )
    with pytest.raises(MappingError, match="tenant 9 is unknown"):
        m.map_payment({**raw, "AccountID": 9}, PLACES)


def test_leases_derive_status_and_link_their_tenant() -> None:
    raw = {
        "LeaseID": 5001,
        "TenantID": 1001,
        "UnitID": 120,
        "PropertyID": 7,
        "MoveInDate": "2025-08-01T00:00:00",
        "MoveOutDate": "2026-10-31T00:00:00",
        "NoticeDate": "2026-10-01T00:00:00",
        "LeaseRenewals": [
            {"StartDate": "2025-08-01T00:00:00", "EndDate": "2026-07-31T00:00:00", "Term": "12 Months"}
        ],
    }
    lease, link = m.map_lease(raw, PLACES)
    assert isinstance(lease, r.LeaseRecord) and isinstance(link, r.ResidentLeaseRecord)
    assert lease.status_normalized == "INACTIVE" and lease.realized_move_out_date == date(2026, 10, 31)
    assert (lease.start_date, lease.end_date) == (date(2025, 8, 1), date(2026, 7, 31))
    assert link.x_id == "5001:1001" and link.resident_type_normalized == "PRIMARY"
    future = m.map_lease({**raw, "MoveInDate": "2027-01-01T00:00:00", "MoveOutDate": None}, PLACES)[0]
    assert future.status_normalized == "PENDING"  # type: ignore[attr-defined]


def test_recurring_frequency_enum_and_company_wide_records() -> None:
    raw = {
        "RecurringChargeID": 600001,
        "EntityType": "Tenant",
        "EntityKeyID": 1001,
        "ChargeTypeID": 1,
        "Amount": Decimal("99.99"),
        "Frequency": 4,
        "FromDate": "2026-01-01T00:00:00",
        "ToDate": None,
    }
    [recurring] = m.map_recurring(raw, PLACES)
    assert recurring.frequency_normalized == "OTHER" and recurring.frequency_raw == "4"  # type: ignore[attr-defined]
    for number, normalized in ((1, "MONTHLY"), (2, "WEEKLY"), (3, "DAILY")):
        [mapped] = m.map_recurring({**raw, "Frequency": number}, PLACES)
        assert mapped.frequency_normalized == normalized  # type: ignore[attr-defined]
    with pytest.raises(MappingError):
        m.map_recurring({**raw, "Frequency": "Monthly"}, PLACES)
    assert recurring.is_active is True and recurring.custom_data == {
        "EntityType": "Tenant",
        "EntityKeyID": 1001,
    }  # type: ignore[attr-defined]
    [code] = m.map_charge_type({"ChargeTypeID": 1, "Name": "RENT", "GLAccountID": 20}, PLACES)
    assert code.x_property_id == "" and code.credit_gl_account == "20"  # type: ignore[attr-defined]


def test_tenant_email_and_phones_come_from_its_primary_contact() -> None:
    raw = {
        "TenantID": 1001,
        "PropertyID": 7,
        "FirstName": "Ava",
        "LastName": "Adler",
        "Contacts": [
            {"ContactID": 2, "IsPrimary": False, "Email": "co@example.net", "PhoneNumbers": []},
            {
                "ContactID": 1,
                "IsPrimary": True,
                "Email": "ava@example.com",
                "PhoneNumbers": [
                    {"PhoneNumberTypeID": 1, "PhoneNumber": "614-556-1000", "IsPrimary": False},
                    {
                        "PhoneNumberTypeID": 9,
                        "PhoneNumber": "614-555-1000",
                        "IsPrimary": True,
                        "PhoneNumberType": {"Name": "Mobile"},
                    },
                ],
            },
        ],
    }
    [tenant] = m.map_tenant(raw, PLACES)
    assert isinstance(tenant, r.ResidentRecord)
    assert (tenant.email_1, tenant.phone_1, tenant.phone_1_type) == (
        "ava@example.com",
        "614-555-1000",
        "MOBILE",
    )
    assert (tenant.phone_2, tenant.phone_2_type) == ("614-556-1000", "HOME")
    assert tenant.custom_data == {"OtherContacts": [raw["Contacts"][0]]}  # type: ignore[index]
    [bare] = m.map_tenant({k: v for k, v in raw.items() if k != "Contacts"}, PLACES)
    assert (bare.email_1, bare.phone_1, bare.phone_1_type) == (None, None, None)  # type: ignore[attr-defined]
    with pytest.raises(MappingError):
        m.map_tenant({**raw, "Contacts": "nope"}, PLACES)


@pytest.mark.parametrize(
    "bad", [{"Amount": "twelve"}, {"ChargeID": None}, {"TransactionDate": "07/01/2026"}, {"Amount": 1.5}]
)
def test_malformed_input_raises_mapping_errors(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        m.map_charge(_charge(**bad), PLACES)


def test_native_write_bodies() -> None:
    fields = {
        "x_resident_id": "1001",
        "x_charge_code_id": "3",
        "amount_in_cents": 1005,
        "transaction_date": "2026-11-20T00:00:00.000Z",
        "notes": "n" * 300,
        "reference_number": "R",
    }
    item = ledger_item(fields, "PMSG-ABC")
    assert item["Amount"] == "10.05" and item["TransactionDate"] == "2026-11-20T00:00:00"
    assert len(item["Comment"]) == 255 and item["Comment"].endswith(" [PMSG-ABC]")
    assert comment(None, "PMSG-ABC") == "[PMSG-ABC]" and rm_day("2026-11-20") == "2026-11-20T00:00:00"


def test_rules_follow_propexo() -> None:
    charge = WRITE_RULES[WriteOperation.CREATE_RESIDENT_CHARGE]
    assert charge.returns_id is False and {"notes", "reference_number", "resident_id"} <= charge.required
    assert WRITE_RULES[WriteOperation.CREATE_RESIDENT_PAYMENT].returns_id is True
    assert schedule_check({"frequency_normalized": "WEEKLY"})[0][0] == "start_date"
    assert schedule_check({"frequency_normalized": "MONTHLY"}) == []
    assert schedule_check({"start_date": "2026-12-01", "end_date": "2026-11-01"})[0][0] == "end_date"
