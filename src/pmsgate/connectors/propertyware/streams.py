"""Propertyware's streams, declared as data: where each model lives and how it filters.

Every list endpoint pages by `limit` (at most 500) and zero-based `offset`, sorts by `orderby=id`
(so records created during a sync land after the pages already read), and filters by
`lastModifiedDateTimeStart` (inclusive, UTC). Ledger lists also take `postDateStart` (a date).
A model may be read from several endpoints in turn: resident charges are charges, then credit
memos, then adjustments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.declared import by_model, parents
from pmsgate.connectors.parsing import Native
from pmsgate.connectors.propertyware import ledger as lg
from pmsgate.connectors.propertyware import mapping as m
from pmsgate.connectors.propertyware.places import Places

MAX_PAGE_SIZE = 500  # "The maximum limit value is 500"
Mapper = Callable[[Native, Places], Sequence[CanonicalRecord]]


@dataclass(frozen=True)
class Source:
    path: str
    mapper: Mapper
    params: dict[str, Any] = field(default_factory=dict)  # fixed filters, e.g. type=TENANT


@dataclass(frozen=True)
class Stream:
    model: Model
    sources: tuple[Source, ...]
    ledger: bool = False  # accepts postDateStart
    needs_places: bool = False  # its records name a lease or contact, not a building
    children: tuple[Model, ...] = ()


STREAMS: dict[Model, Stream] = by_model(
    Stream(Model.PROPERTIES, (Source("/buildings", m.map_building, {"includeDeactivated": "true"}),)),
    Stream(Model.UNITS, (Source("/units", m.map_unit, {"includeDeactivated": "true"}),)),
    Stream(
        Model.RESIDENTS,
        (Source("/contacts", m.map_contact, {"type": "TENANT"}),),
        needs_places=True,
    ),
    Stream(Model.LEASES, (Source("/leases", m.map_lease),), children=(Model.RESIDENTS_TO_LEASES,)),
    Stream(
        Model.FINANCIAL_ACCOUNTS,
        (Source("/accounting/glaccounts", m.map_account, {"includeDeactivated": "true"}),),
    ),
    Stream(
        Model.RESIDENT_CHARGES,
        (
            Source("/leases/charges", lg.map_charge),
            Source("/leases/creditmemos", lg.map_credit_memo),
            Source("/leases/adjustments", lg.map_adjustment),
        ),
        ledger=True,
        needs_places=True,
        children=(Model.RESIDENT_ALLOCATIONS,),
    ),
    Stream(
        Model.RESIDENT_PAYMENTS,
        (Source("/leases/payments", lg.map_payment),),
        ledger=True,
        needs_places=True,
    ),
    Stream(
        Model.RECURRING_RESIDENT_CHARGES,
        (Source("/leases/autocharges", lg.map_autocharge),),
        needs_places=True,
    ),
)
# Child models arrive inside their parent's pages; they are never requested on their own.
PARENT_OF: dict[Model, Model] = parents(STREAMS)
MODELS: frozenset[Model] = frozenset(STREAMS) | frozenset(PARENT_OF)
