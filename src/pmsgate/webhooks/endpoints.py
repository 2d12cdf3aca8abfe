"""HTTP only: webhook configuration (the contract's shapes), the delivery log, recovery, and the
event feed under /v1/admin/events/."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from sqlalchemy.orm import Session

from pmsgate.customers.auth import CurrentCustomer
from pmsgate.errors import BadRequest
from pmsgate.kit.deps import ListParamsDep, SessionDep
from pmsgate.kit.pagination import MAX_LIMIT, ListParams, envelope, single_meta
from pmsgate.models.webhooks import Webhook, WebhookTrigger
from pmsgate.webhooks import recovery, schemas, service, views
from pmsgate.webhooks.delivery_store import DeliveryStore
from pmsgate.webhooks.repository import WebhookRepository

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks-configuration"])
events_router = APIRouter(prefix="/v1/admin/events", tags=["admin"])
_WEBHOOK_ORDER = ("created_at", "updated_at", "url", "id", "active")
_DELIVERY_ORDER = ("created_at", "updated_at", "status", "attempts", "id", "next_attempt_at")


def _aware(value: datetime | None) -> datetime | None:
    """Query and body times without an offset are UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _saved(saved: service.Saved) -> dict[str, Any]:
    return {"result": views.webhook_out(saved.webhook, saved.triggers, saved.secret_shown)}


def _triggers(session: Session, webhook: Webhook) -> list[WebhookTrigger]:
    return WebhookRepository.from_session(session).triggers_of([webhook.id])[webhook.id]


@router.get("/", response_model=schemas.WebhookList, summary="Get all webhooks")
def list_webhooks(
    session: SessionDep,
    customer: CurrentCustomer,
    params: ListParamsDep,
    active: Annotated[bool | None, Query(description="Filter by active status")] = None,
) -> dict[str, Any]:
    params = params.checked(_WEBHOOK_ORDER)
    repository = WebhookRepository.from_session(session)
    rows, total = repository.list_owned(customer.id, params, active=active)
    triggers = repository.triggers_of([w.id for w in rows])
    return envelope(params, total, [views.webhook_out(w, triggers[w.id]) for w in rows])


@router.post("/", response_model=schemas.WebhookEnvelope, summary="Create a webhook")
def create_webhook(
    body: schemas.WebhookCreate, session: SessionDep, customer: CurrentCustomer
) -> dict[str, Any]:
    return _saved(service.create_webhook(session, customer, body))


@router.get("/{webhook_id}", response_model=schemas.WebhookSingle, summary="Get a webhook by ID")
def get_webhook(
    webhook_id: str, session: SessionDep, customer: CurrentCustomer, _params: ListParamsDep
) -> dict[str, Any]:
    webhook = service.owned(session, customer, webhook_id)
    return {"meta": single_meta(), "results": views.webhook_out(webhook, _triggers(session, webhook))}


@router.put("/{webhook_id}", response_model=schemas.WebhookEnvelope, summary="Update a webhook")
def update_webhook(
    webhook_id: str, body: schemas.WebhookUpdate, session: SessionDep, customer: CurrentCustomer
) -> dict[str, Any]:
    webhook = service.owned(session, customer, webhook_id)
    return _saved(service.update_webhook(session, webhook, body))


@router.delete("/{webhook_id}", response_model=schemas.DeletedEnvelope, summary="Delete a webhook")
def delete_webhook(webhook_id: str, session: SessionDep, customer: CurrentCustomer) -> dict[str, Any]:
    webhook = service.owned(session, customer, webhook_id)
    service.delete_webhook(session, webhook)
    return {"result": {"id": webhook_id}}


@router.get(
    "/{webhook_id}/health",
    response_model=schemas.WebhookHealthEnvelope,
    summary="Whether the webhook is failing, or was disabled for failing, and what waits",
)
def webhook_health(webhook_id: str, session: SessionDep, customer: CurrentCustomer) -> dict[str, Any]:
    webhook = service.owned(session, customer, webhook_id)
    unfinished = DeliveryStore.from_session(session).pending_for(webhook.id)
    return {"result": views.health_out(webhook, unfinished)}


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=schemas.WebhookEnvelope,
    summary="Rotate the signing secret (the old one keeps signing during the grace period)",
)
def rotate_secret(
    webhook_id: str,
    session: SessionDep,
    customer: CurrentCustomer,
    body: Annotated[schemas.RotateSecret | None, Body()] = None,
) -> dict[str, Any]:
    webhook = service.owned(session, customer, webhook_id)
    shown = service.rotate_secret(webhook, body.secret if body else None)
    return {"result": views.webhook_out(webhook, _triggers(session, webhook), shown)}


