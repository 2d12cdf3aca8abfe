"""All SQL of deliveries and attempts: the claim, results, leases, the log, recovery, pruning.

A delivery row moves PENDING ──claim──> DELIVERING ──> SUCCEEDED | PENDING (retry later) | FAILED.
The claim is a conditional update (and FOR UPDATE SKIP LOCKED on PostgreSQL) that sets a
lease; a DELIVERING row whose lease ran out (its process died) goes back to PENDING.
Deliveries with the same ordering key (a record id) of the same webhook are claimed one at a
time in sequence order: a row waits while an earlier one of its key is PENDING or DELIVERING.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from pmsgate.kit.pagination import ListParams
from pmsgate.models.webhooks import Event, Webhook, WebhookAttempt, WebhookDelivery
from pmsgate.webhooks.schemas import TEST_EVENT

UNFINISHED = ("PENDING", "DELIVERING")
D = WebhookDelivery


@dataclass(frozen=True)
class ClaimedDelivery:
    delivery_id: str
    webhook_id: str
    event_id: str
    attempts: int
    payload: dict[str, Any]


def _sendable() -> Any:
    """The webhook is active, or the delivery is a test (tests go out to inactive webhooks too)."""
    return or_(Webhook.active.is_(True), D.event_type == TEST_EVENT)


class DeliveryStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: Session) -> DeliveryStore:
        return cls(session)

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    # the delivery loop
    def due_webhooks(self, now: datetime) -> list[str]:
        query = (
            select(D.webhook_id)
            .join(Webhook, Webhook.id == D.webhook_id)
            .where(D.status == "PENDING", D.next_attempt_at <= now, _sendable())
            .distinct()
        )
        return list(self.session.scalars(query))

    def claim(self, webhook_id: str, now: datetime, limit: int, lease_until: datetime) -> list[str]:
        earlier = aliased(WebhookDelivery)
        blocked = exists().where(
            earlier.webhook_id == D.webhook_id,
            earlier.ordering_key == D.ordering_key,
            earlier.customer_sequence < D.customer_sequence,
            earlier.status.in_(UNFINISHED),
        )
        query = (
            select(D.id)
            .join(Webhook, Webhook.id == D.webhook_id)
            .where(
                D.webhook_id == webhook_id,
                D.status == "PENDING",
                D.next_attempt_at <= now,
                _sendable(),
                or_(D.ordering_key.is_(None), ~blocked),
            )
            .order_by(D.customer_sequence)
            .limit(limit)
        )
        if self._postgres:
            query = query.with_for_update(of=D, skip_locked=True)
        ids = list(self.session.scalars(query))
        if not ids:
            return []
        claimed = self.session.scalars(
            update(D)
            .where(D.id.in_(ids), D.status == "PENDING")
            .values(status="DELIVERING", lease_until=lease_until, updated_at=now)
            .returning(D.id)
            .execution_options(synchronize_session=False)
        )
        return list(claimed)

    def load(self, delivery_ids: Sequence[str]) -> list[ClaimedDelivery]:
        if not delivery_ids:
            return []
        rows = self.session.execute(
            select(D.id, D.webhook_id, D.event_id, D.attempts, Event.payload, D.customer_sequence)
            .join(Event, Event.id == D.event_id)
            .where(D.id.in_(delivery_ids))
            .order_by(D.customer_sequence)
        )
        return [ClaimedDelivery(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def webhooks(self, webhook_ids: Sequence[str]) -> dict[str, Webhook]:
        rows = self.session.scalars(select(Webhook).where(Webhook.id.in_(webhook_ids)))
        return {w.id: w for w in rows}

    def release_expired(self, now: datetime) -> int:
        """Leases that ran out (the sending process died): back to PENDING, due at once."""
        result = self.session.execute(
            update(D)
            .where(D.status == "DELIVERING", D.lease_until < now)
            .values(status="PENDING", lease_until=None, next_attempt_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def finish(self, delivery_id: str, values: dict[str, Any]) -> bool:
        """Record an attempt's outcome, unless the row is no longer ours (its lease ran out and
        another process took it)."""
        result = self.session.execute(
            update(D)
            .where(D.id == delivery_id, D.status == "DELIVERING")
            .values(attempts=D.attempts + 1, lease_until=None, **values)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount) == 1  # type: ignore[attr-defined]

    def finish_succeeded(self, delivery_ids: Sequence[str], status_code: int, now: datetime) -> set[str]:
        """`finish` for many successes with one status code; returns the ids that were still ours."""
        rows = self.session.scalars(
            update(D)
            .where(D.id.in_(delivery_ids), D.status == "DELIVERING")
            .values(
                status="SUCCEEDED",
                attempts=D.attempts + 1,
                lease_until=None,
                last_status_code=status_code,
                last_error=None,
                delivered_at=now,
                updated_at=now,
            )
            .returning(D.id)
            .execution_options(synchronize_session=False)
        )
        return set(rows)

    def add_attempts(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(WebhookAttempt), rows)

    # the log
    def list_for_webhook(
        self,
        webhook_id: str,
        params: ListParams,
        *,
        status: str | None,
        event_type: str | None,
        event_id: str | None,
        since: datetime | None,
    ) -> tuple[Sequence[WebhookDelivery], int]:
        query = select(D).where(D.webhook_id == webhook_id)
        if status:
            query = query.where(D.status == status)
        if event_type:
            query = query.where(D.event_type == event_type)
        if event_id:
            query = query.where(D.event_id == event_id)
        if since:
            query = query.where(D.created_at >= since)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        order = [getattr(D, n).desc() if d == "desc" else getattr(D, n).asc() for n, d in params.order_by]
        rows = self.session.scalars(query.order_by(*order, D.id).offset(params.offset).limit(params.limit))
        return rows.all(), int(total)

    def get_for_webhook(self, webhook_id: str, delivery_id: str) -> WebhookDelivery | None:
        delivery = self.session.get(WebhookDelivery, delivery_id)
        return delivery if delivery is not None and delivery.webhook_id == webhook_id else None

    def attempts_of(
        self, delivery_ids: Sequence[str], per_delivery: int = 20
    ) -> dict[str, list[WebhookAttempt]]:
        found: dict[str, list[WebhookAttempt]] = {d: [] for d in delivery_ids}
        if delivery_ids:
            rows = self.session.scalars(
                select(WebhookAttempt)
                .where(WebhookAttempt.delivery_id.in_(delivery_ids))
                .order_by(WebhookAttempt.attempted_at.desc(), WebhookAttempt.id)
            )
            for attempt in rows:
                if len(found[attempt.delivery_id]) < per_delivery:
                    found[attempt.delivery_id].append(attempt)
        return found

    # recovery
    def requeue(self, delivery_ids: Sequence[str], now: datetime) -> int:
        if not delivery_ids:
            return 0
        result = self.session.execute(
            update(D)
            .where(D.id.in_(delivery_ids), D.status.in_(("FAILED", "SUCCEEDED", "PENDING")))
            .values(status="PENDING", attempts=0, next_attempt_at=now, lease_until=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def failed_since(self, webhook_id: str, since: datetime) -> list[str]:
        return list(
            self.session.scalars(
                select(D.id).where(D.webhook_id == webhook_id, D.status == "FAILED", D.created_at >= since)
            )
        )

    def delivered_event_ids(self, webhook_id: str, event_ids: Sequence[str]) -> set[str]:
        if not event_ids:
            return set()
        rows = self.session.scalars(
            select(D.event_id).where(D.webhook_id == webhook_id, D.event_id.in_(event_ids))
        )
        return set(rows)

    # retention
    def prune_attempts(self, before: datetime, batch: int = 5000) -> int:
        ids = list(
            self.session.scalars(
                select(WebhookAttempt.id).where(WebhookAttempt.attempted_at < before).limit(batch)
            )
        )
        if ids:
            self.session.execute(delete(WebhookAttempt).where(WebhookAttempt.id.in_(ids)))
        return len(ids)

    def pending_for(self, webhook_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count()).where(and_(D.webhook_id == webhook_id, D.status.in_(UNFINISHED)))
            )
            or 0
        )
