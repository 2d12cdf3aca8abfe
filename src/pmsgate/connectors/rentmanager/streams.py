"""Rent Manager's streams, declared as data: which resources feed each model and how they filter.

Every list pages by `pagenumber`/`pagesize` (≤ 1000) and filters with RQL: the incremental cursor
is `UpdateDate,ge,<local time>` (inclusive), ledger resources add `TransactionDate,ge,<date>`.
Charges come from two resources (`Charges`, then `Credits` read as negative charges). Payments
and recurring charges have no PropertyID (RM keys them by tenant), so their property filter is
applied after mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.declared import by_model, parents
from pmsgate.connectors.rentmanager import mapping as m

MAX_PAGE_SIZE = 1000  # RM's documented cap
Mapper = Callable[[dict[str, object], m.Places], Sequence[CanonicalRecord]]


@dataclass(frozen=True)
class Part:
    resource: str
    id_field: str
    mapper: Mapper
    embeds: tuple[str, ...] = ()
    fixed_filters: tuple[str, ...] = ()  # always sent (e.g. only tenant transactions)
    window_field: str | None = None  # ledger resources: transaction-date window
    property_field: str | None = "PropertyID"  # None = company-wide or keyed by tenant
    company_wide: bool = False  # no property at all: a property filter does not apply


@dataclass(frozen=True)
class Stream:
    model: Model
    parts: tuple[Part, ...]
    children: tuple[Model, ...] = ()
    needs_tenants: bool = False  # the mapper looks tenants up (property, lease)


_CUSTOMER = ("AccountType,eq,Customer",)
STREAMS: dict[Model, Stream] = by_model(
    Stream(Model.PROPERTIES, (Part("Properties", "PropertyID", m.map_property, embeds=("Addresses",)),)),
    Stream(Model.UNITS, (Part("Units", "UnitID", m.map_unit),)),
    Stream(
        Model.RESIDENTS,
        (Part("Tenants", "TenantID", m.map_tenant, embeds=m.TENANT_EMBEDS),),
        needs_tenants=True,
    ),
    Stream(
        Model.LEASES,
        (Part("Leases", "LeaseID", m.map_lease, embeds=("LeaseRenewals",)),),
        children=(Model.RESIDENTS_TO_LEASES,),
    ),
    Stream(
        Model.CHARGE_CODES,
        (Part("ChargeTypes", "ChargeTypeID", m.map_charge_type, property_field=None, company_wide=True),),
    ),
    Stream(
        Model.FINANCIAL_ACCOUNTS,
        (Part("GLAccounts", "GLAccountID", m.map_gl_account, property_field=None, company_wide=True),),
    ),
    Stream(
        Model.RESIDENT_CHARGES,
        (
            Part(
                "Charges",
                "ChargeID",
                m.map_charge,
                fixed_filters=_CUSTOMER,
                window_field="TransactionDate",
            ),
            Part("Credits", "ID", m.map_credit, fixed_filters=_CUSTOMER, window_field="TransactionDate"),
        ),
        needs_tenants=True,
    ),
    Stream(
        Model.RESIDENT_PAYMENTS,
        (
            Part(
                "Payments",
                "ID",
                m.map_payment,
                embeds=("Allocations",),
                fixed_filters=_CUSTOMER,
                window_field="TransactionDate",
                property_field=None,
            ),
        ),
        children=(Model.RESIDENT_ALLOCATIONS,),
        needs_tenants=True,
    ),
    Stream(
        Model.RECURRING_RESIDENT_CHARGES,
        (
            Part(
                "RecurringCharges",
                "RecurringChargeID",
                m.map_recurring,
                fixed_filters=("EntityType,eq,Tenant",),
                property_field=None,
            ),
        ),
        needs_tenants=True,
    ),
)
# Child models arrive inside their parent's pages; they are never requested on their own.
PARENT_OF: dict[Model, Model] = parents(STREAMS)
MODELS: frozenset[Model] = frozenset(STREAMS) | frozenset(PARENT_OF)  # what the connector reads
