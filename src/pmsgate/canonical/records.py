"""Canonical records: the vendor-facing half of each common model.

Connectors map native records to these classes. Field names are the API's; the system fields
(`id`, `created_at`, `updated_at`, `last_seen`, `integration_id`, `integration_vendor`) and the
pmsgate reference ids (`property_id`, `lease_id`, …) are added by the store, the latter derived
from the `x_*` keys (see `pmsgate.canonical.registry`). Money is integer cents plus `*_raw`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

# The x_property_id of a record that belongs to no property: a PMS's company-wide chart of
# accounts or charge codes, emitted once per company. The contract (propexo-openapi.yml) makes
# x_property_id (and property_id) a required, non-null string on every record, so it is the empty
# string: never None, never one copy per property (see docs/concepts.md).
NO_PROPERTY: Final = ""


class CanonicalRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    x_id: str = Field(min_length=1)
    custom_data: dict[str, Any] | None = None


class _PropertyScoped(CanonicalRecord):
    """A record of one property, maybe of one of its locations (Yardi/Entrata sub-properties)."""

    x_property_id: str
    x_location_id: str | None = None


class PropertyRecord(CanonicalRecord):
    x_created_at: datetime | None = None
    x_building_id: str | None = None
    x_location_id: str | None = None
    building_number: str | None = None
    city: str | None = None
    code: str | None = None
    country: str | None = None
    county: str | None = None
    is_active: bool | None = None
    manager_email: str | None = None
    manager_name: str | None = None
    manager_phone_1: str | None = None
    manager_phone_1_type: str | None = None
    manager_phone_2: str | None = None
    manager_phone_2_type: str | None = None
    name: str | None = None
    notes: str | None = None
    number_of_units: int | None = None
    square_footage: int | None = None
    square_feet: int | None = None
    state: str | None = None
    street_address_1: str | None = None
    street_address_2: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    type: str | None = None
    type_raw: str | None = None
    type_normalized: str | None = None
    website: str | None = None
    year_built: int | None = None
    zip: str | None = None
    long_description: str | None = None
    short_description: str | None = None
    office_hours: list[dict[str, Any]] = Field(default_factory=list)
    pet_types: list[dict[str, Any]] = Field(default_factory=list)
    associated_owner_ids: list[str] = Field(default_factory=list)


class UnitRecord(_PropertyScoped):
    x_floor_plan_id: str | None = None
    x_unit_type_id: str | None = None
    bathrooms: str | None = None
    bathrooms_full: float | None = None
    bathrooms_half: float | None = None
    bedrooms: str | None = None
    building_name: str | None = None
    building_number: str | None = None
    city: str | None = None
    country: str | None = None
    floor_plan_code: str | None = None
    floor_plan_name: str | None = None
    floor: str | None = None
    is_available: bool | None = None
    is_furnished: bool | None = None
    is_listed: bool | None = None
    is_vacant: bool | None = None
    number: str | None = None
    rent_amount_market_in_cents: int | None = None
    rent_amount_max_in_cents: int | None = None
    rent_amount_min_in_cents: int | None = None
    square_feet: int | None = None
    state: str | None = None
    street_address_1: str | None = None
    street_address_2: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    zip: str | None = None
    pets_allowed: bool | None = None
    dogs_allowed: bool | None = None
    cats_allowed: bool | None = None
    pet_policy: str | None = None


class ResidentRecord(_PropertyScoped):
    x_lease_id: str | None = None
    address_1_alternate: str | None = None
    address_1: str | None = None
    address_2_alternate: str | None = None
    address_2: str | None = None
    balance_in_cents: int | None = None
    city_alternate: str | None = None
    city: str | None = None
    country_alternate: str | None = None
    country: str | None = None
    date_of_birth: date | None = None
    email_1: str | None = None
    email_2: str | None = None
    first_name: str | None = None
    is_employee: bool | None = None
    last_name: str | None = None
    late_balance_in_cents: int | None = None
    middle_name: str | None = None
    notes: str | None = None
    phone_1_type: str | None = None
    phone_1: str | None = None
    phone_2_type: str | None = None
    phone_2: str | None = None
    state_alternate: str | None = None
    state: str | None = None
    zip_alternate: str | None = None
    zip: str | None = None
    pets: list[dict[str, Any]] = Field(default_factory=list)
    vehicles: list[dict[str, Any]] = Field(default_factory=list)


class LeaseRecord(_PropertyScoped):
    x_resident_id: str | None = None
    x_unit_id: str | None = None
    application_date: date | None = None
    deposit_amount: str | None = None
    deposit_amount_in_cents: int | None = None
    deposit_date: date | None = None
    end_date: date | None = None
    realized_move_in_date: date | None = None
    realized_move_out_date: date | None = None
    rent_amount_in_cents: int | None = None
    rent_amount_market_in_cents: int | None = None
    rent_due_day: int | None = None
    rent_due_date: date | None = None
    scheduled_move_in_date: date | None = None
    scheduled_move_out_date: date | None = None
    signature_date: date | None = None
    start_date: date | None = None
    status: str | None = None
    status_normalized: str | None = None
    status_raw: str | None = None
    term: str | None = None
    type: str | None = None
    unit_number: str | None = None
    write_off_amount_in_cents: int | None = None
    write_off_amount_raw: str | None = None
    balance_amount_in_cents: int | None = None
    balance_amount_raw: str | None = None
    past_due_balance_in_cents: int | None = None
    past_due_balance_raw: str | None = None
    services: list[dict[str, Any]] = Field(default_factory=list)


class ResidentLeaseRecord(CanonicalRecord):
    """One resident on one lease (Propexo's residents_to_leases); x_id = 'lease:resident'."""

    x_property_id: str
    x_lease_id: str
    x_resident_id: str
    x_resident_type: str | None = None
    resident_type_normalized: str | None = None
    move_in_date: date | None = None
    move_out_date: date | None = None
    notice_date: date | None = None


class ChargeCodeRecord(_PropertyScoped):
    debit_gl_account: str | None = None
    credit_gl_account: str | None = None
    name: str | None = None
    description: str | None = None


class FinancialAccountRecord(_PropertyScoped):
    name: str | None = None
    status_raw: str | None = None
    account_number: str | None = None


class _LedgerRecord(CanonicalRecord):
    x_property_id: str
    x_gl_account_id: str | None = None
    x_location_id: str | None = None
    x_lease_id: str | None = None
    x_resident_id: str | None = None
    x_unit_id: str | None = None
    x_charge_code_id: str | None = None
    amount_in_cents: int | None = None
    amount_raw: str | None = None
    name: str | None = None
    description: str | None = None
    reference_number: str | None = None
    transaction_date: datetime | None = None
    is_open: bool | None = None
    post_month: str | None = Field(default=None, pattern=r"^\d{4}-(?:0[1-9]|1[0-2])$")


class ResidentChargeRecord(_LedgerRecord):
    amount_open_in_cents: int | None = None
    amount_open_raw: str | None = None
    amount_paid_in_cents: int | None = None
    amount_paid_raw: str | None = None
    due_date: date | None = None
    transaction_source: str | None = None


class ResidentPaymentRecord(_LedgerRecord):
    payment_method_normalized: str | None = None
    payment_method_raw: str | None = None


class AllocationRecord(CanonicalRecord):
    """Part of a payment applied to a charge: source = payment, destination = charge."""

    x_property_id: str
    x_source_id: str | None = None
    x_destination_id: str | None = None
    x_financial_account_id: str | None = None
    amount_in_cents: int | None = None
    amount_raw: str | None = None


class RecurringChargeRecord(_PropertyScoped):
    x_charge_code_id: str | None = None
    x_financial_account_id: str | None = None
    x_lease_id: str | None = None
    amount_in_cents: int | None = None
    amount_raw: str | None = None
    is_active: bool | None = None
    description: str | None = None
    reference_number: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    frequency_raw: str | None = None
    frequency_normalized: str | None = None
    charge_due_day: int | None = Field(default=None, ge=0)


class FeeRecord(_PropertyScoped):
    x_charge_code_id: str | None = None
    x_floor_plan_id: str | None = None
    x_unit_id: str | None = None
    amount_in_cents: int | None = None
    amount_raw: str | None = None
    charge_code_name: str | None = None
    description: str | None = None
    name: str | None = None
