"""Storing attempt outcomes: the attempt row, the delivery's next state, the webhook's health.

A webhook that has failed continuously for `webhook_disable_after_hours` is disabled: its
delivery log gets a notice, and a JOB_FAILURE event (job_type WEBHOOK_DELIVERY) tells the
customer's other subscriptions and the event feed. PUT `active: true` re-enables it; the
deliveries it missed wait as PENDING and go out then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from pmsgate.config import Settings
from pmsgate.kit.ids import new_id
from pmsgate.kit.timeutil import iso
from pmsgate.webhooks import events, service
from pmsgate.webhooks.delivery_store import DeliveryStore
from pmsgate.webhooks.sender import AttemptResult, next_attempt

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    delivery_id: str
    webhook_id: str
    attempts_before: int
    attempted_at: datetime
    result: AttemptResult


def _attempt_row(outcome: Outcome) -> dict[str, object]:
    result = outcome.result
    return {
        "id": new_id("wha"),
        "delivery_id": outcome.delivery_id,
        "webhook_id": outcome.webhook_id,
        "attempted_at": outcome.attempted_at,
        "status_code": result.status_code,
        "latency_ms": result.latency_ms,
        "succeeded": result.succeeded,
        "error": result.error,
        "response_excerpt": result.response_excerpt,
    }


def record(session: Session, outcomes: list[Outcome], settings: Settings, now: datetime) -> None:
    store = DeliveryStore.from_session(session)
    attempts = []
    succeeded: set[str] = set()
    failed: dict[str, str] = {}  # webhook id -> a delivery that failed (for the disable notice)
    # Successes with the same status code are one statement (most are): 1,000 per second add up.
    by_code: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.result.succeeded and outcome.result.status_code is not None:
            by_code.setdefault(outcome.result.status_code, []).append(outcome)
            succeeded.add(outcome.webhook_id)
    for code, group in by_code.items():
        finished = store.finish_succeeded([o.delivery_id for o in group], code, now)
        attempts += [_attempt_row(o) for o in group if o.delivery_id in finished]
    for outcome in outcomes:
        result = outcome.result
        if result.succeeded:
            continue
        done = outcome.attempts_before + 1
        values: dict[str, object] = {
            "last_status_code": result.status_code,
            "last_error": result.error or f"HTTP {result.status_code}",
            "updated_at": now,
        }
        retry_at = (
            next_attempt(settings.webhook_retry_delays_seconds, done, now) if result.retriable else None
        )
        if retry_at is None:
            values["status"] = "FAILED"
        else:
            values.update(status="PENDING", next_attempt_at=retry_at)
        failed.setdefault(outcome.webhook_id, outcome.delivery_id)
        if store.finish(outcome.delivery_id, values):  # else its lease ran out and it went again
            attempts.append(_attempt_row(outcome))
    store.add_attempts(attempts)
    _health(session, store, succeeded, failed, settings, now)


def _health(
    session: Session,
    store: DeliveryStore,
    succeeded: set[str],
    failed: dict[str, str],
    settings: Settings,
    now: datetime,
) -> None:
    # A success clears `failing_since` (one statement; nothing to load when none was failing).
    store.clear_failing(sorted(succeeded), now)
    webhooks = store.webhooks(sorted(set(failed) - succeeded)) if failed.keys() - succeeded else {}
    limit = timedelta(hours=settings.webhook_disable_after_hours)
    for webhook_id, webhook in webhooks.items():
        if webhook.failing_since is None:
            webhook.failing_since = now
        elif webhook.active and now - webhook.failing_since >= limit:
            reason = (
                f"disabled after failing continuously since {iso(webhook.failing_since)}; "
                "re-enable it with PUT active=true"
            )
            service.disable(webhook, reason, now)
            log.warning("webhook %s: %s", webhook_id, reason)
            store.add_attempts(
                [
                    {
                        "id": new_id("wha"),
                        "delivery_id": failed[webhook_id],
                        "webhook_id": webhook_id,
                        "attempted_at": now,
                        "status_code": None,
                        "latency_ms": None,
                        "succeeded": False,
                        "error": f"webhook {reason}",
                        "response_excerpt": None,
                    }
                ]
            )
            data = {
                "event": "JOB_FAILURE",
                "job_type": "WEBHOOK_DELIVERY",
                "webhook_id": webhook_id,
                "url": webhook.url,
                "errors": [reason],
            }
            events.emit(
                session,
                customer_id=webhook.customer_id,
                integration_id=None,
                drafts=[events.Draft("JOB_FAILURE", data)],
            )
