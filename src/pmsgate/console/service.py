"""What the console pages show, always scoped to the viewer's customer (the operator view is the
one place that sees every customer, and it shows counts, never records)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pmsgate.canonical.registry import SYNC_ORDER, Model
from pmsgate.errors import NotFound
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.customers import Customer
from pmsgate.models.integrations import Integration, JobSchedule
from pmsgate.models.jobs import JobLog, WriteJob
from pmsgate.models.records import RECORD_TABLES
from pmsgate.models.sync import SyncRun
from pmsgate.models.webhooks import WebhookDelivery
from pmsgate.sync.progress import LIVE
from pmsgate.sync.states import RunStatus


@dataclass(frozen=True)
class IntegrationRow:
    integration: Integration
    last_run: SyncRun | None
    live_run: SyncRun | None
    next_sync_at: datetime | None

    @property
    def credential_problem(self) -> str | None:
        """The last data-access check's failure, in the PMS's words."""
        error = (self.integration.data_access or {}).get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if self.integration.last_data_access_check and not self.integration.can_authenticate:
            return "the PMS refused these credentials"
        return None


def _latest_runs(session: Session, integration_ids: Sequence[str]) -> dict[str, SyncRun]:
    if not integration_ids:
        return {}
    newest = (
        select(SyncRun.integration_id, func.max(SyncRun.created_at).label("created_at"))
        .where(SyncRun.integration_id.in_(integration_ids))
        .group_by(SyncRun.integration_id)
        .subquery()
    )
    rows = session.scalars(
        select(SyncRun).join(
            newest,
            (SyncRun.integration_id == newest.c.integration_id) & (SyncRun.created_at == newest.c.created_at),
        )
    )
    return {run.integration_id: run for run in rows}


def integrations(session: Session, customer: Customer) -> list[IntegrationRow]:
    found = session.scalars(
        select(Integration)
        .where(Integration.customer_id == customer.id, Integration.is_archived.is_(False))
        .order_by(Integration.created_at.desc())
    ).all()
    ids = [i.id for i in found]
    latest = _latest_runs(session, ids)
    schedules = {
        s.integration_id: s.next_run_at
        for s in session.scalars(select(JobSchedule).where(JobSchedule.integration_id.in_(ids)))
    }
    rows = []
    for integration in found:
        run = latest.get(integration.id)
        live = run if run is not None and run.status in LIVE else None
        next_at = schedules.get(integration.id) if integration.active else None
        rows.append(IntegrationRow(integration, run, live, next_at))
    return rows


def integration(session: Session, customer: Customer, integration_id: str) -> IntegrationRow:
    for row in integrations(session, customer):
        if row.integration.id == integration_id:
            return row
    raise NotFound.resource("integration", integration_id)


def record_counts(session: Session, integration_id: str) -> list[tuple[Model, int]]:
    counts = []
    for model in SYNC_ORDER:
        table = RECORD_TABLES[model]
        total = session.scalar(
            select(func.count()).select_from(table).where(table.c.integration_id == integration_id)
        )
        counts.append((model, int(total or 0)))
    return counts


def runs(session: Session, integration_id: str, limit: int = 30) -> list[SyncRun]:
    return list(
        session.scalars(
            select(SyncRun)
            .where(SyncRun.integration_id == integration_id)
            .order_by(SyncRun.created_at.desc())
            .limit(limit)
        )
    )


def run(session: Session, customer: Customer, run_id: str) -> tuple[SyncRun, Integration]:
    found = session.execute(
        select(SyncRun, Integration)
        .join(Integration, Integration.id == SyncRun.integration_id)
        .where(SyncRun.id == run_id, Integration.customer_id == customer.id)
    ).first()
    if found is None:
        raise NotFound.resource("sync run", run_id)
    return found[0], found[1]


def jobs(session: Session, customer: Customer, status: str | None = None, limit: int = 100) -> list[WriteJob]:
    query = select(WriteJob).where(WriteJob.customer_id == customer.id)
    if status:
        query = query.where(WriteJob.status == status)
    return list(session.scalars(query.order_by(WriteJob.created_at.desc(), WriteJob.id).limit(limit)))


def job(session: Session, customer: Customer, job_id: str) -> tuple[WriteJob, list[WriteJob], list[JobLog]]:
    found = session.scalars(
        select(WriteJob).where(WriteJob.id == job_id, WriteJob.customer_id == customer.id)
    ).first()
    if found is None:
        raise NotFound.resource("write job", job_id)
    chain = list(
        session.scalars(
            select(WriteJob).where(WriteJob.root_job_id == found.root_job_id).order_by(WriteJob.created_at)
        )
    )
    logs = list(
        session.scalars(
            select(JobLog)
            .where(JobLog.root_job_id == found.root_job_id, JobLog.customer_id == customer.id)
            .order_by(JobLog.created_at)
        )
    )
    return found, chain, logs


@dataclass(frozen=True)
class Lane:
    name: str
    depth: int
    oldest: datetime | None


def lanes(session: Session) -> list[Lane]:
    """Work waiting per lane, from the database rows that are the truth of each queue."""

    def lane(name: str, since: Any, *waiting: Any) -> Lane:
        depth, oldest = session.execute(select(func.count(), func.min(since)).where(*waiting)).one()
        return Lane(name, int(depth), oldest)

    return [
        lane("syncs", SyncRun.created_at, SyncRun.status == RunStatus.QUEUED.value),
        lane("writes", WriteJob.created_at, WriteJob.status == "PENDING"),
        lane(
            "data-access checks", Integration.updated_at, Integration.data_access_check_in_process.is_(True)
        ),
        lane(
            "webhook deliveries due",
            WebhookDelivery.created_at,
            WebhookDelivery.status == "PENDING",
            WebhookDelivery.next_attempt_at <= utcnow(),
        ),
    ]


@dataclass(frozen=True)
class WorkerBeat:
    worker: str
    what: str
    heartbeat_at: datetime | None


def workers(session: Session) -> list[WorkerBeat]:
    """Workers seen holding work, with their last heartbeat."""
    beats = [
        WorkerBeat(run.worker or "?", f"sync {run.id}", run.heartbeat_at)
        for run in session.scalars(
            select(SyncRun).where(SyncRun.status == RunStatus.RUNNING.value).limit(200)
        )
    ]
    beats += [
        WorkerBeat("write worker", f"write {job.id}", job.heartbeat_at)
        for job in session.scalars(select(WriteJob).where(WriteJob.status == "RUNNING").limit(200))
    ]
    return beats


def customers_overview(session: Session) -> list[dict[str, Any]]:
    integration_counts: dict[str, int] = {
        customer_id: count
        for customer_id, count in session.execute(
            select(Integration.customer_id, func.count())
            .where(Integration.is_archived.is_(False))
            .group_by(Integration.customer_id)
        ).tuples()
    }
    failed_jobs: dict[str, int] = {
        customer_id: count
        for customer_id, count in session.execute(
            select(WriteJob.customer_id, func.count())
            .where(WriteJob.status == "FAILURE")
            .group_by(WriteJob.customer_id)
        ).tuples()
    }
    return [
        {
            "customer": customer,
            "integrations": int(integration_counts.get(customer.id, 0)),
            "failed_jobs": int(failed_jobs.get(customer.id, 0)),
        }
        for customer in session.scalars(select(Customer).order_by(Customer.created_at))
    ]
