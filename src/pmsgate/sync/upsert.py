"""One page of canonical records into the store, in one batch per model.

New records are inserted with their stable id; changed ones are overwritten and get a data
diff (`previous`/`new` of the changed fields); unchanged ones only have `last_seen` bumped in
bulk. Nothing is ever deleted.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import RECORD_MODEL, Model, spec_for
from pmsgate.kit.ids import new_id
from pmsgate.models.records import RECORD_TABLES
from pmsgate.records.serialize import plain
from pmsgate.sync.repository import SyncRepository


@dataclass
class PageStats:
    new: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    new_property_ids: list[tuple[str, str]] = field(default_factory=list)  # (property_id, x_id)


@dataclass(frozen=True)
class UpsertContext:
    integration_id: str
    now: datetime
    job_id: str | None
    record_diffs: bool  # off during an integration's first sync
    disabled_property_ids: frozenset[str] = frozenset()


def content_hash(values: dict[str, Any]) -> str:
    encoded = json.dumps({k: plain(v) for k, v in values.items()}, sort_keys=True, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _row(ctx: UpsertContext, model: Model, record: CanonicalRecord) -> dict[str, Any]:
    spec = spec_for(model)
    values = record.model_dump()
    values.update(spec.reference_values(ctx.integration_id, record))
    return {
        **values,
        "id": spec.id_for(ctx.integration_id, record.x_id),
        "integration_id": ctx.integration_id,
        "content_hash": content_hash(values),
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "last_seen": ctx.now,
    }


def _changes(previous: dict[str, Any], current: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for key, value in current.items():
        if key in ("created_at", "updated_at", "content_hash", "id", "integration_id"):
            continue
        old, new = plain(previous.get(key)), plain(value)
        if old != new:
            before[key], after[key] = old, new
    return before, after


def upsert_records(session: Session, ctx: UpsertContext, records: Sequence[CanonicalRecord]) -> PageStats:
    stats = PageStats()
    by_model: dict[Model, dict[str, CanonicalRecord]] = defaultdict(dict)
    for record in records:
        by_model[RECORD_MODEL[type(record)]][record.x_id] = record  # last one wins within a page

    repository = SyncRepository.from_session(session)
    diffs: list[dict[str, Any]] = []
    for model, keyed in by_model.items():
        table = RECORD_TABLES[model]
        rows = [_row(ctx, model, record) for record in keyed.values()]
        if ctx.disabled_property_ids and model is not Model.PROPERTIES:
            kept = [row for row in rows if row.get("property_id") not in ctx.disabled_property_ids]
            stats.skipped[model] += len(rows) - len(kept)
            rows = kept
        existing = repository.existing(table, ctx.integration_id, [row["x_id"] for row in rows])
        to_write, unchanged = [], []
        for row in rows:
            old = existing.get(row["x_id"])
            if old is None:
                to_write.append(row)
                stats.new[model] += 1
                if model is Model.PROPERTIES:
                    stats.new_property_ids.append((row["id"], row["x_id"]))
                if ctx.record_diffs:
                    diffs.append(_diff(ctx, model, row["id"], "NEW", {"new": _changes({}, row)[1]}))
            elif old["content_hash"] != row["content_hash"]:
                row["created_at"] = old["created_at"]
                to_write.append(row)
                stats.updated[model] += 1
                if ctx.record_diffs:
                    previous, new = _changes(old, row)
                    diffs.append(_diff(ctx, model, row["id"], "UPDATE", {"previous": previous, "new": new}))
            else:
                unchanged.append(row["x_id"])
                stats.unchanged[model] += 1
        repository.upsert(table, to_write)
        repository.touch(table, ctx.integration_id, unchanged, ctx.now)
    repository.add_diffs(diffs)
    return stats


def _diff(
    ctx: UpsertContext, model: Model, record_id: str, event: str, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": new_id("diff"),
        "integration_id": ctx.integration_id,
        "model": model.value,
        "model_record_id": record_id,
        "event_type": event,
        "data_diff": data,
        "job_id": ctx.job_id,
        "created_at": ctx.now,
    }
