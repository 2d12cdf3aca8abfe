"""Generic write bodies (the contract's), strict: an unknown key is a 400 naming it."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from pmsgate.connectors.writes import WriteOperation
from pmsgate.kit.inputs import Cents, Flag, Int, PositiveCents, StrictBody
from pmsgate.kit.timeutil import iso, parse_datetime


def _date_or_datetime(value: str) -> str:
    try:
        parsed = parse_datetime(value)
    except ValueError:
        raise ValueError("must be an ISO-8601 date-time or a date (YYYY-MM-DD)") from None
    return iso(parsed.astimezone(UTC)) or value


DateTimeString = Annotated[
    str,
    Field(max_length=40, description="ISO-8601 date-time or YYYY-MM-DD"),
    AfterValidator(_date_or_datetime),
]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Text = Annotated[str, Field(max_length=2000)]


class PaymentType(StrEnum):
    ACH = "ACH"
    CASH = "Cash"
    CASHIERS_CHECK = "Cashiers Check"
    CHECK = "Check"
    CREDIT_CARD = "Credit Card"
    DEBIT_CARD = "Debit Card"
    ECHECK = "eCheck"
    MONEY_ORDER = "Money Order"


class Frequency(StrEnum):
    DAILY = "DAILY"
    MONTHLY = "MONTHLY"
    WEEKLY = "WEEKLY"


class ResidentChargeCreate(StrictBody):
    integration_id: Id
    lease_id: Id | None = None
    financial_account_id: Id | None = None
    amount_in_cents: Cents | None = None
    transaction_date: DateTimeString | None = None
    description: Text | None = None
    reference_number: Text | None = None
    charge_code_id: Id | None = None
    post_month: DateTimeString | None = None
    third_party_charge_id: Text | None = None
    is_approval_required: Flag | None = None
    property_id: Id | None = None
    resident_id: Id | None = None
    transaction_batch_id: Text | None = None
    notes: Text | None = None
    batch_id: Text | None = None
    unit_id: Id | None = None


class ResidentCreditCreate(StrictBody):
    integration_id: Id
    lease_id: Id | None = None
    amount_in_cents: PositiveCents | None = None
    transaction_date: DateTimeString | None = None
    description: Text | None = None
    reference_number: Text | None = None
    resident_id: Id | None = None
    charge_code_id: Id | None = None
    notes: Text | None = None
    financial_account_id: Id | None = None


class ResidentPaymentCreate(StrictBody):
    integration_id: Id
    lease_id: Id | None = None
    financial_account_id: Id | None = None
    resident_id: Id | None = None
    transaction_date: DateTimeString | None = None
    amount_in_cents: Cents | None = None
    payment_type: PaymentType | None = None
    send_email_receipt: Flag | None = None
    description: Text | None = None
    reference_number: Text | None = None
    charge_code_id: Id | None = None
    notes: Text | None = None
    allocate_prepays: Flag | None = None
    batch_id: Text | None = None
    property_id: Id | None = None
    unit_id: Id | None = None


class RecurringChargeCreate(StrictBody):
    integration_id: Id
    lease_id: Id | None = None
    resident_id: Id | None = None
    charge_code_id: Id | None = None
    amount_in_cents: PositiveCents | None = None
    start_date: DateTimeString | None = None
    description: Text | None = None
    end_date: DateTimeString | None = None
    month_to_month_amount_in_cents: PositiveCents | None = None
    month_to_month_fee_in_cents: PositiveCents | None = None
    last_posted_date: DateTimeString | None = None
    charge_timing_id: Id | None = None
    charge_code_type_id: Id | None = None
    financial_account_id: Id | None = None
    is_active: Flag | None = None
    charge_due_day: Int | None = Field(default=None, ge=1, le=31)
    frequency_normalized: Frequency | None = None
    reference_number: Text | None = None
    day_due: Int | None = Field(default=None, ge=1, le=31)
    frequency_raw: Int | None = Field(default=None, ge=1, le=24)


class RecurringChargeUpdate(StrictBody):
    financial_account_id: Id | None = None
    is_active: Flag | None = None
    amount_in_cents: PositiveCents | None = None
    description: Text | None = None
    charge_due_day: Int | None = Field(default=None, ge=1, le=31)
    start_date: DateTimeString | None = None
    frequency_normalized: Frequency | None = None
    end_date: DateTimeString | None = None
    reference_number: Text | None = None
    charge_code_id: Id | None = None


# The generic body of each operation (a batch is a list of charges, each one this body).
BODIES: dict[WriteOperation, type[BaseModel]] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: ResidentChargeCreate,
    WriteOperation.CREATE_RESIDENT_CREDIT: ResidentCreditCreate,
    WriteOperation.CREATE_RESIDENT_PAYMENT: ResidentPaymentCreate,
    WriteOperation.CREATE_RECURRING_CHARGE: RecurringChargeCreate,
    WriteOperation.UPDATE_RECURRING_CHARGE: RecurringChargeUpdate,
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: ResidentChargeCreate,
}


class WriteAccepted(BaseModel):
    job_id: str
    data: dict[str, Any]


class WriteStatus(BaseModel):
    write_status: str = Field(
        json_schema_extra={"enum": ["SUCCESS", "PARTIAL_SUCCESS", "FAILURE", "PENDING"]}
    )
    errors: list[str]
    created_record_id: str | None


class RetryAccepted(BaseModel):
    success: bool
    job_id: str


def echo(body: BaseModel, *, stripped: set[str]) -> dict[str, Any]:
    """The request as it will be written: every field of the schema, null where not given."""
    values = body.model_dump(mode="json")
    return {key: (None if key in stripped else value) for key, value in values.items()}


def now_iso() -> str:
    return iso(datetime.now(UTC)) or ""
