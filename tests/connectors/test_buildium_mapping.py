"""Buildium native records -> canonical records: money, dates, enums, custom_data, bad input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import pmsgate.connectors.buildium  # registers BUILDIUM
import pmsgate.emulators.buildium.definition  # noqa: F401  (registers the emulator)
from pmsgate.canonical import records as r
from pmsgate.connectors.buildium.fields import MappingError, utc
from pmsgate.connectors.buildium.ledger import LeaseKey, map_recurring, map_transaction
from pmsgate.connectors.buildium.mapping import map_lease, map_tenant, map_unit
from pmsgate.connectors.buildium.writes import dollars

LEASE = LeaseKey("30001", "1", "10001")


def _decimal(text: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(text, parse_float=Decimal)
    return loaded


def test_money_is_exact_to_the_cent() -> None:
    raw = _decimal(
        '{"Id": 5, "Date": "2025-03-01", "TransactionTypeEnum": "Charge", "TotalAmount": 1450.1,'
        ' "Journal": {"Memo": "Rent", "Lines": [{"GLAccount": {"Id": 4000}, "Amount": 1450.1,'
        ' "ReferenceNumber": "R-1"}]}, "CheckNumber": null}'
    )
    [charge] = map_transaction(raw, LEASE)
    assert isinstance(charge, r.ResidentChargeRecord)
    assert charge.amount_in_cents == 145010 and charge.amount_raw == "1450.1"
    assert charge.transaction_date == datetime(2025, 3, 1, tzinfo=UTC) and charge.post_month == "2025-03"
    assert charge.x_gl_account_id == "4000" and charge.reference_number == "R-1"
    assert charge.custom_data == {
        "Journal": raw["Journal"]
        | {"Lines": [{"GLAccount": {"Id": 4000}, "Amount": "1450.1", "ReferenceNumber": "R-1"}]},
        "CheckNumber": None,
    }
    assert dollars(145010) == 1450.1


def test_credits_are_negative_charges_and_payments_carry_allocations() -> None:
    credit = _decimal('{"Id": 6, "Date": "2025-03-02", "TransactionTypeEnum": "Credit", "TotalAmount": 25}')
    assert map_transaction(credit, LEASE)[0].amount_in_cents == -2500  # type: ignore[union-attr]
    payment = _decimal(
        '{"Id": 7, "Date": "2025-03-03", "TransactionTypeEnum": "Payment", "TotalAmount": 30.5,'
        ' "PaymentMethod": "MoneyOrder", "PayeeTenantId": 20001, "Journal": {"Lines": ['
        '{"GLAccount": {"Id": 4000}, "Amount": 20.25}, {"GLAccount": {"Id": 4100}, "Amount": 10.25}]}}'
    )
    records = map_transaction(payment, LEASE)
    assert isinstance(records[0], r.ResidentPaymentRecord)
    assert records[0].payment_method_normalized == "MONEY_ORDER" and records[0].x_resident_id == "20001"
    assert [a.amount_in_cents for a in records[1:]] == [2025, 1025]  # type: ignore[attr-defined]


def test_enums_fall_back_to_other() -> None:
    raw = {
        "Id": 1,
        "TransactionType": "Charge",
        "LeaseId": 30001,
        "Amount": 10,
        "Frequency": "Quarterly",
        "IsExpired": False,
        "Lines": [{"GLAccountId": 4000, "Amount": 10}],
    }
    [recurring] = map_recurring(raw, LEASE)
    assert recurring.frequency_normalized == "OTHER" and recurring.frequency_raw == "Quarterly"
    assert map_recurring({**raw, "TransactionType": "Credit"}, LEASE) == []
    lease = map_lease(
        {
            "Id": 3,
            "PropertyId": 1,
            "UnitId": 2,
            "LeaseStatus": "Weird",
            "Tenants": [
                {"Id": 9, "Status": "Current", "MoveInDate": "2024-01-01"},
                {"Id": 10, "Status": "Current"},
            ],
        }
    )
    assert lease[0].status_normalized == "OTHER"  # type: ignore[union-attr]
    assert [link.resident_type_normalized for link in lease[1:]] == ["PRIMARY", "OTHER"]  # type: ignore[union-attr]


def test_units_tenants_and_time_zones() -> None:
    unit = map_unit(
        {
            "Id": 2,
            "PropertyId": 1,
            "UnitBedrooms": "TwoBed",
            "UnitBathrooms": "OnePointFiveBath",
            "IsUnitOccupied": True,
            "MarketRent": Decimal("1200.55"),
            "Extra": 1,
        }
    )
    assert (unit.bedrooms, unit.bathrooms_full, unit.bathrooms_half) == ("2", 1.0, 1.0)
    assert unit.rent_amount_market_in_cents == 120055 and unit.is_vacant is False
    assert unit.custom_data == {"Extra": 1}
    tenant = map_tenant(
        {
            "Id": 4,
            "Leases": [{"Id": 3, "PropertyId": 1}],
            "DateOfBirth": "1990-05-06",
            "PhoneNumbers": [{"Number": "555", "Type": "Cell"}],
        }
    )
    assert tenant.x_property_id == "1" and tenant.date_of_birth == date(1990, 5, 6)
    assert tenant.phone_1_type == "MOBILE"
    assert utc("2025-03-01T09:15:00-06:00") == datetime(2025, 3, 1, 15, 15, tzinfo=UTC)
    assert utc("2025-03-01T09:15:00") == datetime(2025, 3, 1, 9, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    [
        {"Date": "2025-03-01", "TransactionTypeEnum": "Charge", "TotalAmount": 1},
        {"Id": 1, "Date": "2025-03-01", "TransactionTypeEnum": "Charge", "TotalAmount": "12,3x"},
        {"Id": 1, "Date": "03/01/2025", "TransactionTypeEnum": "Charge", "TotalAmount": 1},
        {"Id": 1, "Date": "2025-03-01", "TransactionTypeEnum": "Refund", "TotalAmount": 1},
    ],
)
def test_malformed_input_raises_mapping_error(raw: dict[str, object]) -> None:
    with pytest.raises(MappingError):
        map_transaction(raw, LEASE)
