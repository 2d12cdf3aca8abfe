"""Read endpoints of the `billing-and-payments` tag. Writes live in `pmsgate.writes`."""

from __future__ import annotations

from pmsgate.canonical.registry import Model
from pmsgate.records import expand
from pmsgate.records.filters import (
    INTEGRATION,
    LEASE,
    LOCATION,
    PROPERTY,
    RESIDENT,
    UNIT,
    DateTimeRange,
    Equals,
    VendorIs,
)
from pmsgate.records.routes import RecordResource, record_router

_TRANSACTION_DATES = DateTimeRange(
    "transaction_date_start",
    "transaction_date_end",
    "transaction_date",
    start_description="The start of the transaction date range to search. Inclusive.",
    end_description="The end of the transaction date range to search. Inclusive.",
)
_LEDGER_FILTERS = (PROPERTY, INTEGRATION, VendorIs(), RESIDENT, LEASE, _TRANSACTION_DATES)
_NO_LOCATION = frozenset({"location_id"})

CHARGE_CODES = RecordResource(
    Model.CHARGE_CODES,
    "charge code",
    filters=(PROPERTY, INTEGRATION, VendorIs()),
    hidden=_NO_LOCATION,
)

FINANCIAL_ACCOUNTS = RecordResource(
    Model.FINANCIAL_ACCOUNTS,
    "financial account",
    filters=(
        PROPERTY,
        INTEGRATION,
        VendorIs(),
        Equals("account_number", "The account number associated with the financial account"),
    ),
    hidden=_NO_LOCATION,
)


def _ledger(model: Model, noun: str, allocation_key: str) -> RecordResource:
    """A resident ledger's entries (charges or payments), each with the allocations that name
    it by `allocation_key`."""
    return RecordResource(
        model,
        noun,
        filters=_LEDGER_FILTERS,
        hidden=_NO_LOCATION,
        trailing={"allocations": (list[expand.Allocation], ...)},
        expand=expand.allocations_by(allocation_key),
    )


RESIDENT_CHARGES = _ledger(Model.RESIDENT_CHARGES, "resident charge", "resident_charge_id")
RESIDENT_PAYMENTS = _ledger(Model.RESIDENT_PAYMENTS, "resident payment", "resident_payment_id")

RECURRING_RESIDENT_CHARGES = RecordResource(
    Model.RECURRING_RESIDENT_CHARGES,
    "recurring resident charge",
    filters=(
        LOCATION,
        PROPERTY,
        LEASE,
        INTEGRATION,
        VendorIs(),
    ),
    hidden=_NO_LOCATION,
)

FEES = RecordResource(
    Model.FEES,
    "fee",
    filters=(
        Equals("floor_plan_id", "The Propexo unique identifier for the floor plan"),
        UNIT,
        Equals("charge_code_id", "The Propexo unique identifier for the charge code"),
    ),
    hidden=_NO_LOCATION,
)

router = record_router(
    (
        "billing-and-payments",
        (
            CHARGE_CODES,
            FINANCIAL_ACCOUNTS,
            RESIDENT_CHARGES,
            RESIDENT_PAYMENTS,
            RECURRING_RESIDENT_CHARGES,
            FEES,
        ),
    )
)
