"""Which common models exist, in which order they sync, and how their references derive.

A reference column (a charge's `lease_id`) is the stable id of the record its `x_*` key names,
so it is computed from the key alone: no lookup, and it stays right whatever order pages
arrive in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pmsgate.canonical import records as r
from pmsgate.kit.ids import stable_id


class Model(StrEnum):
    PROPERTIES = "properties"
    UNITS = "units"
    RESIDENTS = "residents"
    LEASES = "leases"
    RESIDENTS_TO_LEASES = "residents_to_leases"
    CHARGE_CODES = "charge_codes"
    FINANCIAL_ACCOUNTS = "financial_accounts"
    RESIDENT_CHARGES = "resident_charges"
    RESIDENT_PAYMENTS = "resident_payments"
    RESIDENT_ALLOCATIONS = "resident_allocations"
    RECURRING_RESIDENT_CHARGES = "recurring_resident_charges"
    FEES = "fees"
    # Referenced only, not stored yet: ids derive from the vendor key all the same, so they will
    # match once these models are synced.
    LOCATIONS = "locations"
    FLOOR_PLANS = "floor_plans"
    UNIT_TYPES = "unit_types"


@dataclass(frozen=True)
class Reference:
    target: Model
    x_field: str


@dataclass(frozen=True)
class ModelSpec:
    model: Model
    prefix: str
    record: type[r.CanonicalRecord]
    references: dict[str, Reference] = field(default_factory=dict)
    # Streams a connector is asked for; child models arrive inside their parent's pages.
    synced_directly: bool = True
    # Ledger models are date-windowed on normal syncs (transaction_date).
    windowed: bool = False

    def reference_values(self, integration_id: str, record: r.CanonicalRecord) -> dict[str, str | None]:
        values: dict[str, str | None] = {}
        for column, ref in self.references.items():
            x_value = getattr(record, ref.x_field)
            values[column] = (
                None
                if x_value is None
                else stable_id(PREFIXES[ref.target], integration_id, ref.target, x_value)
            )
        return values

    def id_for(self, integration_id: str, x_id: str) -> str:
        return stable_id(self.prefix, integration_id, self.model, x_id)


PREFIXES: dict[Model, str] = {
    Model.PROPERTIES: "prop",
    Model.UNITS: "unit",
    Model.RESIDENTS: "res",
    Model.LEASES: "lease",
    Model.RESIDENTS_TO_LEASES: "rtl",
    Model.CHARGE_CODES: "cc",
    Model.FINANCIAL_ACCOUNTS: "fa",
    Model.RESIDENT_CHARGES: "chg",
    Model.RESIDENT_PAYMENTS: "pay",
    Model.RESIDENT_ALLOCATIONS: "alloc",
    Model.RECURRING_RESIDENT_CHARGES: "rrc",
    Model.FEES: "fee",
    Model.LOCATIONS: "loc",
    Model.FLOOR_PLANS: "fp",
    Model.UNIT_TYPES: "ut",
}

_PROPERTY = Reference(Model.PROPERTIES, "x_property_id")
_LOCATION = Reference(Model.LOCATIONS, "x_location_id")
_LEDGER_REFS = {
    "property_id": _PROPERTY,
    "location_id": _LOCATION,
    "resident_id": Reference(Model.RESIDENTS, "x_resident_id"),
    "financial_account_id": Reference(Model.FINANCIAL_ACCOUNTS, "x_gl_account_id"),
    "unit_id": Reference(Model.UNITS, "x_unit_id"),
    "lease_id": Reference(Model.LEASES, "x_lease_id"),
    "charge_code_id": Reference(Model.CHARGE_CODES, "x_charge_code_id"),
}


def _spec(model: Model, record: type[r.CanonicalRecord], **kwargs: object) -> ModelSpec:
    return ModelSpec(model=model, prefix=PREFIXES[model], record=record, **kwargs)  # type: ignore[arg-type]


# Dependency order: a model is synced after every model it references.
SPECS: tuple[ModelSpec, ...] = (
    _spec(Model.PROPERTIES, r.PropertyRecord, references={"location_id": _LOCATION}),
    _spec(
        Model.UNITS,
        r.UnitRecord,
        references={
            "property_id": _PROPERTY,
            "location_id": _LOCATION,
            "floor_plan_id": Reference(Model.FLOOR_PLANS, "x_floor_plan_id"),
            "unit_type_id": Reference(Model.UNIT_TYPES, "x_unit_type_id"),
        },
    ),
    _spec(Model.RESIDENTS, r.ResidentRecord, references={"property_id": _PROPERTY, "location_id": _LOCATION}),
    _spec(
        Model.LEASES,
        r.LeaseRecord,
        references={
            "property_id": _PROPERTY,
            "location_id": _LOCATION,
            "unit_id": Reference(Model.UNITS, "x_unit_id"),
        },
    ),
    _spec(
        Model.RESIDENTS_TO_LEASES,
        r.ResidentLeaseRecord,
        references={
            "property_id": _PROPERTY,
            "lease_id": Reference(Model.LEASES, "x_lease_id"),
            "resident_id": Reference(Model.RESIDENTS, "x_resident_id"),
        },
        synced_directly=False,
    ),
    _spec(
        Model.CHARGE_CODES,
        r.ChargeCodeRecord,
        references={"property_id": _PROPERTY, "location_id": _LOCATION},
    ),
    _spec(
        Model.FINANCIAL_ACCOUNTS,
        r.FinancialAccountRecord,
        references={"property_id": _PROPERTY, "location_id": _LOCATION},
    ),
    _spec(Model.RESIDENT_CHARGES, r.ResidentChargeRecord, references=_LEDGER_REFS, windowed=True),
    _spec(Model.RESIDENT_PAYMENTS, r.ResidentPaymentRecord, references=_LEDGER_REFS, windowed=True),
    _spec(
        Model.RESIDENT_ALLOCATIONS,
        r.AllocationRecord,
        references={
            "property_id": _PROPERTY,
            "resident_payment_id": Reference(Model.RESIDENT_PAYMENTS, "x_source_id"),
            "resident_charge_id": Reference(Model.RESIDENT_CHARGES, "x_destination_id"),
            "financial_account_id": Reference(Model.FINANCIAL_ACCOUNTS, "x_financial_account_id"),
        },
        synced_directly=False,
    ),
    _spec(
        Model.RECURRING_RESIDENT_CHARGES,
        r.RecurringChargeRecord,
        references={
            "property_id": _PROPERTY,
            "location_id": _LOCATION,
            "lease_id": Reference(Model.LEASES, "x_lease_id"),
            "charge_code_id": Reference(Model.CHARGE_CODES, "x_charge_code_id"),
            "financial_account_id": Reference(Model.FINANCIAL_ACCOUNTS, "x_financial_account_id"),
        },
    ),
    _spec(
        Model.FEES,
        r.FeeRecord,
        references={
            "property_id": _PROPERTY,
            "location_id": _LOCATION,
            "floor_plan_id": Reference(Model.FLOOR_PLANS, "x_floor_plan_id"),
            "unit_id": Reference(Model.UNITS, "x_unit_id"),
            "charge_code_id": Reference(Model.CHARGE_CODES, "x_charge_code_id"),
        },
    ),
)

BY_MODEL: dict[Model, ModelSpec] = {spec.model: spec for spec in SPECS}
SYNC_ORDER: tuple[Model, ...] = tuple(spec.model for spec in SPECS if spec.synced_directly)
RECORD_MODEL: dict[type[r.CanonicalRecord], Model] = {spec.record: spec.model for spec in SPECS}
_BY_VALUE: dict[str, ModelSpec] = {spec.model.value: spec for spec in SPECS}


def spec_for(model: Model | str) -> ModelSpec:
    # Called once per synced record: a plain lookup (a Model is its value), no enum conversion.
    spec = _BY_VALUE.get(model)
    if spec is not None:
        return spec
    try:
        return BY_MODEL[Model(model)]
    except (ValueError, KeyError):
        known = ", ".join(m.value for m in BY_MODEL)
        raise KeyError(f"unknown model {model!r}; known models: {known}") from None
