"""Response shapes of the data-diff endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmsgate.canonical.enums import Vendor
from pmsgate.kit.pagination import Meta


class DataDiffOut(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: str
    model: str
    model_record_id: str
    event_type: Literal["NEW", "UPDATE"]
    data_diff: dict[str, Any]
    created_at: datetime
    job_id: str | None
    integration_id: str
    integration_vendor: Vendor


class DataDiffList(BaseModel):
    meta: Meta
    results: list[DataDiffOut]


class SyncRunOut(BaseModel):
    id: str
    integration_id: str
    kind: Literal["FIRST", "SCHEDULED", "MANUAL", "BACK"]
    status: Literal["QUEUED", "RUNNING", "COMPLETED", "PARTIAL", "FAILED", "CANCELLED"]
    models: list[str]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    window_start: datetime | None
    modified_since: datetime | None
    successful_job_count: int
    failed_job_count: int
    counts: dict[str, Any]
    errors: list[dict[str, Any]]
    error: str | None = Field(
        default=None, description="Why the run FAILED (or which models failed in a PARTIAL run)"
    )
    attempts: int


class SyncRunList(BaseModel):
    meta: Meta
    results: list[SyncRunOut]
