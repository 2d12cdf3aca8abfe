"""SamplePMS's streams, declared as data: where each model lives and how it filters.

Every list endpoint pages by an opaque cursor (`paging.next`), accepts `changedSince` (records
changed at or after an instant, inclusive) and `siteIds`; the ledger endpoints also accept
`postedFrom` (transactions posted on or after a date). Leases and payments carry child models
in the same page: residents-to-leases and allocations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.declared import by_model, one_record, parents
from pmsgate.connectors.sample import mapping as m

MAX_PAGE_SIZE = 500  # the API answers 400 above this


@dataclass(frozen=True)
class Stream:
    model: Model
    path: str
    id_field: str
    mapper: Callable[[dict[str, Any]], Sequence[CanonicalRecord]]
    changed_param: str = "changedSince"  # incremental filter (inclusive instant)
    window_param: str | None = None  # transaction-date window (ledger streams only)
    property_param: str = "siteIds"
    children: tuple[Model, ...] = ()


def _ledger(
    model: Model,
    path: str,
    id_field: str,
    mapper: Callable[[dict[str, Any]], Sequence[CanonicalRecord]],
    children: tuple[Model, ...] = (),
) -> Stream:
    """A ledger stream: its endpoint also takes the transaction-date window (`postedFrom`)."""
    return Stream(model, path, id_field, mapper, window_param="postedFrom", children=children)


STREAMS: dict[Model, Stream] = by_model(
    Stream(Model.PROPERTIES, "/api/v2/sites", "siteId", one_record(m.map_site)),
    Stream(Model.UNITS, "/api/v2/spaces", "spaceId", one_record(m.map_space)),
    Stream(Model.RESIDENTS, "/api/v2/tenants", "tenantId", one_record(m.map_tenant)),
    Stream(
        Model.LEASES,
        "/api/v2/tenancies",
        "tenancyId",
        m.map_tenancy,
        children=(Model.RESIDENTS_TO_LEASES,),
    ),
    Stream(Model.CHARGE_CODES, "/api/v2/ledger-codes", "codeId", one_record(m.map_ledger_code)),
    Stream(Model.FINANCIAL_ACCOUNTS, "/api/v2/gl-accounts", "accountId", one_record(m.map_gl_account)),
    _ledger(Model.RESIDENT_CHARGES, "/api/v2/charges", "chargeId", one_record(m.map_charge)),
    _ledger(
        Model.RESIDENT_PAYMENTS, "/api/v2/receipts", "receiptId", m.map_receipt, (Model.RESIDENT_ALLOCATIONS,)
    ),
    Stream(Model.RECURRING_RESIDENT_CHARGES, "/api/v2/recurring", "recurringId", one_record(m.map_recurring)),
    Stream(Model.FEES, "/api/v2/fees", "feeId", one_record(m.map_fee)),
)
# Child models arrive inside their parent's pages; they are never requested on their own.
PARENT_OF: dict[Model, Model] = parents(STREAMS)
MODELS: frozenset[Model] = frozenset(STREAMS) | frozenset(PARENT_OF)  # what the connector reads
