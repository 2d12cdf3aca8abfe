"""Webhooks: subscriptions and their triggers, the event outbox, deliveries and attempts.

An event is written in the same transaction as the change that causes it, together with one
delivery row per matching active webhook. The delivery row is the truth about a send: the
delivery loop claims it with a conditional update and a lease, so a process that dies
mid-send leaves a row that is claimed again once the lease runs out (at-least-once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pmsgate.kit.sqltypes import JSONType, UTCDateTime
from pmsgate.models.base import Base, CustomerOwned, Keyed, Timestamped


class Webhook(CustomerOwned, Timestamped, Base):
    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_customer_created", "customer_id", "created_at"),)

    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    headers: Mapped[list[dict[str, str]] | None] = mapped_column(JSONType, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    system: Mapped[str] = mapped_column(String(16), default="PRODUCTION", nullable=False)
    secret_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    # After a rotation the old secret still signs (second signature) until it expires.
    previous_secret_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set by the first failed attempt after a success; cleared by the next success.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class WebhookTrigger(Keyed, Base):
    __tablename__ = "webhook_triggers"

    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    trigger: Mapped[str] = mapped_column(String(40), nullable=False)
    model: Mapped[str | None] = mapped_column(String(80), nullable=True)  # DATA_* only; None: every model


class EventCounter(Base):
    """Sequence counters, one row per scope (`customer:<id>`, `integration:<id>`). Incremented
    with an upsert whose row lock is held until commit, so on PostgreSQL the numbers of one
    scope commit in order, however many workers write events at once."""

    __tablename__ = "event_counters"

    scope: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False)


class Event(CustomerOwned, Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("customer_id", "customer_sequence"),
        Index("ix_events_integration_sequence", "integration_id", "sequence"),
        Index("ix_events_created", "created_at"),
    )

    integration_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    sequence: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # per integration
    customer_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)  # the feed's order
    type: Mapped[str] = mapped_column(String(40), nullable=False)
    model: Mapped[str | None] = mapped_column(String(80), nullable=True)
    record_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class WebhookDelivery(Keyed, Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at", "webhook_id"),
        Index("ix_webhook_deliveries_order", "webhook_id", "ordering_key", "customer_sequence"),
        Index("ix_webhook_deliveries_webhook_seq", "webhook_id", "status", "customer_sequence"),
        Index("ix_webhook_deliveries_event", "event_id"),
    )

    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False)
    customer_id: Mapped[str] = mapped_column(String(40), nullable=False)
    event_type: Mapped[str] = mapped_column(String(40), nullable=False)
    # Deliveries with the same key (a record id) go out one at a time, in sequence order.
    ordering_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    customer_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # PENDING DELIVERING SUCCEEDED FAILED
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class WebhookAttempt(Keyed, Base):
    """One row per try (and one per notice, such as the webhook being disabled)."""

    __tablename__ = "webhook_attempts"

    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    webhook_id: Mapped[str] = mapped_column(String(40), nullable=False)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latency_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    response_excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
