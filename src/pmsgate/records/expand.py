"""Nested parts of records, fetched for a whole page in one query per part."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from pmsgate.canonical.registry import Model
from pmsgate.kit.ids import stable_id
from pmsgate.records.repository import RecordRepository
from pmsgate.records.serialize import plain


class _Out(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class Allocation(_Out):
    id: str
    x_id: str
    x_source_id: str | None
    x_destination_id: str | None
    financial_account_id: str | None
    amount_in_cents: int | None
    amount_raw: str | None
    resident_charge_id: str | None
    resident_payment_id: str | None
    created_at: str
    updated_at: str
    last_seen: str | None
    custom_data: dict[str, Any] | None


class _LinkMeta(_Out):
    x_resident_type: str | None
    resident_type_normalized: str | None
    move_in_date: str | None
    move_out_date: str | None
    notice_date: str | None
    custom_data: dict[str, Any] | None


class LeaseResidentMeta(_LinkMeta):
    resident_id: str


class ResidentLeaseMeta(_LinkMeta):
    lease_id: str


_ALLOCATION_FIELDS = tuple(Allocation.model_fields)
_LINK_FIELDS = tuple(_LinkMeta.model_fields)


def _pick(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: plain(row[name]) for name in names}


def allocations_by(column: str) -> Any:
    def expand(session: Session, items: list[dict[str, Any]]) -> None:
        rows = RecordRepository.from_session(session, Model.RESIDENT_ALLOCATIONS).by_column(
            column, [item["id"] for item in items]
        )
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            grouped[row[column]].append(_pick(row, _ALLOCATION_FIELDS))
        for item in items:
            item["allocations"] = grouped.get(item["id"], [])

    return expand


def link_meta(own_column: str, other_column: str, key: str) -> Any:
    """`residents_meta_data` of leases / `leases_meta_data` of residents."""

    def expand(session: Session, items: list[dict[str, Any]]) -> None:
        rows = RecordRepository.from_session(session, Model.RESIDENTS_TO_LEASES).by_column(
            own_column, [item["id"] for item in items]
        )
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            grouped[row[own_column]].append({other_column: row[other_column], **_pick(row, _LINK_FIELDS)})
        for item in items:
            item[key] = grouped.get(item["id"], [])

    return expand


def child_system_fields(*keys: str) -> Any:
    """Pets and vehicles live inside their resident; they share its timestamps and get
    ids derived from their own vendor ids."""

    def expand(_session: Session, items: list[dict[str, Any]]) -> None:
        for item in items:
            for key in keys:
                item[key] = [
                    {
                        "id": stable_id(key[:3], item["integration_id"], key, str(child.get("x_id"))),
                        "created_at": item["created_at"],
                        "updated_at": item["updated_at"],
                        "last_seen": item["last_seen"],
                        **child,
                    }
                    for child in item.get(key) or []
                ]

    return expand


def chain(*expanders: Any) -> Any:
    def expand(session: Session, items: list[dict[str, Any]]) -> None:
        for expander in expanders:
            expander(session, items)

    return expand


def aliases(**names: str) -> Any:
    """Fields that repeat another field (a property's `property_id` is its `id`)."""

    def expand(_session: Session, items: list[dict[str, Any]]) -> None:
        for item in items:
            for alias, source in names.items():
                item[alias] = item[source]

    return expand
