"""One page of canonical records into the store, in one batch per model.

New records are inserted with their stable id; changed ones are overwritten and get a data
diff (`previous`/`new` of the changed fields). Unchanged ones are not written during a complete
read of their model: their keys go to the run's `SeenKeys`, and the model's seen stamp, set
when the read ends, moves their effective `last_seen` (records/seen.py); otherwise (a resumed
or incremental read, a write job's read-back) and for a row marked unseen, only `last_seen` is
bumped in bulk. Nothing is ever deleted.

Whether a record changed is decided on a content hash of its canonical values (orjson with
sorted keys, BLAKE2b-128): one C call each instead of pure-Python JSON encoding, which was 11%
of a first sync. A stored hash of another algorithm (rows synced by an older version) that
differs while no field does is rewritten silently: no diff, counted unchanged.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import RECORD_MODEL, Model, spec_for
from pmsgate.kit.ids import new_id
from pmsgate.models.records import RECORD_TABLES
from pmsgate.records.serialize import plain
from pmsgate.sync.pages import PageDigests, Reader
from pmsgate.sync.repository import SyncRepository
from pmsgate.sync.seen import SeenKeys
from pmsgate.webhooks.events import record_data_events


@dataclass
class PageStats:
    new: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    new_property_ids: list[tuple[str, str]] = field(default_factory=list)  # (property_id, x_id)
    stored: dict[str, list[str]] = field(default_factory=dict)  # ids of the page's stored rows, by model

    def rows(self) -> int:
        """Rows the page holds in the store (new, changed or unchanged)."""
        return sum(self.new.values()) + sum(self.updated.values()) + sum(self.unchanged.values())


@dataclass(frozen=True)
class UpsertContext:
    integration_id: str
    now: datetime
    job_id: str | None
    record_diffs: bool  # off during an integration's first sync
    disabled_property_ids: frozenset[str] = frozenset()
    seen: SeenKeys | None = None  # a complete read of the page's model: unchanged rows not written
    reader: Reader | None = None  # that complete read (its own page digests survive its writes)
    # Models whose table held none of the integration's rows when this read began (a first
    # sync on PostgreSQL): their keys are not looked up; the store's unique index arbitrates a
    # key met twice and the upsert says how many rows it inserted (SyncRepository.empty_models).
    unstored: frozenset[Model] = frozenset()
    # Of a complete read: the tables whose keys pages of other reads hold, known when it began
    # (PageDigests.held_by_others); a drop empties one for the rest of the read. None: unknown.
    held: set[str] | None = None


def content_hash(values: dict[str, Any]) -> str:
    encoded = orjson.dumps(values, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


def _row(ctx: UpsertContext, model: Model, record: CanonicalRecord) -> dict[str, Any]:
    spec = spec_for(model)
    # The fields' values as they are: no canonical field is a model (tests/sync/test_upsert_rows.py),
    # so model_dump's converted copy is not needed.
    values = dict(record.__dict__)
    values.update(spec.reference_values(ctx.integration_id, record))
    return {
        **values,
        "id": spec.id_for(ctx.integration_id, record.x_id),
        "integration_id": ctx.integration_id,
        "content_hash": content_hash(values),
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "last_seen": ctx.now,
        "unseen": False,
    }


# Not data of the record: a diff never shows them (last_seen moves on every sync).
_SYSTEM = frozenset(
    {"created_at", "updated_at", "last_seen", "content_hash", "id", "integration_id", "unseen"}
)


def _changes(previous: dict[str, Any], current: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for key, value in current.items():
        if key in _SYSTEM:
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
    added: dict[str, int] = {}
    written: set[str] = set()
    for model, keyed in by_model.items():
        table = RECORD_TABLES[model]
        rows = [_row(ctx, model, record) for record in keyed.values()]
        if ctx.disabled_property_ids and model is not Model.PROPERTIES:
            kept = [row for row in rows if row.get("property_id") not in ctx.disabled_property_ids]
            stats.skipped[model] += len(rows) - len(kept)
            rows = kept
        existing = (
            {}
            if model in ctx.unstored
            else repository.existing_keys(table, ctx.integration_id, [row["x_id"] for row in rows])
        )
        # Whole stored rows only for the changed ones (their diffs): a re-sync of unchanged
        # data reads two narrow columns per record.
        changed = [
            r["x_id"] for r in rows if r["x_id"] in existing and existing[r["x_id"]][0] != r["content_hash"]
        ]
        previous_rows = repository.existing(table, ctx.integration_id, changed)
        to_write, unchanged = [], []
        for row in rows:
            known = existing.get(row["x_id"])
            if known is None:
                to_write.append(row)
                stats.new[model] += 1
                if model is Model.PROPERTIES:
                    stats.new_property_ids.append((row["id"], row["x_id"]))
                if ctx.record_diffs:
                    diffs.append(_diff(ctx, model, row["id"], "NEW", {"new": _changes({}, row)[1]}))
            elif known[0] != row["content_hash"]:
                row["created_at"] = known[1]
                to_write.append(row)
                old = previous_rows.get(row["x_id"], {})
                previous, new = _changes(old, row)
                if not previous and not new:  # same values, hash of an older algorithm
                    stats.unchanged[model] += 1
                    continue
                stats.updated[model] += 1
                if ctx.record_diffs:
                    diffs.append(_diff(ctx, model, row["id"], "UPDATE", {"previous": previous, "new": new}))
            else:
                if ctx.seen is not None and not known[3]:
                    ctx.seen.add(known[2])  # seen, not written: the model's stamp covers it
                else:
                    unchanged.append(known[2])  # the stored row's id: last_seen bumped, unseen cleared
                stats.unchanged[model] += 1
        stats.stored[model.value] = [row["id"] for row in rows]
        # Pages other reads met holding these rows no longer map to what is stored.
        if to_write and (ctx.held is None or model.value in ctx.held):
            PageDigests.from_session(session).drop_holding(ctx.integration_id, model.value, ctx.reader)
            if ctx.held is not None:
                ctx.held.discard(model.value)
        inserted = repository.upsert(table, to_write, all_new=not existing)
        if inserted is not None and inserted < stats.new[model]:  # stored since the lookup, or not looked up
            stats.updated[model] += stats.new[model] - inserted
            stats.new[model] = inserted
        added[model.value] = stats.new[model]
        repository.touch(table, unchanged, ctx.now)
        if to_write or unchanged:
            written.add(model.value)
    repository.add_counts(ctx.integration_id, added, written)
    repository.add_diffs(diffs)
    record_data_events(session, ctx, diffs)  # the diffs' webhook events, in this transaction
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
