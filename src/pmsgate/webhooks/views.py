"""Webhook, delivery and event rows to response shapes."""

from __future__ import annotations

from typing import Any

from pmsgate.kit.timeutil import iso
from pmsgate.kit.views import attributes
from pmsgate.models.webhooks import Event, Webhook, WebhookAttempt, WebhookDelivery, WebhookTrigger
from pmsgate.webhooks.service import decrypt_secret


def masked(secret: str) -> str:
    """What GET shows: enough to tell secrets apart, never enough to sign."""
    return f"{secret[:6]}…{secret[-4:]}" if len(secret) > 16 else "…" + secret[-2:]


def webhook_out(
    webhook: Webhook, triggers: list[WebhookTrigger], shown_secret: str | None = None
) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "created_at": iso(webhook.created_at),
        "updated_at": iso(webhook.updated_at),
        "url": webhook.url,
        "headers": webhook.headers,
        "active": webhook.active,
        "secret": shown_secret or masked(decrypt_secret(webhook.secret_encrypted)),
        "system": webhook.system,
        "triggers": [{"id": t.id, "trigger": t.trigger, "model": t.model} for t in triggers],
    }


def health_out(webhook: Webhook, unfinished: int) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "active": webhook.active,
        "failing_since": iso(webhook.failing_since),
        "disabled_at": iso(webhook.disabled_at),
        "disabled_reason": webhook.disabled_reason,
        "unfinished_deliveries": unfinished,
    }


def attempt_out(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "attempted_at": iso(attempt.attempted_at),
        **attributes(attempt, "status_code", "latency_ms", "succeeded", "error", "response_excerpt"),
    }


def delivery_out(delivery: WebhookDelivery, attempts: list[WebhookAttempt]) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "webhook_id": delivery.webhook_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.status == "PENDING" else None,
        "delivered_at": iso(delivery.delivered_at),
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": iso(delivery.created_at),
        "attempt_log": [attempt_out(a) for a in attempts],
    }


def event_out(event: Event) -> dict[str, Any]:
    return {
        **attributes(event, "id", "type", "integration_id", "model", "record_id", "sequence"),
        "created_at": iso(event.created_at),
        "payload": event.payload,
    }
