"""Rentvine rows -> canonical records: money exactness, dates and times, enums, custom_data,
malformed input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

import pmsgate.connectors.rentvine  # noqa: F401  (registers the vendor)
from pmsgate.canonical import records as r
from pmsgate.canonical.records import NO_PROPERTY
from pmsgate.connectors.rentvine import mapping as m
from pmsgate.connectors.rentvine import mapping_ledger as ml
from pmsgate.connectors.rentvine.credentials import HOST, RentvineCredentials
from pmsgate.connectors.rentvine.fields import MappingError, local_stamp, timestamp

LEASE = {
    "lease": {
        "leaseID": 7001,
        "propertyID": 3,
        "unitID": 1004,
        "primaryLeaseStatusID": 2,
        "leaseStatusID": 2,
        "startDate": "2025-04-01",
        "endDate": "2026-03-31",
        "moveInDate": "2025-04-01",
        "moveOutDate": None,
        "rentAmount": "1250.10",
        "depositAmount": "1250.00",
        "closedDate": None,
        "dateTimeModified": "2025-07-17 11:20:00",
        "tenants": [
            {"contactID": 5001, "name": "Zoe Ito", "isPrimary": True, "isActive": True},
            {"contactID": 5002, "name": "Eli Ito", "isPrimary": False, "isActive": True},
        ],
    },
    "balances": {"unpaidTotalAmount": "0.07", "pastDueTotalAmount": "-12.30"},
    "unit": {"unitID": 1004, "name": "Unit B"},
}


def test_a_lease_maps_with_its_tenants_and_the_primary_flag() -> None:
    lease, primary, other = m.map_lease(LEASE)
    assert isinstance(lease, r.LeaseRecord)
    assert lease.status_normalized == "ACTIVE" and lease.x_resident_id == "5001"
    assert lease.rent_amount_in_cents == 125010 and lease.balance_amount_in_cents == 7
    assert lease.past_due_balance_in_cents == -1230 and lease.past_due_balance_raw == "-12.30"
    assert lease.realized_move_in_date == date(2025, 4, 1) and lease.unit_number == "Unit B"
    assert lease.custom_data is not None and lease.custom_data["closedDate"] is None
    assert isinstance(primary, r.ResidentLeaseRecord) and primary.resident_type_normalized == "PRIMARY"
    assert isinstance(other, r.ResidentLeaseRecord) and other.resident_type_normalized == "OTHER"
    assert other.x_id == "7001:5002"


def test_unknown_lease_status_is_other() -> None:
    row = {**LEASE, "lease": {**LEASE["lease"], "primaryLeaseStatusID": 9}}  # type: ignore[dict-item]
    assert m.map_lease(row)[0].status_normalized == "OTHER"  # type: ignore[union-attr]


def test_a_credit_reads_as_a_negative_charge_and_money_is_exact() -> None:
    base = {"transactionID": 1, "propertyID": 3, "leaseID": 7, "accountID": 5, "datePosted": "2025-12-01"}
    (credit,) = ml.map_charge({"transaction": {**base, "transactionTypeID": 3, "amount": "25.10"}})
    assert isinstance(credit, r.ResidentChargeRecord)
    assert credit.amount_in_cents == -2510 and credit.amount_raw == "-25.10"
    (charge,) = ml.map_charge(
        {"transaction": {**base, "transactionTypeID": 1, "amount": "1000.01", "amountPaid": "999.99"}}
    )
    assert isinstance(charge, r.ResidentChargeRecord)
    assert charge.amount_open_in_cents == 2 and charge.is_open is True
    assert charge.x_gl_account_id == "5" and charge.transaction_date == datetime(2025, 12, 1, tzinfo=UTC)


def test_a_payment_carries_its_allocations() -> None:
    row = {
        "transaction": {
            "transactionID": 9,
            "transactionTypeID": 2,
            "propertyID": 3,
            "leaseID": 7,
            "contactID": 5001,
            "accountID": 1,
            "amount": "30.00",
            "datePosted": "2025-12-03",
            "paymentType": "CASHIER_CHECK",
            "allocations": [
                {"chargeTransactionID": 4, "amount": "20.00"},
                {"chargeTransactionID": 5, "amount": "10.00"},
            ],
        }
    }
    payment, *allocations = ml.map_payment(row)
    assert isinstance(payment, r.ResidentPaymentRecord)
    assert payment.payment_method_normalized == "CASHIERS_CHECK" and payment.x_resident_id == "5001"
    assert [a.x_id for a in allocations] == ["9:4", "9:5"]
    assert sum(a.amount_in_cents or 0 for a in allocations if isinstance(a, r.AllocationRecord)) == 3000


def test_accounts_belong_to_a_property_and_say_whether_they_are_banks() -> None:
    row = {
        "account": {
            "accountID": 1,
            "number": "1000",
            "name": "Operating Bank",
            "accountCategoryID": 1,
            "isActive": True,
        }
    }
    account = ml.map_account(row)
    assert account.x_id == "1" and account.x_property_id == NO_PROPERTY == ""
    assert account.custom_data == {
        "accountCategoryID": 1,
        "is_bank_account": True,
        "account_category": "Bank",
    }
    assert ml.account_id_of(account.x_id) == "1" and ml.account_id_of("3:1") == "1"  # ids synced before


def test_recurring_frequency_and_history() -> None:
    row = {
        "recurringCharge": {
            "leaseRecurringChargeID": 3,
            "leaseID": 7,
            "accountID": 5,
            "amount": "1200",
            "dayDue": 1,
            "startDate": "2024-01-01",
            "endDate": "2024-12-31",
            "frequency": 3,
        }
    }
    record = ml.map_recurring(row, "2", date(2026, 1, 1))
    assert (
        record.is_active is False and record.frequency_normalized == "OTHER" and record.frequency_raw == "3"
    )
    assert record.amount_in_cents == 120000 and record.x_financial_account_id == "5"


def test_timestamps_without_offset_are_company_local_and_offsets_are_honoured() -> None:
    new_york, denver = ZoneInfo("America/New_York"), ZoneInfo("America/Denver")
    assert timestamp("2025-03-01 09:15:00", "t", new_york) == datetime(2025, 3, 1, 14, 15, tzinfo=UTC)
    assert timestamp("2025-07-01 09:15:00", "t", new_york) == datetime(2025, 7, 1, 13, 15, tzinfo=UTC)  # EDT
    assert timestamp("2025-03-01 09:15:00", "t", denver) == datetime(2025, 3, 1, 16, 15, tzinfo=UTC)
    assert timestamp("2025-03-01T09:15:00-06:00", "t", new_york) == datetime(2025, 3, 1, 15, 15, tzinfo=UTC)
    assert local_stamp(datetime(2025, 3, 1, 14, 15, tzinfo=UTC), new_york) == "2025-03-01 09:15:00"
    creds = {"apiKey": "k", "apiSecret": "s", "companyId": "acme"}
    assert RentvineCredentials.model_validate(creds).tz == new_york  # the default zone
    assert RentvineCredentials.model_validate({**creds, "timeZone": "America/Denver"}).tz == denver
    with pytest.raises(ValueError):
        RentvineCredentials.model_validate({**creds, "timeZone": "Mars/Olympus"})


@pytest.mark.parametrize(
    "row",
    [
        {
            "transaction": {
                "transactionID": 1,
                "transactionTypeID": 1,
                "propertyID": 3,
                "amount": "12,3x",
                "datePosted": "2025-01-01",
            }
        },
        {
            "transaction": {
                "transactionTypeID": 1,
                "propertyID": 3,
                "amount": "1.00",
                "datePosted": "2025-01-01",
            }
        },
        {
            "transaction": {
                "transactionID": 1,
                "transactionTypeID": 2,
                "propertyID": 3,
                "amount": "1.00",
                "datePosted": "2025-01-01",
            }
        },
        {"lease": "not an object"},
    ],
)
def test_malformed_rows_raise_mapping_errors(row: dict[str, object]) -> None:
    with pytest.raises(MappingError):
        ml.map_charge(row)


def test_credentials_fill_the_account_subdomain_and_keep_the_secret_secret() -> None:
    creds = RentvineCredentials.model_validate(
        {"apiKey": "k", "apiSecret": "s3cret-value", "companyId": "acme"}
    )
    assert HOST.url({"companyId": creds.company_id}) == "https://acme.rentvine.com/api/manager"
    assert "s3cret" not in repr(creds) and creds.secrets() == ["s3cret-value"]
    with pytest.raises(ValueError):
        RentvineCredentials.model_validate({"apiKey": "k", "apiSecret": "s", "companyId": "acme.evil.com/"})
    with pytest.raises(ValueError):
        RentvineCredentials.model_validate({"apiKey": "k", "apiSecret": "s", "companyId": "a", "extra": 1})
