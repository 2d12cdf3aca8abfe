"""Write jobs (one row per attempt chain member) and their logs (one per execution attempt)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pmsgate.kit.sqltypes import JSONType, UTCDateTime
from pmsgate.models.base import Base, CustomerOwned, Keyed, Timestamped, WorkerHeld


class WriteJob(CustomerOwned, WorkerHeld, Timestamped, Base):
    __tablename__ = "write_jobs"
    __table_args__ = (
        UniqueConstraint("customer_id", "idempotency_key"),
        Index("ix_write_jobs_root", "root_job_id"),
        Index("ix_write_jobs_status_heartbeat", "status", "heartbeat_at"),
        Index("ix_write_jobs_integration_status", "integration_id", "status"),
    )

    root_job_id: Mapped[str] = mapped_column(String(40), nullable=False)
    parent_job_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    integration_id: Mapped[str] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"), index=True)
    vendor: Mapped[str] = mapped_column(String(32), nullable=False)
    operation: Mapped[str] = mapped_column(String(40), nullable=False)
    write_category: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # PENDING RUNNING SUCCESS FAILURE
    # NOT_SENT: the PMS has seen nothing; SENDING: a call may have reached it; SENT: it answered.
    phase: Mapped[str] = mapped_column(String(16), default="NOT_SENT", nullable=False)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)  # the generic body
    native: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)  # resolved vendor keys
    marker: Mapped[str] = mapped_column(String(64), nullable=False)
    target_record_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # updates
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    errors: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    created_record_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_x_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # run_after: a job deferred because the PMS was busy waits until then (a slot freeing does
    # not wake it).
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class JobLog(Keyed, Base):
    __tablename__ = "job_logs"
    __table_args__ = (Index("ix_job_logs_integration_created", "integration_id", "created_at"),)

    job_id: Mapped[str] = mapped_column(ForeignKey("write_jobs.id", ondelete="CASCADE"), index=True)
    root_job_id: Mapped[str] = mapped_column(String(40), nullable=False)
    parent_job_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    customer_id: Mapped[str] = mapped_column(String(40), nullable=False)
    integration_id: Mapped[str] = mapped_column(String(40), nullable=False)
    vendor: Mapped[str] = mapped_column(String(32), nullable=False)
    job_type: Mapped[str] = mapped_column(String(40), nullable=False)
    write_category: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # SUCCESS | FAILURE
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    exchanges: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
