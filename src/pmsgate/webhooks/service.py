"""Decisions about webhook subscriptions: validation, secrets and their rotation, triggers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from pmsgate.config import get_settings
from pmsgate.errors import BadRequest, NotFound
from pmsgate.kit.crypto import decrypt_json, encrypt_json
from pmsgate.kit.ids import new_id
from pmsgate.kit.outbound import check_outbound_url
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.customers import Customer
from pmsgate.models.webhooks import Webhook, WebhookTrigger
from pmsgate.webhooks.repository import WebhookRepository
from pmsgate.webhooks.schemas import DATA_TRIGGERS, Trigger, WebhookCreate, WebhookUpdate
from pmsgate.webhooks.signing import generate_secret
from pmsgate.webhooks.spec_models import SPEC_MODELS


@dataclass
class Saved:
    webhook: Webhook
    triggers: list[WebhookTrigger]
    secret_shown: str | None  # the plain secret, only in the answer that set it


def owned(session: Session, customer: Customer, webhook_id: str) -> Webhook:
    webhook = WebhookRepository.from_session(session).get_owned(customer.id, webhook_id)
    if webhook is None:
        raise NotFound.resource("webhook", webhook_id)
    return webhook


def _url(url: object) -> str:
    return check_outbound_url("url", str(url), allow_private=get_settings().webhook_urls_may_be_private)


def _model(model: str | None) -> str | None:
    if model is None:
        return None
    if model not in SPEC_MODELS:
        raise BadRequest.field("model", f"unknown model {model!r}; use a snake_case model name")
    return model


def _triggers(webhook_id: str, triggers: list[Trigger], model: str | None) -> list[WebhookTrigger]:
    unique = list(dict.fromkeys(triggers))
    return [
        WebhookTrigger(
            id=new_id("whtr"),
            webhook_id=webhook_id,
            trigger=t.value,
            model=model if t in DATA_TRIGGERS else None,
        )
        for t in unique
    ]


def encrypt_secret(secret: str) -> str:
    return encrypt_json({"secret": secret})


def decrypt_secret(token: str) -> str:
    return str(decrypt_json(token)["secret"])


def secrets_in_use(webhook: Webhook, now: datetime) -> list[str]:
    """The current secret, then the previous one while its grace period lasts."""
    found = [decrypt_secret(webhook.secret_encrypted)]
    expires = webhook.previous_secret_expires_at
    if webhook.previous_secret_encrypted and expires is not None and expires > now:
        found.append(decrypt_secret(webhook.previous_secret_encrypted))
    return found


def create_webhook(session: Session, customer: Customer, body: WebhookCreate) -> Saved:
    url = _url(body.url)
    model = _model(body.model)
    secret = body.secret or generate_secret()
    now = utcnow()
    webhook = Webhook(
        id=new_id("wh"),
        customer_id=customer.id,
        url=url,
        headers=[h.model_dump() for h in body.headers] if body.headers is not None else None,
        active=body.active,
        system="PRODUCTION",
        secret_encrypted=encrypt_secret(secret),
        created_at=now,
        updated_at=now,
    )
    triggers = _triggers(webhook.id, body.triggers, model)
    WebhookRepository.from_session(session).add(webhook, *triggers)
    return Saved(webhook, triggers, secret)


def rotate_secret(webhook: Webhook, new_secret: str | None) -> str:
    """The old secret keeps signing (as a second signature) for the grace period."""
    secret = new_secret or generate_secret()
    now = utcnow()
    grace = timedelta(hours=get_settings().webhook_secret_grace_hours)
    if grace > timedelta(0):
        webhook.previous_secret_encrypted = webhook.secret_encrypted
        webhook.previous_secret_expires_at = now + grace
    else:
        webhook.previous_secret_encrypted = None
        webhook.previous_secret_expires_at = None
    webhook.secret_encrypted = encrypt_secret(secret)
    webhook.updated_at = now
    return secret


def update_webhook(session: Session, webhook: Webhook, body: WebhookUpdate) -> Saved:
    repository = WebhookRepository.from_session(session)
    fields = body.model_fields_set
    shown = None
    if "url" in fields and body.url is not None:
        webhook.url = _url(body.url)
    if "headers" in fields:
        webhook.headers = [h.model_dump() for h in body.headers] if body.headers is not None else None
    if "active" in fields and body.active is not None:
        webhook.active = body.active
        if body.active:  # re-enabled (after an automatic disable, too): start with a clean slate
            webhook.disabled_at = None
            webhook.disabled_reason = None
            webhook.failing_since = None
    if "secret" in fields and body.secret is not None:
        shown = rotate_secret(webhook, body.secret)
    current = repository.triggers_of([webhook.id])[webhook.id]
    if body.triggers is not None:
        model = _model(body.model) if "model" in fields else _current_model(current)
        current = _triggers(webhook.id, body.triggers, model)
        repository.replace_triggers(webhook.id, current)
    elif "model" in fields:
        model = _model(body.model)
        kinds = [Trigger(t.trigger) for t in current]
        current = _triggers(webhook.id, kinds, model)
        repository.replace_triggers(webhook.id, current)
    webhook.updated_at = utcnow()
    session.flush()
    return Saved(webhook, current, shown)


def _current_model(triggers: list[WebhookTrigger]) -> str | None:
    return next((t.model for t in triggers if t.model), None)


def delete_webhook(session: Session, webhook: Webhook) -> None:
    WebhookRepository.from_session(session).delete(webhook)


def disable(webhook: Webhook, reason: str, now: datetime) -> None:
    webhook.active = False
    webhook.disabled_at = now
    webhook.disabled_reason = reason
    webhook.updated_at = now
