"""HTTP only: write logs. A log's raw native request/response is served through a short-lived
signed link (`/data` answers 302 to it), like a presigned URL: the link carries no API key."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from pmsgate.canonical.enums import Vendor
from pmsgate.config import get_settings
from pmsgate.customers.auth import CurrentCustomer
from pmsgate.errors import NotFound
from pmsgate.kit.deps import ListParamsDep, SessionDep
from pmsgate.kit.pagination import MAX_OFFSET, Meta, single_meta
from pmsgate.kit.timeutil import iso, utcnow
from pmsgate.models.jobs import JobLog
from pmsgate.writes.repository import WriteRepository

router = APIRouter(prefix="/v1/admin", tags=["admin"])
LINK_SECONDS = 300
TIME_RANGES = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=31),
}
WriteCategory = Literal["recurring_resident_charges", "resident_charges", "resident_payments"]


class WriteLogOut(BaseModel):
    id: str
    created_at: str
    job_id: str
    job_log_id: str
    status: Literal["SUCCESS", "PARTIAL_SUCCESS", "FAILURE"]
    integration_id: str
    job_type: str
    parameters: Any = None
    error: str | None
    name: str
    vendor: Vendor


class WriteLogsOut(BaseModel):
    class Results(BaseModel):
        logs: list[WriteLogOut]

    results: Results


class JobLogOut(BaseModel):
    id: str
    job_id: str | None
    created_at: str
    job_type: str
    status: str
    parent_job_id: str | None
    root_job_id: str
    job_schedule_id: str | None
    integration_id: str
    associated_property_id: str | None


class JobLogSingle(BaseModel):
    meta: Meta
    results: JobLogOut


def job_log_out(log: JobLog) -> dict[str, Any]:
    return {
        "id": log.id,
        "job_id": log.job_id,
        "created_at": iso(log.created_at),
        "job_type": log.job_type,
        "status": log.status,
        "parent_job_id": log.parent_job_id,
        "root_job_id": log.root_job_id,
        "job_schedule_id": None,  # write jobs are never scheduled
        "integration_id": log.integration_id,
        "associated_property_id": None,
    }


@router.get("/logs/writes/", response_model=WriteLogsOut, summary="Query write job logs")
def write_logs(
    session: SessionDep,
    customer: CurrentCustomer,
    limit: Annotated[int, Query(ge=1, le=100, description="Number of records to return")] = 100,
    offset: Annotated[int | None, Query(ge=0, le=MAX_OFFSET, description="Number of records to skip")] = 0,
    time_range: Annotated[Literal["hour", "day", "week", "month"] | None, Query()] = None,
    integration_id: Annotated[str | None, Query(description="Filter logs by integration ID")] = None,
    status: Annotated[
        Literal["SUCCESS", "PARTIAL_SUCCESS", "FAILURE"] | None, Query(description="Filter logs by status")
    ] = None,
    write_category: Annotated[
        WriteCategory | None, Query(description="Filter logs by write category")
    ] = None,
) -> dict[str, Any]:
    since = utcnow() - TIME_RANGES[time_range] if time_range else None
    rows, _total = WriteRepository.from_session(session).logs(
        customer.id,
        since=since,
        integration_id=integration_id,
        status=status,
        write_category=write_category,
        offset=offset or 0,
        limit=limit,
    )
    logs = [
        {
            "id": log.id,
            "created_at": iso(log.created_at),
            "job_id": log.job_id,
            "job_log_id": log.id,
            "status": log.status,
            "integration_id": log.integration_id,
            "job_type": log.job_type,
            "parameters": log.parameters,
            "error": log.error,
            "name": log.name,
            "vendor": vendor,
        }
        for log, vendor in rows
    ]
    return {"results": {"logs": logs}}


def _owned_log(session: Any, customer: Any, job_log_id: str) -> JobLog:
    log = WriteRepository.from_session(session).log(job_log_id, customer.id)
    if log is None:
        raise NotFound.resource("job log", job_log_id)
    return log


@router.get("/job-logs/{job_log_id}/", response_model=JobLogSingle, summary="Get log by ID")
def job_log(
    job_log_id: str,
    session: SessionDep,
    customer: CurrentCustomer,
    _params: ListParamsDep,
) -> dict[str, Any]:
    return {"meta": single_meta(), "results": job_log_out(_owned_log(session, customer, job_log_id))}


def _signature(job_log_id: str, expires: int) -> str:
    key = hashlib.sha256(("job-log-link:" + get_settings().resolved_secret_key()).encode()).digest()
    return hmac.new(key, f"{job_log_id}:{expires}".encode(), hashlib.sha256).hexdigest()


@router.get(
    "/job-logs/{job_log_id}/data",
    status_code=302,
    response_class=RedirectResponse,
    summary="Get a link to the job log raw request and response data of a write job.",
)
def job_log_data_link(
    job_log_id: str, request: Request, session: SessionDep, customer: CurrentCustomer
) -> RedirectResponse:
    _owned_log(session, customer, job_log_id)
    expires = int(time.time()) + LINK_SECONDS
    url = request.url_for("job_log_raw", job_log_id=job_log_id).include_query_params(
        expires=expires, signature=_signature(job_log_id, expires)
    )
    return RedirectResponse(str(url), status_code=302)


@router.get("/job-logs/{job_log_id}/data/raw", name="job_log_raw", include_in_schema=False)
def job_log_raw(job_log_id: str, expires: int, signature: str, session: SessionDep) -> dict[str, Any]:
    valid = hmac.compare_digest(signature, _signature(job_log_id, expires)) and expires >= time.time()
    log = session.get(JobLog, job_log_id) if valid else None
    if log is None:
        raise NotFound("this link is invalid or has expired")
    return {
        "job_log_id": log.id,
        "job_id": log.job_id,
        "parameters": log.parameters,
        "exchanges": log.exchanges,
    }
