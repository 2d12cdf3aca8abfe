"""Sync runs (one row per run, a state machine with a checkpoint) and data diffs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from pmsgate.kit.sqltypes import JSONType, UTCDateTime
from pmsgate.models.base import Base, Keyed, Timestamped, WorkerHeld


class SyncRun(Keyed, WorkerHeld, Timestamped, Base):
    __tablename__ = "sync_runs"
    __table_args__ = (
        # At most one live run per integration, however many workers race for it.
        Index(
            "uq_sync_runs_one_live_per_integration",
            "integration_id",
            unique=True,
            sqlite_where=text("status IN ('QUEUED', 'RUNNING')"),
            postgresql_where=text("status IN ('QUEUED', 'RUNNING')"),
        ),
        Index("ix_sync_runs_integration_created", "integration_id", "created_at"),
    )

    integration_id: Mapped[str] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # SCHEDULED | MANUAL | BACK | FIRST
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    models: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    modified_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_first_sync: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Resume point: {"model": "...", "token": <connector page token>} of the last committed page.
    checkpoint: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    counts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    successful_job_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    failed_job_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # RUNNING with no worker: parked between slices (deferred by the PMS's budget or to let
    # others run); run_after says when it may continue.
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class DataDiff(Keyed, Base):
    __tablename__ = "data_diffs"
    __table_args__ = (Index("ix_data_diffs_integration_created", "integration_id", "created_at"),)

    integration_id: Mapped[str] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(40), nullable=False)
    model_record_id: Mapped[str] = mapped_column(String(40), nullable=False)
    event_type: Mapped[str] = mapped_column(String(8), nullable=False)  # NEW | UPDATE
    data_diff: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    job_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
