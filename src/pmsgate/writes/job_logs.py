"""HTTP only: `GET /v1/admin/logs/jobs/` and `/v1/admin/logs/jobs/{id}`, the job logs of the
caller's write jobs (one per attempt sent to the PMS, so a retried job has several)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from pmsgate.customers.auth import CurrentCustomer
from pmsgate.errors import BadRequest, NotFound
from pmsgate.kit.deps import ListParamsDep, SessionDep
from pmsgate.kit.pagination import Meta, envelope
from pmsgate.writes.logs import JobLogOut, job_log_out
from pmsgate.writes.repository import WriteRepository

router = APIRouter(prefix="/v1/admin/logs", tags=["admin"])
_ORDER = ("created_at", "status", "job_type", "integration_id", "id")


class JobLogList(BaseModel):
    meta: Meta
    results: list[JobLogOut]


@router.get("/jobs/", response_model=JobLogList, summary="Get logs", description="Get all logs")
def list_job_logs(
    session: SessionDep,
    customer: CurrentCustomer,
    params: ListParamsDep,
    status: Annotated[Literal["SUCCESS", "PARTIAL_SUCCESS", "FAILURE"] | None, Query()] = None,
    integration_id: Annotated[str | None, Query(max_length=64)] = None,
    job_type: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    params = params.checked(_ORDER)
    rows, total = WriteRepository.from_session(session).job_logs(
        customer.id, params, status=status, integration_id=integration_id, job_type=job_type
    )
    return envelope(params, total, [job_log_out(r) for r in rows])


@router.get(
    "/jobs/{id}",
    response_model=JobLogList,
    summary="Get logs by job ID",
    description="Get all logs for a job ID. This returns an array because jobs can have multiple "
    "log entries (for example, in the case of retries on failed jobs)",
)
def job_logs_of(
    id: Annotated[str, Path(max_length=64, description="The ID of the resource.")],
    session: SessionDep,
    customer: CurrentCustomer,
    params: ListParamsDep,
    include_all_jobs: Annotated[
        str,
        Query(
            description="Whether to include job logs from jobs that have spawned from the provided job id."
        ),
    ] = "true",
) -> dict[str, Any]:
    flag = include_all_jobs.strip().lower()
    if flag not in ("true", "false", "1", "0"):
        raise BadRequest.field("include_all_jobs", "must be true or false")
    params = params.checked(_ORDER)
    repository = WriteRepository.from_session(session)
    if repository.owned(customer.id, id) is None:
        raise NotFound.resource("job", id)
    rows, total = repository.job_logs(customer.id, params, of_job=id, spawned=flag in ("true", "1"))
    return envelope(params, total, [job_log_out(r) for r in rows])
