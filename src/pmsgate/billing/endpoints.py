"""Read endpoints of the `billing-and-payments` tag. Writes live in `pmsgate.writes`."""

from __future__ import annotations

from fastapi import APIRouter

from pmsgate.canonical.registry import Model
from pmsgate.records import expand
from pmsgate.records.filters import DateTimeRange, Equals, VendorIs
from pmsgate.records.routes import RecordResource, add_record_routes

_PROPERTY = Equals("property_id", "The Propexo unique identifier for the property")
_INTEGRATION = Equals("integration_id", "The Propexo unique identifier for the integration")
_RESIDENT = Equals("resident_id", "The Propexo unique identifier for the resident")
_LEASE = Equals("lease_id", "The Propexo unique identifier for the lease")
_TRANSACTION_DATES = DateTimeRange(
    "transaction_date_start",
    "transaction_date_end",
    "transaction_date",
    start_description="The start of the transaction date range to search. Inclusive.",
    end_description="The end of the transaction date range to search. Inclusive.",
)
_LEDGER_FILTERS = (_PROPERTY, _INTEGRATION, VendorIs(), _RESIDENT, _LEASE, _TRANSACTION_DATES)
_NO_LOCATION = frozenset({"location_id"})

CHARGE_CODES = RecordResource(
    path="/v1/charge-codes/",
    model=Model.CHARGE_CODES,
    id_param="charge_code_id",
    name="ChargeCode",
    noun="charge code",
    filters=(_PROPERTY, _INTEGRATION, VendorIs()),
    hidden=_NO_LOCATION,
)

FINANCIAL_ACCOUNTS = RecordResource(
    path="/v1/financial-accounts/",
    model=Model.FINANCIAL_ACCOUNTS,
    id_param="financial_account_id",
    name="FinancialAccount",
    noun="financial account",
    filters=(
        _PROPERTY,
        _INTEGRATION,
        VendorIs(),
        Equals("account_number", "The account number associated with the financial account"),
    ),
    hidden=_NO_LOCATION,
)

RESIDENT_CHARGES = RecordResource(
    path="/v1/resident-charges/",
    model=Model.RESIDENT_CHARGES,
    id_param="resident_charge_id",
    name="ResidentCharge",
    noun="resident charge",
    filters=_LEDGER_FILTERS,
    hidden=_NO_LOCATION,
    trailing={"allocations": (list[expand.Allocation], ...)},
    expand=expand.allocations_by("resident_charge_id"),
)

RESIDENT_PAYMENTS = RecordResource(
    path="/v1/resident-payments/",
    model=Model.RESIDENT_PAYMENTS,
    id_param="resident_payment_id",
    name="ResidentPayment",
    noun="resident payment",
    filters=_LEDGER_FILTERS,
    hidden=_NO_LOCATION,
    trailing={"allocations": (list[expand.Allocation], ...)},
    expand=expand.allocations_by("resident_payment_id"),
)

RECURRING_RESIDENT_CHARGES = RecordResource(
    path="/v1/recurring-resident-charges/",
    model=Model.RECURRING_RESIDENT_CHARGES,
    id_param="recurring_resident_charge_id",
    name="RecurringResidentCharge",
    noun="recurring resident charge",
    filters=(
        Equals(
            "location_id",
            "The Propexo unique identifier for the location associated with the property "
            "(exclusive to Rent Manager)",
        ),
        _PROPERTY,
        _LEASE,
        _INTEGRATION,
        VendorIs(),
    ),
    hidden=_NO_LOCATION,
)

FEES = RecordResource(
    path="/v1/fees/",
    model=Model.FEES,
    id_param="fee_id",
    name="Fee",
    noun="fee",
    filters=(
        Equals("floor_plan_id", "The Propexo unique identifier for the floor plan"),
        Equals("unit_id", "The Propexo unique identifier for the unit"),
        Equals("charge_code_id", "The Propexo unique identifier for the charge code"),
    ),
    hidden=_NO_LOCATION,
)

router = APIRouter(tags=["billing-and-payments"])
for _resource in (
    CHARGE_CODES,
    FINANCIAL_ACCOUNTS,
    RESIDENT_CHARGES,
    RESIDENT_PAYMENTS,
    RECURRING_RESIDENT_CHARGES,
    FEES,
):
    add_record_routes(router, _resource)
