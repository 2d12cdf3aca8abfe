"""SamplePMS native dicts -> canonical records, on hand-written natives (no emulator)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from pmsgate.canonical import records as r
from pmsgate.connectors.sample import mapping as m


def _site(**changes: Any) -> dict[str, Any]:
    site = {
        "siteId": 7,
        "siteName": "Maple Court",
        "siteCode": "MC01",
        "addr": {
            "line1": "12 Oak Ave",
            "line2": "Leasing Office",
            "city": "Chicago",
            "region": "IL",
            "postal": "60601",
            "country": "US",
        },
        "active": True,
        "unitCount": 110,
        "builtYear": 1997,
        "manager": {"name": "Ann Lee", "email": "ann@example.com", "phone": "(312) 555-0100"},
        "createdOn": "2019-05-09T23:22:00-05:00",
        "changedOn": "2025-03-01T09:15:00-06:00",
    }
    return {**site, **changes}


def _charge(**changes: Any) -> dict[str, Any]:
    charge = {
        "chargeId": 60000001,
        "siteId": 7,
        "tenancyId": 30000001,
        "tenantId": 20000001,
        "spaceId": 10000001,
        "codeId": 40000001,
        "accountId": 50000002,
        "amount": "1250.10",
        "open": "250.05",
        "postedOn": "03/01/2025",
        "dueOn": "03/05/2025",
        "period": "2025-03",
        "memo": "Rent Mar 2025",
        "ref": "INV-1",
        "source": "recurring",
        "changedOn": "2025-03-01T09:15:00-06:00",
    }
    return {**charge, **changes}


def _tenancy(**changes: Any) -> dict[str, Any]:
    tenancy = {
        "tenancyId": 30000001,
        "siteId": 7,
        "spaceId": 10000001,
        "state": "current",
        "from": "02/17/2025",
        "to": "02/16/2026",
        "moveIn": "02/17/2025",
        "moveOut": None,
        "rent": "1450.00",
        "deposit": "500.00",
        "dueDay": 1,
        "balance": "-25.00",
        "signedOn": "02/10/2025",
        "occupants": [
            {"tenantId": 20000002, "role": "co", "moveIn": "02/17/2025", "moveOut": None, "noticeOn": None},
            {"tenantId": 20000001, "role": "head", "moveIn": "02/17/2025", "moveOut": None, "noticeOn": None},
        ],
        "changedOn": "2025-07-01T09:15:00-05:00",
    }
    return {**tenancy, **changes}


def _receipt(**changes: Any) -> dict[str, Any]:
    receipt = {
        "receiptId": 70000001,
        "siteId": 7,
        "tenancyId": 30000001,
        "tenantId": 20000001,
        "spaceId": 10000001,
        "accountId": 50000001,
        "amount": "1500.00",
        "method": "money_order",
        "postedOn": "03/03/2025",
        "period": "2025-03",
        "memo": None,
        "ref": "CHK00001",
        "appliedTo": [
            {"allocationId": 130000001, "chargeId": 60000001, "amount": "1250.10"},
            {"allocationId": 130000002, "chargeId": 60000002, "amount": "200.00"},
        ],
        "changedOn": "2025-03-03T10:00:00-06:00",
    }
    return {**receipt, **changes}


def test_site() -> None:
    site = m.map_site(_site())
    assert (site.x_id, site.name, site.code) == ("7", "Maple Court", "MC01")
    assert (site.street_address_1, site.address_1, site.street_address_2) == ("12 Oak Ave",) * 2 + (
        "Leasing Office",
    )
    assert (site.city, site.state, site.zip, site.country) == ("Chicago", "IL", "60601", "US")
    assert (site.manager_name, site.manager_email, site.manager_phone_1) == (
        "Ann Lee",
        "ann@example.com",
        "(312) 555-0100",
    )
    assert site.manager_phone_1_type == "WORK"
    assert (site.is_active, site.number_of_units, site.year_built) == (True, 110, 1997)
    assert site.x_created_at == datetime(2019, 5, 10, 4, 22, tzinfo=UTC)  # -05:00 (CDT) to UTC
    assert site.custom_data == {"changedOn": "2025-03-01T09:15:00-06:00"}


def test_unknown_native_fields_are_kept_in_custom_data() -> None:
    site = m.map_site(_site(timezone="America/Chicago"))
    assert site.custom_data == {"changedOn": "2025-03-01T09:15:00-06:00", "timezone": "America/Chicago"}


def test_space() -> None:
    unit = m.map_space(
        {
            "spaceId": 10000001,
            "siteId": 7,
            "label": "101",
            "beds": 2,
            "baths": "1.5",
            "sqft": 950,
            "marketRent": "1450.00",
            "vacant": False,
            "changedOn": "2025-03-01T09:15:00-06:00",
        }
    )
    assert (unit.x_id, unit.x_property_id, unit.number) == ("10000001", "7", "101")
    assert (unit.bedrooms, unit.bathrooms, unit.bathrooms_full, unit.bathrooms_half) == ("2", "1.5", 1.0, 1.0)
    assert (unit.square_feet, unit.rent_amount_market_in_cents, unit.is_vacant) == (950, 145000, False)


def test_tenant() -> None:
    resident = m.map_tenant(
        {
            "tenantId": 20000001,
            "siteId": 7,
            "given": "Mary",
            "family": "O'Brien",
            "middle": "J",
            "email": "mary@example.com",
            "altEmail": None,
            "mobile": "(312) 555-0101",
            "homePhone": None,
            "birthDate": "07/04/1980",
            "balance": "-25.00",
            "employee": False,
            "pets": [{"petId": 110000001, "name": "Max", "kind": "dog", "breed": "Beagle", "weightLbs": 22}],
            "vehicles": [
                {
                    "vehicleId": 120000001,
                    "make": "Honda",
                    "model": "Civic",
                    "color": "Blue",
                    "year": 2019,
                    "plate": "A12345",
                    "plateState": "IL",
                }
            ],
            "changedOn": "2025-03-01T09:15:00-06:00",
        }
    )
    assert (resident.first_name, resident.middle_name, resident.last_name) == ("Mary", "J", "O'Brien")
    assert (resident.phone_1, resident.phone_1_type, resident.phone_2, resident.phone_2_type) == (
        "(312) 555-0101",
        "MOBILE",
        None,
        None,
    )
    assert resident.date_of_birth == date(1980, 7, 4)
    assert resident.balance_in_cents == -2500
    assert resident.pets == [
        {
            "x_id": "110000001",
            "name": "Max",
            "type": "dog",
            "breed": "Beagle",
            "gender_raw": None,
            "age_in_years": None,
            "weight_in_pounds": 22,
            "is_fixed": None,
            "is_service_animal": None,
            "notes": None,
            "custom_data": None,
        }
    ]
    assert resident.vehicles[0]["license_plate_number"] == "A12345"
    assert resident.vehicles[0]["year"] == "2019"
    assert resident.vehicles[0]["license_plate_state"] == "IL"


def test_tenancy_yields_the_lease_and_one_link_per_occupant() -> None:
    lease, *links = m.map_tenancy(_tenancy())
    assert isinstance(lease, r.LeaseRecord)
    assert (lease.x_id, lease.x_property_id, lease.x_unit_id, lease.x_resident_id) == (
        "30000001",
        "7",
        "10000001",
        "20000001",  # the head, though listed second
    )
    assert (lease.status, lease.status_raw, lease.status_normalized) == ("current", "current", "ACTIVE")
    assert (lease.start_date, lease.end_date) == (date(2025, 2, 17), date(2026, 2, 16))
    assert (lease.realized_move_in_date, lease.scheduled_move_in_date) == (date(2025, 2, 17), None)
    assert (lease.rent_amount_in_cents, lease.deposit_amount, lease.deposit_amount_in_cents) == (
        145000,
        "500.00",
        50000,
    )
    assert (lease.balance_amount_in_cents, lease.balance_amount_raw) == (-2500, "-25.00")
    assert (lease.rent_due_day, lease.signature_date) == (1, date(2025, 2, 10))
    assert all(isinstance(x, r.ResidentLeaseRecord) for x in links)
    assert [
        (x.x_id, x.x_resident_type, x.resident_type_normalized)
        for x in links
        if isinstance(x, r.ResidentLeaseRecord)
    ] == [
        ("30000001:20000002", "co", "OTHER"),
        ("30000001:20000001", "head", "PRIMARY"),
    ]
    assert all(isinstance(x, r.ResidentLeaseRecord) and x.x_lease_id == "30000001" for x in links)


@pytest.mark.parametrize(
    ("state", "normalized"),
    [
        ("current", "ACTIVE"),
        ("notice", "ACTIVE"),
        ("future", "PENDING"),
        ("past", "INACTIVE"),
        ("evicted", "EVICTED"),
        ("holdover", "OTHER"),
    ],
)
def test_lease_status(state: str, normalized: str) -> None:
    lease = m.map_tenancy(_tenancy(state=state))[0]
    assert isinstance(lease, r.LeaseRecord)
    assert (lease.status_raw, lease.status_normalized) == (state, normalized)


def test_move_dates_are_plans_before_they_happen() -> None:
    future = m.map_tenancy(_tenancy(state="future"))[0]
    assert isinstance(future, r.LeaseRecord)
    assert (future.scheduled_move_in_date, future.realized_move_in_date) == (date(2025, 2, 17), None)
    notice = m.map_tenancy(_tenancy(state="notice", moveOut="02/16/2026"))[0]
    assert isinstance(notice, r.LeaseRecord)
    assert (notice.scheduled_move_out_date, notice.realized_move_out_date) == (date(2026, 2, 16), None)
    past = m.map_tenancy(_tenancy(state="past", moveOut="02/16/2026"))[0]
    assert isinstance(past, r.LeaseRecord)
    assert (past.scheduled_move_out_date, past.realized_move_out_date) == (None, date(2026, 2, 16))


def test_charge_money_is_exact() -> None:
    charge = m.map_charge(_charge())
    assert (charge.amount_in_cents, charge.amount_raw) == (125010, "1250.10")
    assert (charge.amount_open_in_cents, charge.amount_open_raw) == (25005, "250.05")
    assert (charge.amount_paid_in_cents, charge.amount_paid_raw) == (100005, "1000.05")
    assert charge.is_open is True
    assert charge.transaction_date == datetime(2025, 3, 1, tzinfo=UTC)
    assert (charge.due_date, charge.post_month) == (date(2025, 3, 5), "2025-03")
    assert (charge.description, charge.reference_number, charge.transaction_source) == (
        "Rent Mar 2025",
        "INV-1",
        "recurring",
    )
    refs = (
        charge.x_lease_id,
        charge.x_resident_id,
        charge.x_unit_id,
        charge.x_charge_code_id,
        charge.x_gl_account_id,
    )
    assert refs == ("30000001", "20000001", "10000001", "40000001", "50000002")


def test_credits_are_negative_charges() -> None:
    credit = m.map_charge(_charge(amount="-25.00", open="-25.00"))
    assert (credit.amount_in_cents, credit.amount_raw, credit.amount_paid_in_cents) == (-2500, "-25.00", 0)
    assert m.map_charge(_charge(open="0.00")).is_open is False


def test_receipt_yields_the_payment_and_its_allocations() -> None:
    payment, *allocations = m.map_receipt(_receipt())
    assert isinstance(payment, r.ResidentPaymentRecord)
    assert (payment.amount_in_cents, payment.payment_method_raw, payment.payment_method_normalized) == (
        150000,
        "money_order",
        "MONEY_ORDER",
    )
    assert payment.transaction_date == datetime(2025, 3, 3, tzinfo=UTC)
    assert payment.x_gl_account_id == "50000001"
    assert all(isinstance(a, r.AllocationRecord) for a in allocations)
    links = [
        (a.x_id, a.x_source_id, a.x_destination_id, a.amount_in_cents)
        for a in allocations
        if isinstance(a, r.AllocationRecord)
    ]
    assert links == [
        ("130000001", "70000001", "60000001", 125010),
        ("130000002", "70000001", "60000002", 20000),
    ]
    assert all(
        isinstance(a, r.AllocationRecord) and a.x_financial_account_id == "50000001" for a in allocations
    )


@pytest.mark.parametrize(
    ("method", "normalized"), [("ach", "ACH"), ("card", "CREDIT_CARD"), ("barter", "OTHER")]
)
def test_payment_methods(method: str, normalized: str) -> None:
    payment = m.map_receipt(_receipt(method=method))[0]
    assert isinstance(payment, r.ResidentPaymentRecord)
    assert payment.payment_method_normalized == normalized


@pytest.mark.parametrize(
    ("every", "normalized"), [("day", "DAILY"), ("week", "WEEKLY"), ("month", "MONTHLY"), ("year", "OTHER")]
)
def test_recurring(every: str, normalized: str) -> None:
    recurring = m.map_recurring(
        {
            "recurringId": 80000001,
            "siteId": 7,
            "tenancyId": 30000001,
            "tenantId": 20000001,
            "codeId": 40000001,
            "accountId": None,
            "amount": "45.50",
            "every": every,
            "dueDay": 1,
            "startsOn": "03/01/2025",
            "endsOn": None,
            "active": True,
            "memo": "Parking",
            "ref": None,
            "changedOn": "2025-03-01T09:15:00-06:00",
        }
    )
    assert (recurring.frequency_raw, recurring.frequency_normalized) == (every, normalized)
    assert (recurring.amount_in_cents, recurring.charge_due_day, recurring.is_active) == (4550, 1, True)
    assert (recurring.start_date, recurring.end_date, recurring.x_financial_account_id) == (
        date(2025, 3, 1),
        None,
        None,
    )
    assert recurring.custom_data == {"tenantId": 20000001, "changedOn": "2025-03-01T09:15:00-06:00"}


def test_books_and_fees() -> None:
    code = m.map_ledger_code(
        {
            "codeId": 1,
            "siteId": 7,
            "code": "RENT",
            "label": "Rent",
            "debitAccount": "1200",
            "creditAccount": "4000",
            "changedOn": "2025-03-01T09:15:00-06:00",
        }
    )
    assert (code.name, code.description, code.debit_gl_account, code.credit_gl_account) == (
        "RENT",
        "Rent",
        "1200",
        "4000",
    )
    account = m.map_gl_account(
        {
            "accountId": 2,
            "siteId": 7,
            "number": "1010",
            "title": "Operating Cash",
            "kind": "bank",
            "status": "active",
            "changedOn": "2025-03-01T09:15:00-06:00",
        }
    )
    assert (account.name, account.account_number, account.status_raw) == ("Operating Cash", "1010", "active")
    assert account.custom_data is not None
    assert account.custom_data["kind"] == "bank"
    fee = m.map_fee(
        {
            "feeId": 3,
            "siteId": 7,
            "spaceId": None,
            "codeId": 1,
            "label": "Application Fee",
            "amount": "50.00",
            "changedOn": "x",
        }
    )
    assert (fee.name, fee.amount_in_cents, fee.x_unit_id, fee.x_charge_code_id) == (
        "Application Fee",
        5000,
        None,
        "1",
    )


@pytest.mark.parametrize(
    ("mapper", "native", "message"),
    [
        (m.map_charge, _charge(amount="12,3x"), "amount"),
        (m.map_charge, {k: v for k, v in _charge().items() if k != "chargeId"}, "chargeId"),
        (m.map_charge, _charge(amount=None), "amount"),
        (m.map_charge, _charge(postedOn="2025-03-01"), "postedOn"),
        (m.map_charge, _charge(postedOn="02/30/2025"), "postedOn"),
        (m.map_site, _site(createdOn="2025-03-01T09:15:00"), "offset"),
        (m.map_tenancy, _tenancy(rent="lots"), "rent"),
        (m.map_receipt, _receipt(appliedTo=[{"chargeId": 1, "amount": "5.00"}]), "allocationId"),
    ],
)
def test_malformed_natives_raise(mapper: Any, native: dict[str, Any], message: str) -> None:
    with pytest.raises(m.MappingError, match=message):
        mapper(native)


def test_a_bad_post_month_fails_canonical_validation() -> None:
    with pytest.raises(ValidationError):
        m.map_charge(_charge(period="March"))
