"""The console's webhook pages: endpoints, the delivery log with status codes and latency, a chart
of successes and failures, and the retry, recover, test and re-enable buttons."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from pmsgate.console import webhook_data
from pmsgate.console.charts import Series, bar_chart
from pmsgate.console.deps import committed_redirect, customer_of, customer_page, form_customer, html_errors
from pmsgate.errors import BadRequest
from pmsgate.kit.deps import SessionDep
from pmsgate.kit.timeutil import parse_datetime, utcnow
from pmsgate.webhooks import recovery
from pmsgate.webhooks import service as webhooks
from pmsgate.webhooks.schemas import WebhookUpdate

router = APIRouter(prefix="/console/webhooks", include_in_schema=False)
Csrf = Annotated[str | None, Form()]


@router.get("")
@html_errors
def webhooks_page(request: Request, session: SessionDep) -> Response:
    customer = customer_of(request, session)
    return customer_page(
        request,
        "webhooks.html",
        "webhooks",
        rows=webhook_data.webhooks(session, customer),
    )


@router.get("/{webhook_id}")
@html_errors
def webhook_page(
    request: Request, webhook_id: str, session: SessionDep, status: str | None = None
) -> Response:
    customer = customer_of(request, session)
    row = webhook_data.webhook(session, customer, webhook_id)
    chosen = status if status in webhook_data.DELIVERY_STATUSES else None
    labels, succeeded, failed = webhook_data.attempts_by_hour(session, webhook_id)
    chart = bar_chart(
        "Delivery attempts per hour (last 24 h)",
        labels,
        [Series("succeeded", succeeded, "series-b"), Series("failed", failed, "series-bad")],
    )
    return customer_page(
        request,
        "webhook.html",
        "webhooks",
        row=row,
        deliveries=webhook_data.deliveries(session, webhook_id, chosen),
        status=chosen,
        statuses=webhook_data.DELIVERY_STATUSES,
        chart=chart,
        recover_from=(utcnow() - timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M"),
        notice=request.query_params.get("notice"),
    )


@router.post("/{webhook_id}/deliveries/{delivery_id}/retry")
@html_errors
def retry(
    request: Request, webhook_id: str, delivery_id: str, session: SessionDep, csrf_token: Csrf = None
) -> Response:
    customer = form_customer(request, session, csrf_token)
    recovery.retry_delivery(session, webhooks.owned(session, customer, webhook_id), delivery_id)
    return committed_redirect(session, f"/console/webhooks/{webhook_id}?notice=retry+queued")


@router.post("/{webhook_id}/recover")
@html_errors
def recover(
    request: Request,
    webhook_id: str,
    session: SessionDep,
    since: Annotated[str, Form(max_length=40)],
    csrf_token: Csrf = None,
) -> Response:
    customer = form_customer(request, session, csrf_token)
    try:
        start = parse_datetime(since)  # a browser's datetime-local value is UTC here
    except ValueError:
        raise BadRequest.field("since", "must be a date and time, e.g. 2026-12-01T08:00") from None
    counts = recovery.recover(session, webhooks.owned(session, customer, webhook_id), start)
    total = sum(counts.values())
    return committed_redirect(
        session, f"/console/webhooks/{webhook_id}?notice={total}+deliveries+queued+again"
    )


@router.post("/{webhook_id}/test")
@html_errors
def send_test(request: Request, webhook_id: str, session: SessionDep, csrf_token: Csrf = None) -> Response:
    customer = form_customer(request, session, csrf_token)
    recovery.send_test(session, webhooks.owned(session, customer, webhook_id))
    return committed_redirect(session, f"/console/webhooks/{webhook_id}?notice=test+event+queued")


@router.post("/{webhook_id}/active")
@html_errors
def set_active(
    request: Request,
    webhook_id: str,
    session: SessionDep,
    active: Annotated[str, Form()],
    csrf_token: Csrf = None,
) -> Response:
    customer = form_customer(request, session, csrf_token)
    webhook = webhooks.owned(session, customer, webhook_id)
    webhooks.update_webhook(session, webhook, WebhookUpdate(active=active == "true"))
    return committed_redirect(session, f"/console/webhooks/{webhook_id}")
