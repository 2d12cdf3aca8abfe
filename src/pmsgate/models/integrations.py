"""Integrations (one per PMS account of a customer), their property configurations and
job schedules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pmsgate.kit.sqltypes import JSONType, UTCDateTime
from pmsgate.models.base import Base, CustomerOwned, Keyed, Timestamped


class Integration(CustomerOwned, Timestamped, Base):
    __tablename__ = "integrations"
    __table_args__ = (Index("ix_integrations_customer_created", "customer_id", "created_at"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    vendor: Mapped[str] = mapped_column(String(32), nullable=False)
    system: Mapped[str] = mapped_column(String(16), default="PRODUCTION", nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    credentials_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    base_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    sync_frequency: Mapped[int] = mapped_column(Integer, default=12, nullable=False)
    sync_cadence: Mapped[str] = mapped_column(String(8), default="HOUR", nullable=False)
    max_request_frequency: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    max_request_cadence: Mapped[str] = mapped_column(String(8), default="SECOND", nullable=False)
    max_job_concurrency: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    new_properties_are_enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    use_custom_sync_schedule: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    custom_sync_schedule: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    can_authenticate: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    ping_results: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    data_access: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    last_data_access_check: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    data_access_check_in_process: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    last_completed_sync: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_completed_back_sync: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Start of the last completed sync: the next incremental sync asks for changes since then.
    last_sync_cursor: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_sync_completed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class PropertyConfiguration(Keyed, Base):
    __tablename__ = "property_configurations"
    __table_args__ = (UniqueConstraint("integration_id", "property_id"),)

    integration_id: Mapped[str] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"), index=True)
    property_id: Mapped[str] = mapped_column(String(40), nullable=False)
    x_property_id: Mapped[str] = mapped_column(String(200), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class JobSchedule(Keyed, Timestamped, Base):
    """The recurring READ schedule of an integration (one per integration for now)."""

    __tablename__ = "job_schedules"

    integration_id: Mapped[str] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"), index=True)
    job_type: Mapped[str] = mapped_column(String(40), default="READ_ALL", nullable=False)
    status: Mapped[str] = mapped_column(String(10), default="ACTIVE", nullable=False)
    sync_frequency: Mapped[int] = mapped_column(Integer, nullable=False)
    sync_cadence: Mapped[str] = mapped_column(String(8), nullable=False)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    last_run: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
