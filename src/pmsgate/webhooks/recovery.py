"""Resending: one delivery, everything not delivered since a time, and test events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from pmsgate.errors import NotFound
from pmsgate.kit.db import after_commit
from pmsgate.kit.ids import new_id
from pmsgate.kit.timeutil import iso, utcnow
from pmsgate.models.webhooks import Webhook, WebhookDelivery
from pmsgate.webhooks import events
from pmsgate.webhooks.delivery_store import DeliveryStore
from pmsgate.webhooks.repository import WebhookRepository
from pmsgate.webhooks.schemas import TEST_EVENT

_RECOVER_PAGE = 1000


def retry_delivery(session: Session, webhook: Webhook, delivery_id: str) -> WebhookDelivery:
    store = DeliveryStore.from_session(session)
    delivery = store.get_for_webhook(webhook.id, delivery_id)
    if delivery is None:
        raise NotFound.resource("delivery", delivery_id)
    if delivery.status != "DELIVERING":
        store.requeue([delivery.id], utcnow())
        after_commit(session, events.notify)
    session.refresh(delivery)
    return delivery


def recover(session: Session, webhook: Webhook, since: datetime) -> dict[str, int]:
    """Requeue deliveries that failed since `since`, and create deliveries for the events since
    then that this webhook never got (it was disabled or inactive, or subscribed later)."""
    now = utcnow()
    store = DeliveryStore.from_session(session)
    repository = WebhookRepository.from_session(session)
    requeued = store.requeue(store.failed_since(webhook.id, since), now)
    subscriptions = [
        (webhook.id, t.trigger, t.model) for t in repository.triggers_of([webhook.id])[webhook.id]
    ]
    created, after = 0, 0
    while True:
        page = repository.events_since(webhook.customer_id, since, after, _RECOVER_PAGE)
        if not page:
            break
        after = page[-1].customer_sequence
        known = store.delivered_event_ids(webhook.id, [e.id for e in page])
        rows = []
        for event in page:
            draft = events.Draft(event.type, {}, model=event.model, record_id=event.record_id)
            if event.id in known or event.type == TEST_EVENT or not events.matching(subscriptions, draft):
                continue
            rows.append(
                {
                    "id": new_id("whd"),
                    "webhook_id": webhook.id,
                    "event_id": event.id,
                    "customer_id": webhook.customer_id,
                    "event_type": event.type,
                    "ordering_key": event.record_id,
                    "customer_sequence": event.customer_sequence,
                    "status": "PENDING",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        repository.insert_deliveries(rows)
        created += len(rows)
    after_commit(session, events.notify)
    return {"requeued": requeued, "created": created}


def send_test(session: Session, webhook: Webhook) -> str:
    data = {"event": TEST_EVENT, "webhook_id": webhook.id, "sent_at": iso(utcnow())}
    ids = events.emit(
        session,
        customer_id=webhook.customer_id,
        integration_id=None,
        drafts=[events.Draft(TEST_EVENT, data)],
        only_webhook_id=webhook.id,
    )
    return ids[0]
