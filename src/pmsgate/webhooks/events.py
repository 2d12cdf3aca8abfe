"""The outbox: events written in the transaction of the change that causes them.

`emit` numbers the events (per customer, the feed's order; per integration, `sequence`),
stores them, and stores one delivery per matching active webhook, all in the caller's
transaction: no change without its event, no event without its change. Once that
transaction commits, the delivery loops of this process are woken.

Callers: sync/upsert.py (DATA_NEW/DATA_UPDATE from a page's diffs, including write
read-backs), sync/engine.py (SYNC_COMPLETE, FIRST_SYNC_COMPLETE, JOB_FAILURE, JOB_SUCCESS at a
run's finish), writes/engine.py (JOB_SUCCESS, WRITE_OPERATION_FAILURE).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from pmsgate.kit.db import after_commit
from pmsgate.kit.ids import new_id
from pmsgate.kit.timeutil import iso, utcnow
from pmsgate.models.integrations import Integration
from pmsgate.models.jobs import WriteJob
from pmsgate.models.sync import SyncRun
from pmsgate.webhooks.repository import WebhookRepository
from pmsgate.webhooks.schemas import DATA_TRIGGERS, Trigger


@dataclass(frozen=True)
class Draft:
    type: str
    data: dict[str, Any]
    model: str | None = None
    record_id: str | None = None


# Delivery loops of this process register here; `emit` wakes them after commit.
_listeners: set[Callable[[], None]] = set()
_listeners_lock = threading.Lock()


def add_listener(callback: Callable[[], None]) -> None:
    with _listeners_lock:
        _listeners.add(callback)


def remove_listener(callback: Callable[[], None]) -> None:
    with _listeners_lock:
        _listeners.discard(callback)


def notify() -> None:
    with _listeners_lock:
        callbacks = list(_listeners)
    for callback in callbacks:
        callback()


def emit(
    session: Session,
    *,
    customer_id: str,
    integration_id: str | None,
    drafts: Sequence[Draft],
    only_webhook_id: str | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Store events and their deliveries in the session's transaction; returns the event ids."""
    if not drafts:
        return []
    now = now or utcnow()
    repository = WebhookRepository.from_session(session)
    count = len(drafts)
    # Always customer first, then integration: one lock order, so event writers never deadlock.
    customer_last = repository.advance_counter(f"customer:{customer_id}", count)
    integration_last = (
        repository.advance_counter(f"integration:{integration_id}", count) if integration_id else None
    )
    if only_webhook_id is not None:
        subscriptions: list[tuple[str, str, str | None]] = [(only_webhook_id, "*", None)]
    else:
        subscriptions = repository.subscriptions(customer_id)
    events: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    for index, draft in enumerate(drafts):
        event_id = new_id("evt")
        customer_sequence = customer_last - count + 1 + index
        sequence = integration_last - count + 1 + index if integration_last is not None else None
        payload = {
            "trigger": draft.type,
            "data": draft.data,
            "meta": {
                "event_id": event_id,
                "integration_id": integration_id,
                "sequence": sequence,
                "created_at": iso(now),
            },
        }
        events.append(
            {
                "id": event_id,
                "customer_id": customer_id,
                "integration_id": integration_id,
                "sequence": sequence,
                "customer_sequence": customer_sequence,
                "type": draft.type,
                "model": draft.model,
                "record_id": draft.record_id,
                "payload": payload,
                "created_at": now,
            }
        )
        for webhook_id in matching(subscriptions, draft):
            deliveries.append(
                {
                    "id": new_id("whd"),
                    "webhook_id": webhook_id,
                    "event_id": event_id,
                    "customer_id": customer_id,
                    "event_type": draft.type,
                    "ordering_key": draft.record_id,
                    "customer_sequence": customer_sequence,
                    "status": "PENDING",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    repository.insert_events(events)
    repository.insert_deliveries(deliveries)
    if deliveries:
        after_commit(session, notify)
    return [str(e["id"]) for e in events]


def matching(subscriptions: list[tuple[str, str, str | None]], draft: Draft) -> list[str]:
    chosen: list[str] = []
    for webhook_id, trigger, model in subscriptions:
        if webhook_id in chosen:
            continue
        if trigger == "*" or (
            trigger == draft.type
            and (draft.type not in DATA_TRIGGERS or model is None or model == draft.model)
        ):
            chosen.append(webhook_id)
    return chosen


# DATA_NEW / DATA_UPDATE ------------------------------------------------------------------


class DiffSource(Protocol):
    """Where a page's data diffs come from (`pmsgate.sync.upsert.UpsertContext`): the sync
    engine and the write read-back call down into this module, never the other way."""

    @property
    def integration_id(self) -> str: ...

    @property
    def job_id(self) -> str | None: ...


def record_data_events(session: Session, ctx: DiffSource, diffs: list[dict[str, Any]]) -> None:
    """The events of one upserted page's data diffs. None during an integration's first sync
    (it records no diffs) or a back-sync."""
    if not diffs:
        return
    run = session.get(SyncRun, ctx.job_id) if ctx.job_id else None
    if run is not None and (run.is_first_sync or run.kind == "BACK"):
        return
    integration = session.get(Integration, ctx.integration_id)
    if integration is None:
        return
    write_type: str | None = None
    root_job_id = ctx.job_id
    if run is None and ctx.job_id:
        job = session.get(WriteJob, ctx.job_id)
        write_type = job.operation if job is not None else "WRITE"
        root_job_id = job.root_job_id if job is not None else ctx.job_id
    drafts = []
    for diff in diffs:
        kind = Trigger.DATA_NEW if diff["event_type"] == "NEW" else Trigger.DATA_UPDATE
        change = diff["data_diff"]
        data: dict[str, Any] = {
            "event": kind.value,
            "integration_id": integration.id,
            "vendor": integration.vendor,
            "job_id": ctx.job_id,
            "root_job_id": root_job_id,
            "job_type": write_type or f"READ_{str(diff['model']).upper()}",
            "record_id": diff["model_record_id"],
            "object": str(diff["model"]).replace("_", "-"),
            "diff": change,
        }
        property_id = (change.get("new") or {}).get("property_id")
        if property_id:
            data["context"] = {"property_id": property_id}
        drafts.append(Draft(kind.value, data, model=str(diff["model"]), record_id=diff["model_record_id"]))
    emit(session, customer_id=integration.customer_id, integration_id=integration.id, drafts=drafts)


# sync runs ------------------------------------------------------------------------------


def record_sync_finished(session: Session, run: SyncRun, integration: Integration, status: str) -> None:
    base = {
        "integration_id": integration.id,
        "vendor": integration.vendor,
        "job_id": run.id,
        "root_job_id": run.id,
        "job_type": "READ_ALL",
    }
    drafts = []
    if status in ("COMPLETED", "PARTIAL"):
        kind = Trigger.FIRST_SYNC_COMPLETE if run.is_first_sync else Trigger.SYNC_COMPLETE
        schedule = WebhookRepository.from_session(session).job_schedule(integration.id)
        drafts.append(
            Draft(
                kind.value,
                {
                    "event": kind.value,
                    **base,
                    "sync_kind": run.kind,
                    "successful_job_count": run.successful_job_count,
                    "failed_job_count": run.failed_job_count,
                    "is_sync_finished": True,
                    "job_schedule": None
                    if schedule is None
                    else {
                        "id": schedule.id,
                        "sync_frequency": schedule.sync_frequency,
                        "sync_cadence": schedule.sync_cadence,
                    },
                },
            )
        )
    if status in ("FAILED", "PARTIAL"):
        errors = [f"{e.get('model')}: {e.get('error')}" for e in run.errors if e.get("error")]
        drafts.append(Draft(Trigger.JOB_FAILURE.value, {"event": "JOB_FAILURE", **base, "errors": errors}))
    if status == "COMPLETED":
        drafts.append(Draft(Trigger.JOB_SUCCESS.value, {"event": "JOB_SUCCESS", **base}))
    emit(session, customer_id=integration.customer_id, integration_id=integration.id, drafts=drafts)


# write jobs -----------------------------------------------------------------------------


def _write_base(job: WriteJob) -> dict[str, Any]:
    return {
        "integration_id": job.integration_id,
        "vendor": job.vendor,
        "job_id": job.id,
        "root_job_id": job.root_job_id,
        "job_type": job.operation,
    }


def record_write_succeeded(session: Session, job: WriteJob) -> None:
    data = {"event": "JOB_SUCCESS", **_write_base(job), "created_record_id": job.created_record_id}
    emit(
        session,
        customer_id=job.customer_id,
        integration_id=job.integration_id,
        drafts=[Draft(Trigger.JOB_SUCCESS.value, data)],
    )


def record_write_failed(session: Session, job: WriteJob) -> None:
    data = {
        "event": "WRITE_OPERATION_FAILURE",
        **_write_base(job),
        "write_status": "FAILURE",
        "errors": list(job.errors),
    }
    emit(
        session,
        customer_id=job.customer_id,
        integration_id=job.integration_id,
        drafts=[Draft(Trigger.WRITE_OPERATION_FAILURE.value, data)],
    )
