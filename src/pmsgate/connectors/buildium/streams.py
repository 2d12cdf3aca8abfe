"""Buildium's streams, declared as data.

List streams page by `limit`/`offset` (resume token `{"offset": n}`) and filter by
`lastupdatedfrom` (inclusive, UTC) and `propertyids`. GL accounts have neither filter.
Ledger streams are read lease by lease (`/v1/leases/{id}/transactions`, filtered by
`transactiondatefrom` and `transactiontypes`; Buildium has no account-wide ledger list and no
last-updated filter on ledgers). Recurring charges come from the all-leases list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.buildium import mapping as m
from pmsgate.connectors.buildium.ledger import CHARGE_TYPES, PAYMENT_TYPES
from pmsgate.connectors.declared import by_model, one_record, parents

ORDER = "Id asc"  # Buildium advises sorting on a unique key to page stably


@dataclass(frozen=True)
class Stream:
    model: Model
    path: str
    mapper: Callable[[dict[str, Any]], Sequence[CanonicalRecord]]
    incremental: bool = True  # accepts lastupdatedfrom
    by_property: bool = True  # accepts propertyids
    children: tuple[Model, ...] = ()


@dataclass(frozen=True)
class LedgerStream:
    model: Model
    transaction_types: tuple[str, ...]
    children: tuple[Model, ...] = ()


LIST_STREAMS: dict[Model, Stream] = by_model(
    Stream(Model.PROPERTIES, "/v1/rentals", one_record(m.map_rental)),
    Stream(Model.UNITS, "/v1/rentals/units", one_record(m.map_unit)),
    Stream(Model.RESIDENTS, "/v1/leases/tenants", one_record(m.map_tenant)),
    Stream(Model.LEASES, "/v1/leases", m.map_lease, children=(Model.RESIDENTS_TO_LEASES,)),
    Stream(
        Model.FINANCIAL_ACCOUNTS, "/v1/glaccounts", m.map_gl_account, incremental=False, by_property=False
    ),
)
LEDGER_STREAMS: dict[Model, LedgerStream] = by_model(
    LedgerStream(Model.RESIDENT_CHARGES, CHARGE_TYPES),
    LedgerStream(Model.RESIDENT_PAYMENTS, PAYMENT_TYPES, children=(Model.RESIDENT_ALLOCATIONS,)),
)
RECURRING_PATH = "/v1/leases/recurringtransactions"
LEASES_PATH = "/v1/leases"

PARENT_OF: dict[Model, Model] = parents(LIST_STREAMS, LEDGER_STREAMS)
STREAMED: frozenset[Model] = (
    frozenset(LIST_STREAMS) | frozenset(LEDGER_STREAMS) | {Model.RECURRING_RESIDENT_CHARGES}
)
MODELS: frozenset[Model] = STREAMED | frozenset(PARENT_OF)  # what the connector reads
