"""Propertyware native records -> canonical records: money exactness, dates and time zones,
enums, custom_data, the lease index, and malformed input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import pmsgate.connectors.propertyware  # noqa: F401  (registers the vendor)
from pmsgate.canonical import records as r
from pmsgate.canonical.records import NO_PROPERTY
from pmsgate.connectors.propertyware import ledger, mapping
from pmsgate.connectors.propertyware.fields import MappingError, money, utc
from pmsgate.connectors.propertyware.places import Places

LEASE = {
    "id": 500,
    "buildingID": 10,
    "unitID": 20,
    "status": "Active - Notice Given",
    "startDate": "2025-03-01",
    "moveInDate": "2025-03-01",
    "baseRent": Decimal("1234.56"),
    "leaseBalance": Decimal("-0.07"),
    "leaseName": "Park lease",
    "contacts": [
        {"id": 900, "primary": False, "role": "Co-Tenant"},
        {"id": 901, "primary": True, "role": "Tenant"},
    ],
}


def places() -> Places:
    index = Places()
    index.add_lease(LEASE)
    return index


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        (Decimal("1234.56"), 123456),
        (Decimal("0.07"), 7),
        (1050.1, 105010),
        (Decimal("-25.00"), -2500),
        (12, 1200),
    ],
)
def test_money_is_exact(raw: object, cents: int) -> None:
    assert money(raw)[0] == cents


def test_json_numbers_read_as_decimal_stay_exact() -> None:
    body = json.loads('{"amount": 0.29}', parse_float=Decimal)
    assert money(body["amount"]) == (29, "0.29")
    with pytest.raises(MappingError):
        money("12,3x")
    with pytest.raises(MappingError):
        money(True)


def test_date_times_become_utc() -> None:
    assert utc("2025-03-01T09:15:00-06:00") == datetime(2025, 3, 1, 15, 15, tzinfo=UTC)
    assert utc("2025-03-01T09:15:00Z") == datetime(2025, 3, 1, 9, 15, tzinfo=UTC)
    assert utc("2025-03-01T09:15:00") == datetime(2025, 3, 1, 9, 15, tzinfo=UTC)  # documented UTC


def test_a_lease_and_its_tenants() -> None:
    lease, *links = mapping.map_lease(LEASE)
    assert isinstance(lease, r.LeaseRecord)
    assert lease.x_property_id == "10" and lease.x_unit_id == "20" and lease.x_resident_id == "901"
    assert lease.status_normalized == "ACTIVE" and lease.rent_amount_in_cents == 123456
    assert lease.balance_amount_in_cents == -7 and lease.balance_amount_raw == "-0.07"
    assert lease.custom_data == {"leaseName": "Park lease"}
    assert [(x.x_id, x.resident_type_normalized) for x in links if isinstance(x, r.ResidentLeaseRecord)] == [
        ("500:900", "OTHER"),
        ("500:901", "PRIMARY"),
    ]
    unknown = mapping.map_lease({**LEASE, "status": "Limbo"})[0]
    assert isinstance(unknown, r.LeaseRecord) and unknown.status_normalized == "OTHER"


def test_buildings_units_and_accounts() -> None:
    building = mapping.map_building(
        {"id": 10, "name": "Oak", "propertyType": "HOUSE", "address": {"city": "X"}, "portfolioID": 3}
    )[0]
    assert isinstance(building, r.PropertyRecord)
    assert building.type_normalized == "SINGLE_FAMILY" and building.custom_data == {"portfolioID": 3}
    odd = mapping.map_building({"id": 11, "propertyType": "SHORT_TERM_VACATION"})[0]
    assert isinstance(odd, r.PropertyRecord) and odd.type_normalized == "OTHER"
    unit = mapping.map_unit(
        {"id": 20, "buildingID": 10, "numberOfBathrooms": 1.5, "targetRent": Decimal("950.5")}
    )[0]
    assert isinstance(unit, r.UnitRecord)
    assert (unit.bathrooms_full, unit.bathrooms_half, unit.rent_amount_market_in_cents) == (1.0, 1.0, 95050)
    account = mapping.map_account({"id": 7, "name": "Rent", "accountNumber": "4000", "active": False})[0]
    assert isinstance(account, r.FinancialAccountRecord)
    assert account.status_raw == "INACTIVE" and account.x_property_id == NO_PROPERTY


def test_a_tenant_belongs_to_its_newest_lease() -> None:
    index = places()
    index.add_lease({**LEASE, "id": 400, "buildingID": 99})  # an older lease of the same tenants
    resident = mapping.map_contact(
        {"id": 901, "firstName": "Ana", "workPhone": "555", "gender": "FEMALE"}, index
    )[0]
    assert isinstance(resident, r.ResidentRecord)
    assert (resident.x_property_id, resident.x_lease_id) == ("10", "500")
    assert (resident.phone_1, resident.phone_1_type) == ("555", "WORK")
    assert resident.custom_data == {"gender": "FEMALE"}
    with pytest.raises(MappingError, match="on no lease"):
        mapping.map_contact({"id": 1}, index)


def test_a_charge_with_its_allocations() -> None:
    raw = {
        "id": 700,
        "leaseID": 500,
        "glAccountID": 40,
        "amount": Decimal("1234.56"),
        "amountDue": Decimal("234.56"),
        "amountPaid": Decimal("1000.00"),
        "date": "2025-04-01",
        "refNo": "R1",
        "portfolioID": 3,
        "payments": [
            {"id": 800, "chargeAmountPaid": Decimal("1000.00"), "amount": Decimal("1000"), "accountID": 41}
        ],
    }
    charge, allocation = ledger.map_charge(raw, places())
    assert isinstance(charge, r.ResidentChargeRecord) and isinstance(allocation, r.AllocationRecord)
    assert (charge.x_property_id, charge.x_unit_id, charge.x_resident_id) == ("10", "20", "901")
    assert charge.amount_in_cents == 123456 and charge.amount_open_in_cents == 23456 and charge.is_open
    assert charge.transaction_date == datetime(2025, 4, 1, tzinfo=UTC) and charge.due_date == date(2025, 4, 1)
    assert charge.custom_data == {"portfolioID": 3}
    assert (allocation.x_id, allocation.x_source_id, allocation.x_destination_id) == ("800:700", "800", "700")
    assert allocation.amount_in_cents == 100000 and allocation.x_financial_account_id == "41"


def test_credits_are_negative_whatever_sign_the_vendor_writes() -> None:
    for amount in (Decimal("25.00"), Decimal("-25.00")):
        raw = {"id": 701, "leaseID": 500, "amount": amount, "date": "2025-04-02"}
        memo, adjustment = ledger.map_credit_memo(raw, places())[0], ledger.map_adjustment(raw, places())[0]
        assert isinstance(memo, r.ResidentChargeRecord) and isinstance(adjustment, r.ResidentChargeRecord)
        assert memo.amount_in_cents == adjustment.amount_in_cents == -2500
        assert (memo.transaction_source, adjustment.transaction_source) == ("CREDIT_MEMO", "ADJUSTMENT")


def test_payments_and_auto_charges() -> None:
    payment = ledger.map_payment(
        {
            "id": 800,
            "leaseID": 500,
            "contactID": 900,
            "amount": 10,
            "paymentType": "NACHA",
            "date": "2025-04-03",
        },
        places(),
    )[0]
    assert isinstance(payment, r.ResidentPaymentRecord)
    assert payment.payment_method_normalized == "ACH" and payment.x_resident_id == "900"
    odd = ledger.map_payment({"id": 801, "leaseID": 500, "amount": 1, "paymentType": "RENTMONEY"}, places())[
        0
    ]
    assert isinstance(odd, r.ResidentPaymentRecord) and odd.payment_method_normalized == "OTHER"
    auto = ledger.map_autocharge(
        {
            "id": 5,
            "leaseID": 500,
            "amount": 30,
            "frequency": "QUARTERLY",
            "dueDay": 15,
            "startDate": "2025-01-01",
        },
        places(),
    )[0]
    assert isinstance(auto, r.RecurringChargeRecord)
    assert (
        auto.frequency_normalized == "OTHER"
        and auto.frequency_raw == "QUARTERLY"
        and auto.charge_due_day == 15
    )


@pytest.mark.parametrize(
    "raw",
    [
        {"id": "BROKEN-1", "leaseID": 500, "amount": 1, "date": "2025-01-01"},
        {"id": 1, "leaseID": 12345, "amount": 1, "date": "2025-01-01"},  # an unknown lease
        {"id": 1, "leaseID": 500, "amount": "garbage", "date": "2025-01-01"},
        {"id": 1, "leaseID": 500, "amount": 1, "date": "01/02/2025"},
        {"id": 1, "leaseID": 500},
    ],
)
def test_malformed_records_raise_mapping_errors(raw: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ledger.map_charge(raw, places())
