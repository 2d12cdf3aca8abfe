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


def _one(
    mapper: Callable[[dict[str, Any]], CanonicalRecord],
) -> Callable[[dict[str, Any]], list[CanonicalRecord]]:
    return lambda raw: [mapper(raw)]


STREAMS: dict[Model, Stream] = {
    s.model: s
    for s in (
        Stream(Model.PROPERTIES, "/api/v2/sites", "siteId", _one(m.map_site)),
        Stream(Model.UNITS, "/api/v2/spaces", "spaceId", _one(m.map_space)),
        Stream(Model.RESIDENTS, "/api/v2/tenants", "tenantId", _one(m.map_tenant)),
        Stream(
            Model.LEASES,
            "/api/v2/tenancies",
            "tenancyId",
            m.map_tenancy,
            children=(Model.RESIDENTS_TO_LEASES,),
        ),
        Stream(Model.CHARGE_CODES, "/api/v2/ledger-codes", "codeId", _one(m.map_ledger_code)),
        Stream(Model.FINANCIAL_ACCOUNTS, "/api/v2/gl-accounts", "accountId", _one(m.map_gl_account)),
        Stream(
            Model.RESIDENT_CHARGES,
            "/api/v2/charges",
            "chargeId",
            _one(m.map_charge),
            window_param="postedFrom",
        ),
        Stream(
            Model.RESIDENT_PAYMENTS,
            "/api/v2/receipts",
            "receiptId",
            m.map_receipt,
            window_param="postedFrom",
            children=(Model.RESIDENT_ALLOCATIONS,),
        ),
        Stream(Model.RECURRING_RESIDENT_CHARGES, "/api/v2/recurring", "recurringId", _one(m.map_recurring)),
        Stream(Model.FEES, "/api/v2/fees", "feeId", _one(m.map_fee)),
    )
}
# Child models arrive inside their parent's pages; they are never requested on their own.
PARENT_OF: dict[Model, Model] = {child: s.model for s in STREAMS.values() for child in s.children}
MODELS: frozenset[Model] = frozenset(STREAMS) | frozenset(PARENT_OF)  # what the connector reads
