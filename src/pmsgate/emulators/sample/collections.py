"""SamplePMS's collections, declared as data: URL name, id field, which filters each accepts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CollectionSpec:
    name: str  # the URL segment: /api/v2/{name}
    id_field: str
    # Ids of different collections live in different ranges (sites 1…, spaces 10000001…), so a
    # connector that confuses one id with another fails loudly instead of joining by accident.
    id_base: int
    posted: bool = False  # accepts postedFrom (has postedOn)
    by_ref: bool = False  # accepts ref
    amount_field: str | None = None  # what malformed_every corrupts besides the id


_SPECS = (
    CollectionSpec("sites", "siteId", 1),
    CollectionSpec("spaces", "spaceId", 10_000_001),
    CollectionSpec("tenants", "tenantId", 20_000_001),
    CollectionSpec("tenancies", "tenancyId", 30_000_001, amount_field="rent"),
    CollectionSpec("ledger-codes", "codeId", 40_000_001),
    CollectionSpec("gl-accounts", "accountId", 50_000_001),
    CollectionSpec("charges", "chargeId", 60_000_001, posted=True, by_ref=True, amount_field="amount"),
    CollectionSpec("receipts", "receiptId", 70_000_001, posted=True, by_ref=True, amount_field="amount"),
    CollectionSpec("recurring", "recurringId", 80_000_001, by_ref=True, amount_field="amount"),
    CollectionSpec("fees", "feeId", 90_000_001, amount_field="amount"),
)

COLLECTIONS: dict[str, CollectionSpec] = {spec.name: spec for spec in _SPECS}

# Child objects have ids too (pets, vehicles, allocations); they never collide with the above.
PET_ID_BASE = 110_000_001
VEHICLE_ID_BASE = 120_000_001
ALLOCATION_ID_BASE = 130_000_001
