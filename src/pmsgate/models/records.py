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
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

from pmsgate.canonical.registry import SPECS, Model, ModelSpec
from pmsgate.kit.sqltypes import JSONType, UTCDateTime
from pmsgate.models.base import Base

SYSTEM_COLUMNS = ("id", "integration_id", "x_id", "created_at", "updated_at", "last_seen", "content_hash")


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
    ]
    for field_name, info in spec.record.model_fields.items():
        nullable = field_name != "x_id"
        columns.append(Column(field_name, _column_type(info.annotation), nullable=nullable))
    columns.extend(Column(ref, String(40), nullable=True) for ref in spec.references)
    indexes = [
        UniqueConstraint("integration_id", "x_id"),
        Index(f"ix_{name}_integration_created", "integration_id", "created_at"),
        *(Index(f"ix_{name}_{ref}", ref) for ref in spec.references),
    ]
    if "transaction_date" in spec.record.model_fields:
        indexes.append(Index(f"ix_{name}_transaction_date", "integration_id", "transaction_date"))
    return Table(name, Base.metadata, *columns, *indexes)


RECORD_TABLES: dict[Model, Table] = {spec.model: _build(spec) for spec in SPECS}
