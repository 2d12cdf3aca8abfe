"""Response models of the record endpoints, built from the canonical record classes so their
field names cannot drift from the store. Every field is required (nullable where the vendor
may have no value), as in the contract."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import ModelSpec
from pmsgate.kit.pagination import Meta


class RecordOut(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


def _nullable(annotation: Any) -> Any:
    if annotation in (str, int, float, bool, date, datetime) or annotation == dict[str, Any]:
        return annotation | None
    return annotation


def record_model(
    name: str,
    spec: ModelSpec,
    *,
    hidden: frozenset[str] = frozenset(),
    leading: dict[str, Any] | None = None,
    trailing: dict[str, Any] | None = None,
) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "id": (str, ...),
        **(leading or {}),
        "created_at": (datetime, ...),
        "updated_at": (datetime, ...),
        "last_seen": (datetime | None, ...),
    }
    for field_name, info in spec.record.model_fields.items():
        if field_name in hidden:
            continue
        annotation = info.annotation
        required_type = annotation if field_name == "x_id" else _nullable(annotation)
        fields[field_name] = (required_type, ...)
    for ref in spec.references:
        if ref not in hidden:
            fields[ref] = (str | None, ...)
    fields["integration_id"] = (str, ...)
    fields["integration_vendor"] = (Vendor, ...)
    fields.update(trailing or {})
    return create_model(name, __base__=RecordOut, **fields)


def list_envelope(name: str, item: type[BaseModel]) -> type[BaseModel]:
    return create_model(name, meta=(Meta, ...), results=(list[item], ...))  # type: ignore[valid-type]


def single_envelope(name: str, item: type[BaseModel]) -> type[BaseModel]:
    return create_model(name, meta=(Meta, ...), results=(item, ...))
