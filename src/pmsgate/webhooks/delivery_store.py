"""All SQL of deliveries and attempts: the claim, results, leases, the log, recovery, pruning.

A delivery row moves PENDING ──claim──> DELIVERING ──> SUCCEEDED | PENDING (retry later) | FAILED.
The claim is a conditional update (and FOR UPDATE SKIP LOCKED on PostgreSQL) that sets a
lease; a DELIVERING row whose lease ran out (its process died) goes back to PENDING.
Deliveries with the same ordering key (a record id) of the same webhook are claimed one at a
time in sequence order: a row waits while an earlier one of its key is PENDING or DELIVERING.

The delivery loop's statements (claim, load, finish, attempts) run thousands of times a second:
they are built once, on the tables (Core, not the ORM), with bound parameters, so each run costs
only its execution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, Text, and_, bindparam, cast, delete, exists, func, insert, or_, select, update

from pmsgate.kit.pagination import ListParams
from pmsgate.kit.repository import Repository, where_given
from pmsgate.models.webhooks import Event, Webhook, WebhookAttempt, WebhookDelivery
from pmsgate.webhooks.schemas import TEST_EVENT

UNFINISHED = ("PENDING", "DELIVERING")
D = WebhookDelivery


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


_DT = _table(WebhookDelivery)
_WT = _table(Webhook)
_ET = _table(Event)
_A = _table(WebhookAttempt)
_D, _W, _E = _DT.c, _WT.c, _ET.c


def _prepared() -> dict[str, Any]:
    """The loop's statements, built once (see the module's docstring)."""
    # The claim: the first `limit` due rows of one webhook whose record has no earlier unfinished
    # delivery (locked and skipped if taken, on PostgreSQL), then an update of those rows.
    candidate, earlier = _DT.alias("candidate"), _DT.alias("earlier")
    blocked = exists().where(
        earlier.c.webhook_id == candidate.c.webhook_id,
        earlier.c.ordering_key == candidate.c.ordering_key,
        earlier.c.customer_sequence < candidate.c.customer_sequence,
        earlier.c.status.in_(UNFINISHED),
    )
    candidates = (
        select(candidate.c.id)
        .select_from(candidate.join(_WT, _W.id == candidate.c.webhook_id))
        .where(
            candidate.c.webhook_id == bindparam("claim_webhook_id"),
            candidate.c.status == "PENDING",
            candidate.c.next_attempt_at <= bindparam("now"),
            or_(_W.active.is_(True), candidate.c.event_type == TEST_EVENT),
            or_(candidate.c.ordering_key.is_(None), ~blocked),
        )
        .order_by(candidate.c.customer_sequence)
        .limit(bindparam("claim_limit"))
    )

    return {
        "due": select(_D.webhook_id)
        .select_from(_DT.join(_WT, _W.id == _D.webhook_id))
        .where(
            _D.status == "PENDING",
            _D.next_attempt_at <= bindparam("now"),
            or_(_W.active.is_(True), _D.event_type == TEST_EVENT),
        )
        .distinct(),
        # Chosen first, then updated by id: as one `UPDATE … WHERE id IN (subquery)` the
        # PostgreSQL planner could fold the subquery into the update's plan and run the ordering
        # check far more often than once per candidate (minutes for a 10,000-row backlog).
        "candidates": candidates,
        "candidates_locked": candidates.with_for_update(of=candidate, skip_locked=True),
        "claim": update(_DT)
        .where(_D.id.in_(bindparam("ids", expanding=True)), _D.status == "PENDING")
        .values(status="DELIVERING", lease_until=bindparam("lease"), updated_at=bindparam("now"))
        .returning(_D.id),
        # The payload as stored (JSON text), sent as it is: no decoding and encoding again.
        "load": select(_D.id, _D.webhook_id, _D.event_id, _D.attempts, cast(_E.payload, Text))
        .select_from(_DT.join(_ET, _E.id == _D.event_id))
        .where(_D.id.in_(bindparam("ids", expanding=True)))
        .order_by(_D.customer_sequence),
        "versions": select(_W.id, _W.updated_at, _W.previous_secret_expires_at).where(
            _W.id.in_(bindparam("ids", expanding=True))
        ),
        "succeeded": update(_DT)
        .where(_D.id.in_(bindparam("ids", expanding=True)), _D.status == "DELIVERING")
        .values(
            status="SUCCEEDED",
            attempts=_D.attempts + 1,
            lease_until=None,
            last_status_code=bindparam("code"),
            last_error=None,
            delivered_at=bindparam("now"),
            updated_at=bindparam("now"),
        )
        .returning(_D.id),
        "attempts": insert(_A),
        "clear_failing": update(_WT)
        .where(_W.id.in_(bindparam("ids", expanding=True)), _W.failing_since.is_not(None))
        .values(failing_since=None, updated_at=bindparam("now")),
    }


_SQL = _prepared()


@dataclass(frozen=True)
class ClaimedDelivery:
    delivery_id: str
    webhook_id: str
    event_id: str
    attempts: int
    body: bytes  # the event's payload, JSON


class DeliveryStore(Repository):
    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    # the delivery loop
    def due_webhooks(self, now: datetime) -> list[str]:
        return list(self.session.scalars(_SQL["due"], {"now": now}))

    def claim(self, webhook_id: str, now: datetime, limit: int, lease_until: datetime) -> list[str]:
        params = {"claim_webhook_id": webhook_id, "now": now, "claim_limit": limit}
        candidates = _SQL["candidates_locked" if self._postgres else "candidates"]
        ids = list(self.session.scalars(candidates, params))
        if not ids:
            return []
        return list(self.session.scalars(_SQL["claim"], {"ids": ids, "lease": lease_until, "now": now}))

    def load(self, delivery_ids: Sequence[str]) -> list[ClaimedDelivery]:
        if not delivery_ids:
            return []
        rows = self.session.execute(_SQL["load"], {"ids": list(delivery_ids)})
        return [ClaimedDelivery(r[0], r[1], r[2], r[3], r[4].encode()) for r in rows]

    def webhook_versions(self, webhook_ids: Sequence[str]) -> dict[str, tuple[datetime, datetime | None]]:
        """Per webhook: `updated_at` and when its previous secret expires (what a prepared
        target depends on), without loading the webhooks."""
        rows = self.session.execute(_SQL["versions"], {"ids": list(webhook_ids)})
        return {r[0]: (r[1], r[2]) for r in rows}

    def webhooks(self, webhook_ids: Sequence[str]) -> dict[str, Webhook]:
        rows = self.session.scalars(select(Webhook).where(Webhook.id.in_(webhook_ids)))
        return {w.id: w for w in rows}

    def clear_failing(self, webhook_ids: Sequence[str], now: datetime) -> None:
        """These webhooks just had a success: they are no longer failing."""
        if webhook_ids:
            self.session.execute(_SQL["clear_failing"], {"ids": list(webhook_ids), "now": now})

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
        params = {"ids": list(delivery_ids), "code": status_code, "now": now}
        return set(self.session.scalars(_SQL["succeeded"], params))

    def add_attempts(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(_SQL["attempts"], rows)

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
        query = where_given(
            select(D).where(D.webhook_id == webhook_id),
            (D.status, status),
            (D.event_type, event_type),
            (D.event_id, event_id),
        )
        if since:
            query = query.where(D.created_at >= since)
        return self.page(query, D, params)

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
