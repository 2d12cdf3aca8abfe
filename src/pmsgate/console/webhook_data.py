"""What the console's webhook pages show, scoped to the viewer's customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmsgate.errors import NotFound
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.customers import Customer
from pmsgate.models.webhooks import Webhook, WebhookAttempt, WebhookDelivery, WebhookTrigger

DELIVERY_STATUSES = ("PENDING", "DELIVERING", "SUCCEEDED", "FAILED")


@dataclass(frozen=True)
class WebhookRow:
    webhook: Webhook
    triggers: list[str]


def webhooks(session: Session, customer: Customer) -> list[WebhookRow]:
    found = session.scalars(
        select(Webhook).where(Webhook.customer_id == customer.id).order_by(Webhook.created_at)
    ).all()
    triggers: dict[str, list[str]] = {}
    if found:
        for trigger in session.scalars(
            select(WebhookTrigger).where(WebhookTrigger.webhook_id.in_([w.id for w in found]))
        ):
            label = f"{trigger.trigger}:{trigger.model}" if trigger.model else trigger.trigger
            triggers.setdefault(trigger.webhook_id, []).append(label)
    return [WebhookRow(w, sorted(triggers.get(w.id, []))) for w in found]


def webhook(session: Session, customer: Customer, webhook_id: str) -> WebhookRow:
    for row in webhooks(session, customer):
        if row.webhook.id == webhook_id:
            return row
    raise NotFound.resource("webhook", webhook_id)


@dataclass(frozen=True)
class DeliveryRow:
    delivery: WebhookDelivery
    latency_ms: int | None  # of the last attempt


def deliveries(session: Session, webhook_id: str, status: str | None, limit: int = 100) -> list[DeliveryRow]:
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if status:
        query = query.where(WebhookDelivery.status == status)
    rows = session.scalars(query.order_by(WebhookDelivery.created_at.desc()).limit(limit)).all()
    latency: dict[str, int | None] = {}
    if rows:
        attempts = session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_([d.id for d in rows]))
            .order_by(WebhookAttempt.attempted_at)
        )
        for attempt in attempts:
            latency[attempt.delivery_id] = attempt.latency_ms
    return [DeliveryRow(d, latency.get(d.id)) for d in rows]


def attempts_by_hour(
    session: Session, webhook_id: str, hours: int = 24
) -> tuple[list[str], list[float], list[float]]:
    """Succeeded and failed attempts per hour over the last `hours`, oldest first."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(hours=hours - 1)
    buckets: dict[datetime, list[int]] = {start + timedelta(hours=i): [0, 0] for i in range(hours)}
    for attempt in session.scalars(
        select(WebhookAttempt).where(
            WebhookAttempt.webhook_id == webhook_id, WebhookAttempt.attempted_at >= start
        )
    ):
        hour = attempt.attempted_at.replace(minute=0, second=0, microsecond=0)
        if hour in buckets:
            buckets[hour][0 if attempt.succeeded else 1] += 1
    labels = [hour.strftime("%H:00") for hour in buckets]
    return labels, [float(v[0]) for v in buckets.values()], [float(v[1]) for v in buckets.values()]
