"""All SQL of webhook subscriptions and of the event outbox (deliveries: delivery_store.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from pmsgate.kit.pagination import ListParams
from pmsgate.kit.repository import Repository
from pmsgate.models.integrations import JobSchedule
from pmsgate.models.webhooks import Event, EventCounter, Webhook, WebhookDelivery, WebhookTrigger


class WebhookRepository(Repository):
    def add(self, *objects: object) -> None:
        self.session.add_all(objects)
        self.session.flush()

    # subscriptions
    def get_owned(self, customer_id: str, webhook_id: str) -> Webhook | None:
        webhook = self.session.get(Webhook, webhook_id)
        return webhook if webhook is not None and webhook.customer_id == customer_id else None

    def list_owned(
        self, customer_id: str, params: ListParams, *, active: bool | None
    ) -> tuple[Sequence[Webhook], int]:
        query = select(Webhook).where(Webhook.customer_id == customer_id)
        if active is not None:
            query = query.where(Webhook.active.is_(active))
        return self.page(query, Webhook, params)

    def triggers_of(self, webhook_ids: Sequence[str]) -> dict[str, list[WebhookTrigger]]:
        found: dict[str, list[WebhookTrigger]] = {w: [] for w in webhook_ids}
        if webhook_ids:
            rows = self.session.scalars(
                select(WebhookTrigger)
                .where(WebhookTrigger.webhook_id.in_(webhook_ids))
                .order_by(WebhookTrigger.trigger, WebhookTrigger.id)
            )
            for trigger in rows:
                found[trigger.webhook_id].append(trigger)
        return found

    def replace_triggers(self, webhook_id: str, triggers: list[WebhookTrigger]) -> None:
        self.session.execute(delete(WebhookTrigger).where(WebhookTrigger.webhook_id == webhook_id))
        self.add(*triggers)

    def delete(self, webhook: Webhook) -> None:
        self.session.execute(delete(Webhook).where(Webhook.id == webhook.id))

    def subscriptions(self, customer_id: str) -> list[tuple[str, str, str | None]]:
        """(webhook_id, trigger, model) of the customer's active webhooks."""
        rows = self.session.execute(
            select(WebhookTrigger.webhook_id, WebhookTrigger.trigger, WebhookTrigger.model)
            .join(Webhook, Webhook.id == WebhookTrigger.webhook_id)
            .where(Webhook.customer_id == customer_id, Webhook.active.is_(True))
        )
        return [(row[0], row[1], row[2]) for row in rows]

    def job_schedule(self, integration_id: str) -> JobSchedule | None:
        return self.session.scalars(
            select(JobSchedule).where(JobSchedule.integration_id == integration_id).order_by(JobSchedule.id)
        ).first()

    # the outbox
    def advance_counter(self, scope: str, count: int) -> int:
        """Add `count` to the scope's counter and return the new value. The row stays locked until
        commit (PostgreSQL), so numbers of one scope are committed in the order they are taken."""
        dialect = self.session.get_bind().dialect.name
        insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert_fn(EventCounter).values(scope=scope, value=count)
        upsert = statement.on_conflict_do_update(
            index_elements=[EventCounter.scope], set_={"value": EventCounter.value + statement.excluded.value}
        ).returning(EventCounter.value)
        return int(self.session.execute(upsert).scalar_one())

    def insert_events(self, rows: list[dict[str, Any]]) -> None:
        self.insert_rows(Event, rows)

    def insert_deliveries(self, rows: list[dict[str, Any]]) -> None:
        self.insert_rows(WebhookDelivery, rows)

    def feed(
        self,
        customer_id: str,
        *,
        after: int,
        limit: int,
        integration_id: str | None,
        model: str | None,
        event_type: str | None,
        since: datetime | None,
    ) -> list[Event]:
        query = select(Event).where(Event.customer_id == customer_id, Event.customer_sequence > after)
        if integration_id:
            query = query.where(Event.integration_id == integration_id)
        if model:
            query = query.where(Event.model == model)
        if event_type:
            query = query.where(Event.type == event_type)
        if since:
            query = query.where(Event.created_at >= since)
        return list(self.session.scalars(query.order_by(Event.customer_sequence).limit(limit)))

    def events_since(self, customer_id: str, since: datetime, after: int, limit: int) -> list[Event]:
        return list(
            self.session.scalars(
                select(Event)
                .where(
                    Event.customer_id == customer_id,
                    Event.created_at >= since,
                    Event.customer_sequence > after,
                )
                .order_by(Event.customer_sequence)
                .limit(limit)
            )
        )

    def prune_events(self, before: datetime, batch: int = 2000) -> int:
        ids = list(self.session.scalars(select(Event.id).where(Event.created_at < before).limit(batch)))
        if ids:
            self.session.execute(delete(Event).where(Event.id.in_(ids)))
        return len(ids)
