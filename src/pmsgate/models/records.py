"""Tables of the common data model, one per model, built from the canonical record classes.

Each table holds the canonical fields as typed columns (so filters and `order-by` are plain
indexed SQL), the derived reference ids, and the system columns. Building the columns from
the record class keeps the store, the connectors and the API on one list of field names.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.types import TypeEngine

from pmsgate.canonical.registry import SPECS, Model, ModelSpec
from pmsgate.kit.sqltypes import JSONType, UTCDateTime
from pmsgate.models.base import Base

SYSTEM_COLUMNS = (
    "id",
    "integration_id",
    "x_id",
    "created_at",
    "updated_at",
    "last_seen",
    "content_hash",
    "unseen",
)


def _column_type(annotation: Any) -> TypeEngine[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _column_type(inner)
    if origin in (list, dict) or annotation in (list, dict):
        return JSONType
    mapping: dict[Any, TypeEngine[Any]] = {
        str: Text(),
        int: BigInteger(),
        float: Float(),
        bool: Boolean(),
        date: Date(),
        datetime: UTCDateTime(),
    }
    return mapping[annotation]


def _build(spec: ModelSpec) -> Table:
    name = spec.model.value
    columns: list[Column[Any]] = [
        Column("id", String(40), primary_key=True),
        Column("integration_id", ForeignKey("integrations.id", ondelete="CASCADE"), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("last_seen", UTCDateTime(), nullable=False),
        Column("content_hash", String(64), nullable=False),
        # True for a row the last complete read of its model did not see (vendor-deleted, out of
        # the read's window): its own `last_seen` is its effective one. Other rows' effective
        # `last_seen` is max(last_seen, the model's seen stamp) (see SEEN_STAMPS, records/seen.py).
        Column("unseen", Boolean(), nullable=False, default=False, server_default=false()),
    ]
    for field_name, info in spec.record.model_fields.items():
        nullable = field_name != "x_id"
        columns.append(Column(field_name, _column_type(info.annotation), nullable=nullable))
    columns.extend(Column(ref, String(40), nullable=True) for ref in spec.references)
    # Every sortable column has an (integration_id, column, id) index: a sorted page reads
    # `limit` entries in order, ties included (the tie-breaker is `id`), instead of sorting the
    # integration's rows; ranges on it count index entries. property_id, the one reference
    # with thousands of rows per value, is indexed within the integration with created_at for
    # its count and default sort (migration 0007). (Migration 0005 builds the other composite
    # ones; see SORTABLE_SYSTEM and sortable().)
    indexes = [
        UniqueConstraint("integration_id", "x_id"),
        Index(f"ix_{name}_integration_created", "integration_id", "created_at", "id"),
        *(
            Index(f"ix_{name}_{ref}", "integration_id", ref, "created_at", "id")
            if ref == "property_id"
            else Index(f"ix_{name}_{ref}", ref)
            for ref in spec.references
        ),
    ]
    if "transaction_date" in spec.record.model_fields:
        indexes.append(Index(f"ix_{name}_transaction_date", "integration_id", "transaction_date", "id"))
    indexes.extend(
        Index(f"ix_{name}_integration_{column}", "integration_id", column, "id")
        for column in indexed_sorts(spec)
    )
    # The unseen rows alone (few): their range of an `order-by=last_seen` and the filters that
    # only they can match read this partial index, not the integration's rows (migration 0006).
    indexes.append(
        Index(
            f"ix_{name}_unseen",
            "integration_id",
            "last_seen",
            "id",
            sqlite_where=text("unseen = 1"),
            postgresql_where=text("unseen"),
        )
    )
    return Table(name, Base.metadata, *columns, *indexes)


# Columns `order-by` accepts on every list: the system times and keys. Reference ids and the
# ledger's date and amount are added per model (`sortable`); each has an index.
SORTABLE_SYSTEM = ("created_at", "updated_at", "last_seen", "id", "x_id")
SORTABLE_FIELDS = ("transaction_date", "amount_in_cents")


def indexed_sorts(spec: ModelSpec) -> tuple[str, ...]:
    """Sortable columns that 0001 did not index already (created_at, id, x_id, references,
    transaction_date)."""
    extra: tuple[str, ...] = ("updated_at", "last_seen")
    if "amount_in_cents" in spec.record.model_fields and "transaction_date" in spec.record.model_fields:
        extra += ("amount_in_cents",)
    return extra


def sortable(spec: ModelSpec) -> frozenset[str]:
    fields = spec.record.model_fields
    ledger: tuple[str, ...] = SORTABLE_FIELDS if "transaction_date" in fields else ()
    return frozenset((*SORTABLE_SYSTEM, *spec.references, *(f for f in ledger if f in fields)))


RECORD_TABLES: dict[Model, Table] = {spec.model: _build(spec) for spec in SPECS}


def _per_integration_and_model(name: str, *values: Column[Any]) -> Table:
    """A table of values per (integration, model), removed with its integration."""
    return Table(
        name,
        Base.metadata,
        Column("integration_id", ForeignKey("integrations.id", ondelete="CASCADE"), primary_key=True),
        Column("model", String(40), primary_key=True),
        *values,
    )


# Rows per (integration, model), kept by the upsert in the page's transaction: the exact
# `total` of an unfiltered list without counting a million index entries per request.
# `version` goes up in every transaction that writes the model's rows of the integration (or
# its seen stamp): a filtered total counted at one version holds until the next
# (records/counts.py), so paging through a filtered list counts its matches once.
RECORD_COUNTS = _per_integration_and_model(
    "record_counts",
    Column("count", BigInteger(), nullable=False),
    Column("version", BigInteger(), nullable=False, server_default="0"),
)

# Per (integration, model): `stamp`, the time the last complete read of the model started
# (first page to last in one slice, all records, no `modified_since`). Rows that read saw
# unchanged are not written: their effective `last_seen` is max(own, stamp), except the rows
# marked `unseen` (records/seen.py). Written with the unseen marks in one transaction.
SEEN_STAMPS = _per_integration_and_model("seen_stamps", Column("stamp", UTCDateTime(), nullable=False))

# The keys a complete read of a model saw so far (sync/seen.py), one row per committed batch of
# pages, in that batch's transaction: a read resumed from its checkpoint (a worker died, a slice
# parked) reloads them and still ends with the whole set. Scratch: removed with the stamp.
SEEN_KEYS = Table(
    "seen_keys",
    Base.metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("run_id", ForeignKey("sync_runs.id", ondelete="CASCADE"), nullable=False),
    Column("model", String(40), nullable=False),
    Column("started", UTCDateTime(), nullable=False),
    Column("packed", LargeBinary(), nullable=False),  # array("Q").tobytes()
    Index("ix_seen_keys_run_model", "run_id", "model", "id"),
)

# Pages a complete read stored or found unchanged, by the digest of the vendor's page (its
# native rows, the connector's mapping code, the disabled properties): a later complete read
# that meets the same digest adds the page's keys to its seen set without mapping, looking up
# or hashing its records (sync/pages.py). One row per (page, model of its keys): a page of
# payments also holds their allocations. `page_id` groups a page's rows; a write to a table
# by anything but the read that recorded a page drops every page with keys in that table.
PAGE_DIGESTS = Table(
    "page_digests",
    Base.metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("integration_id", ForeignKey("integrations.id", ondelete="CASCADE"), nullable=False),
    Column("read_model", String(40), nullable=False),  # the model whose read met the page
    Column("read_started", UTCDateTime(), nullable=False),  # that read's start (its stamp)
    Column("digest", String(32), nullable=False),
    Column("page_id", String(40), nullable=False),
    Column("keys_model", String(40), nullable=False),
    Column("packed", LargeBinary(), nullable=False),  # array("Q") of the rows' keys, sync/seen.py
    Column("skipped", Integer(), nullable=False),  # rows of disabled properties, not stored
    Index("ix_page_digests_read", "integration_id", "read_model", "read_started", "digest"),
    Index("ix_page_digests_keys", "integration_id", "keys_model", "read_started"),
    Index("ix_page_digests_page", "page_id"),
)