@router.get(
    "/{webhook_id}/deliveries",
    response_model=schemas.DeliveryList,
    summary="The delivery log: every delivery of this webhook with its attempts",
)
def list_deliveries(
    webhook_id: str,
    session: SessionDep,
    customer: CurrentCustomer,
    params: ListParamsDep,
    status: Annotated[Literal["PENDING", "DELIVERING", "SUCCEEDED", "FAILED"] | None, Query()] = None,
    event_type: Annotated[str | None, Query(max_length=40)] = None,
    event_id: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[datetime | None, Query(description="Deliveries created at or after")] = None,
) -> dict[str, Any]:
    webhook = service.owned(session, customer, webhook_id)
    params = params.checked(_DELIVERY_ORDER)
    store = DeliveryStore.from_session(session)
    rows, total = store.list_for_webhook(
        webhook.id, params, status=status, event_type=event_type, event_id=event_id, since=_aware(since)
    )
    attempts = store.attempts_of([d.id for d in rows])
    return envelope(params, total, [views.delivery_out(d, attempts[d.id]) for d in rows])


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    response_model=schemas.DeliveryEnvelope,
    summary="Send a delivery again now (its retry schedule starts over)",
)
def retry_delivery(
    webhook_id: str, delivery_id: str, session: SessionDep, customer: CurrentCustomer
) -> dict[str, Any]:
    webhook = service.owned(session, customer, webhook_id)
    delivery = recovery.retry_delivery(session, webhook, delivery_id)
    attempts = DeliveryStore.from_session(session).attempts_of([delivery.id])
    return {"result": views.delivery_out(delivery, attempts[delivery.id])}


@router.post(
    "/{webhook_id}/recover",
    response_model=schemas.RecoverResult,
    summary="Resend everything this webhook did not receive since a time",
)
def recover(
    webhook_id: str, body: schemas.RecoverRequest, session: SessionDep, customer: CurrentCustomer
) -> dict[str, Any]:
    webhook = service.owned(session, customer, webhook_id)
    since = _aware(body.since)
    assert since is not None
    return {"result": recovery.recover(session, webhook, since)}


@router.post("/{webhook_id}/test", response_model=schemas.DeliveryEnvelope, summary="Send a test event")
def send_test(webhook_id: str, session: SessionDep, customer: CurrentCustomer) -> dict[str, Any]:
    webhook = service.owned(session, customer, webhook_id)
    event_id = recovery.send_test(session, webhook)
    store = DeliveryStore.from_session(session)
    params = ListParams(offset=0, limit=1, order_by=(("created_at", "desc"),))
    rows, _ = store.list_for_webhook(
        webhook.id, params, status=None, event_type=None, event_id=event_id, since=None
    )
    return {"result": views.delivery_out(rows[0], [])}


# the event feed ---------------------------------------------------------------------------


def _decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition(":")
        if kind != "c1":
            raise ValueError(kind)
        return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest.field("cursor", "not a cursor this API returned") from None


def _encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"c1:{position}".encode()).decode().rstrip("=")


@events_router.get(
    "/",
    response_model=schemas.EventFeed,
    summary="Events in commit order, from an opaque cursor (catch up without webhooks)",
)
def list_events(
    session: SessionDep,
    customer: CurrentCustomer,
    cursor: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the last page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    integration_id: Annotated[str | None, Query(max_length=40)] = None,
    model: Annotated[str | None, Query(max_length=80)] = None,
    type: Annotated[str | None, Query(max_length=40, description="DATA_NEW, SYNC_COMPLETE, …")] = None,
    since: Annotated[datetime | None, Query(description="Events created at or after")] = None,
) -> dict[str, Any]:
    after = _decode_cursor(cursor)
    rows = WebhookRepository.from_session(session).feed(
        customer.id,
        after=after,
        limit=limit + 1,
        integration_id=integration_id,
        model=model,
        event_type=type,
        since=_aware(since),
    )
    page = rows[:limit]
    position = page[-1].customer_sequence if page else after
    return {
        "results": [views.event_out(e) for e in page],
        "next_cursor": _encode_cursor(position),
        "has_more": len(rows) > limit,
    }
