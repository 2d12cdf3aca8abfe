"""The customer's console pages: integrations, sync runs (live), write jobs, rate limits."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from pmsgate.console import service
from pmsgate.console.charts import Series, bar_chart
from pmsgate.console.deps import committed_redirect, customer_of, customer_page, form_customer, html_errors
from pmsgate.console.render import SECURITY_HEADERS
from pmsgate.integrations import service as integrations
from pmsgate.integrations.limits import budget_of
from pmsgate.integrations.schemas import IntegrationUpdate
from pmsgate.kit.deps import SessionDep
from pmsgate.sync.progress import run_progress
from pmsgate.sync.service import request_sync
from pmsgate.sync.states import RunKind
from pmsgate.writes import service as writes

router = APIRouter(prefix="/console", include_in_schema=False)
Csrf = Annotated[str | None, Form()]
JOB_STATUSES = ("PENDING", "RUNNING", "SUCCESS", "FAILURE", "PARTIAL_SUCCESS")


@router.get("/integrations")
@html_errors
def integrations_page(request: Request, session: SessionDep) -> Response:
    customer = customer_of(request, session)
    rows = service.integrations(session, customer)
    return customer_page(request, "integrations.html", "integrations", rows=rows)


def _history_chart(runs: list[Any]) -> str:
    finished = [r for r in reversed(runs) if r.finished_at and r.started_at]
    labels = [r.started_at.strftime("%m-%d %H:%M") for r in finished]
    records = [float(run_progress(r)["records"]) for r in finished]
    seconds = [round((r.finished_at - r.started_at).total_seconds(), 1) for r in finished]
    return bar_chart(
        "Records synced per run", labels, [Series("records synced", records, "series-a")]
    ) + bar_chart("Sync duration per run", labels, [Series("duration (s)", seconds, "series-b")], unit=" s")


@router.get("/integrations/{integration_id}")
@html_errors
def integration_page(request: Request, integration_id: str, session: SessionDep) -> Response:
    customer = customer_of(request, session)
    row = service.integration(session, customer, integration_id)
    runs = service.runs(session, integration_id)
    return customer_page(
        request,
        "integration.html",
        "integrations",
        row=row,
        counts=service.record_counts(session, integration_id),
        runs=[(run, run_progress(run)) for run in runs],
        chart=_history_chart(runs),
    )


@router.post("/integrations/{integration_id}/sync")
@html_errors
def start_sync(
    request: Request,
    integration_id: str,
    session: SessionDep,
    kind: Annotated[str, Form()],
    csrf_token: Csrf = None,
) -> Response:
    customer = form_customer(request, session, csrf_token)
    integration = integrations.owned(session, customer, integration_id)
    run = request_sync(
        session, integration, RunKind.BACK if kind == "back" else RunKind.MANUAL, request.app.state.dispatcher
    )
    return committed_redirect(session, f"/console/runs/{run.id}")


@router.post("/integrations/{integration_id}/active")
@html_errors
def set_active(
    request: Request,
    integration_id: str,
    session: SessionDep,
    active: Annotated[str, Form()],
    csrf_token: Csrf = None,
) -> Response:
    customer = form_customer(request, session, csrf_token)
    integration = integrations.owned(session, customer, integration_id)
    body = IntegrationUpdate(active=active == "true")
    integrations.update_integration(session, integration, body, request.app.state.dispatcher)
    return committed_redirect(session, f"/console/integrations/{integration_id}")


@router.get("/runs/{run_id}")
@html_errors
def run_page(request: Request, run_id: str, session: SessionDep) -> Response:
    customer = customer_of(request, session)
    run, integration = service.run(session, customer, run_id)
    return customer_page(
        request,
        "run.html",
        "integrations",
        run=run,
        integration=integration,
        progress=run_progress(run),
    )


@router.get("/runs/{run_id}/progress.json")
@html_errors
def run_progress_json(request: Request, run_id: str, session: SessionDep) -> Response:
    customer = customer_of(request, session)
    run, _ = service.run(session, customer, run_id)
    return JSONResponse(run_progress(run), headers=SECURITY_HEADERS)


@router.get("/jobs")
@html_errors
def jobs_page(request: Request, session: SessionDep, status: str | None = None) -> Response:
    customer = customer_of(request, session)
    chosen = status if status in JOB_STATUSES else None
    return customer_page(
        request,
        "jobs.html",
        "jobs",
        jobs=service.jobs(session, customer, chosen),
        status=chosen,
        statuses=JOB_STATUSES,
    )


@router.get("/jobs/{job_id}")
@html_errors
def job_page(request: Request, job_id: str, session: SessionDep) -> Response:
    customer = customer_of(request, session)
    job, chain, logs = service.job(session, customer, job_id)
    latest = chain[-1] if chain else job
    return customer_page(
        request,
        "job.html",
        "jobs",
        job=job,
        chain=chain,
        logs=logs,
        latest=latest,
    )


@router.post("/jobs/{job_id}/retry")
@html_errors
def retry_job(request: Request, job_id: str, session: SessionDep, csrf_token: Csrf = None) -> Response:
    customer = form_customer(request, session, csrf_token)
    job, _, _ = service.job(session, customer, job_id)
    new_job = writes.retry(session, customer, job.root_job_id, request.app.state.dispatcher)
    return committed_redirect(session, f"/console/jobs/{new_job.id}")


@router.get("/rate-limits")
@html_errors
def rate_limits_page(request: Request, session: SessionDep) -> Response:
    customer = customer_of(request, session)
    settings = request.app.state.settings
    limit = customer.rate_limit_per_minute or settings.rate_limit_per_minute
    usage = request.app.state.rate_limiter.peek(f"customer:{customer.id}", limit)
    return customer_page(
        request,
        "rate_limits.html",
        "rate-limits",
        usage=usage,
        rows=[(row, budget_of(row.integration)) for row in service.integrations(session, customer)],
    )
