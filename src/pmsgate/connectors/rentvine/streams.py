"""Rentvine's streams, declared as data: where each model lives and how it filters.

Every list pages by `page`/`pageSize` (at most MAX_PAGE_SIZE). The exports take
`dateTimeModifiedMin` (inclusive), transaction search takes `datePostedMin` and
`transactionTypeIDs[]`; most lists take `propertyIDs[]`. Financial accounts are the company-wide
chart of accounts (`/accounting/accounts`, no property filter: every account carries
NO_PROPERTY). Recurring charges fan out because Rentvine has no direct list for them: one call
per lease (`/leases/{id}/recurring-charges`), paged by the lease export, without a modified
filter (changing a recurring charge does not touch the lease).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.declared import by_model, parents
from pmsgate.connectors.rentvine import mapping as m
from pmsgate.connectors.rentvine import mapping_ledger as ml

MAX_PAGE_SIZE = 100  # Rentvine's docs page at 15-25 by default; the emulator refuses above 100
ACCOUNTS_PATH = "/accounting/accounts"
TRANSACTION_PATH = "/accounting/transactions"


class FanOut(Enum):
    NONE = "none"
    RECURRING_PER_LEASE = "recurring_per_lease"


@dataclass(frozen=True)
class Stream:
    model: Model
    path: str  # the list that is paged
    entity: str  # the row's wrapping key, for reporting malformed rows
    id_field: str
    mapper: Callable[..., Sequence[CanonicalRecord]] | None  # (row) or, if zoned, (row, *, tz)
    modified: bool = False  # takes dateTimeModifiedMin
    window_param: str | None = None  # transaction-date window (ledger streams)
    type_ids: tuple[int, ...] = ()  # transactionTypeIDs[]
    children: tuple[Model, ...] = ()
    fan_out: FanOut = FanOut.NONE
    by_property: bool = True  # takes propertyIDs[]
    zoned: bool = False  # the mapper reads timestamps: it takes the company's zone as tz=


STREAMS: dict[Model, Stream] = by_model(
    Stream(
        Model.PROPERTIES,
        "/properties/export",
        "property",
        "propertyID",
        m.map_property,
        modified=True,
        zoned=True,
    ),
    Stream(Model.UNITS, "/properties/units/export", "unit", "unitID", m.map_unit, modified=True),
    Stream(Model.RESIDENTS, "/tenants/search", "contact", "contactID", m.map_contact),
    Stream(
        Model.LEASES,
        "/leases/export",
        "lease",
        "leaseID",
        m.map_lease,
        modified=True,
        children=(Model.RESIDENTS_TO_LEASES,),
    ),
    Stream(
        Model.FINANCIAL_ACCOUNTS,
        ACCOUNTS_PATH,
        "account",
        "accountID",
        lambda row: [ml.map_account(row)],
        by_property=False,  # the company's chart of accounts: no property (NO_PROPERTY)
    ),
    Stream(
        Model.RESIDENT_CHARGES,
        f"{TRANSACTION_PATH}/search",
        "transaction",
        "transactionID",
        ml.map_charge,
        window_param="datePostedMin",
        type_ids=(ml.CHARGE, ml.CREDIT),
    ),
    Stream(
        Model.RESIDENT_PAYMENTS,
        f"{TRANSACTION_PATH}/search",
        "transaction",
        "transactionID",
        ml.map_payment,
        window_param="datePostedMin",
        type_ids=(ml.PAYMENT,),
        children=(Model.RESIDENT_ALLOCATIONS,),
    ),
    Stream(
        Model.RECURRING_RESIDENT_CHARGES,
        "/leases/export",
        "recurringCharge",
        "leaseRecurringChargeID",
        None,
        fan_out=FanOut.RECURRING_PER_LEASE,
    ),
)
# Child models arrive inside their parent's pages; they are never requested on their own.
PARENT_OF: dict[Model, Model] = parents(STREAMS)
MODELS: frozenset[Model] = frozenset(STREAMS) | frozenset(PARENT_OF)  # what the connector reads
