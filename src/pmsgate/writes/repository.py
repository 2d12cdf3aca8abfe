"""All SQL of write jobs and job logs, and what a job's retries and logs repeat of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import and_, func, or_, select, update

from pmsgate.kit.pagination import ListParams
from pmsgate.kit.repository import Repository, where_given
from pmsgate.models.integrations import Integration
from pmsgate.models.jobs import JobLog, WriteJob


class Repeated(TypedDict):
    """The columns every attempt of a job's chain, and each attempt's log, carry as the job has them."""

    customer_id: str
    integration_id: str
    vendor: str
    write_category: str
    parameters: dict[str, Any]


def repeated(job: WriteJob) -> Repeated:
    return Repeated(
        customer_id=job.customer_id,
        integration_id=job.integration_id,
        vendor=job.vendor,
        write_category=job.write_category,
        parameters=job.parameters,
    )


class WriteRepository(Repository):
    def get(self, job_id: str) -> WriteJob | None:
        return self.session.get(WriteJob, job_id)

    def owned(self, customer_id: str, job_id: str) -> WriteJob | None:
        return self.session.scalars(
            select(WriteJob).where(WriteJob.id == job_id, WriteJob.customer_id == customer_id)
        ).first()

    def by_idempotency_key(self, customer_id: str, key: str) -> WriteJob | None:
        return self.session.scalars(
            select(WriteJob).where(WriteJob.customer_id == customer_id, WriteJob.idempotency_key == key)
        ).first()

    def latest_in_chain(self, root_job_id: str) -> WriteJob | None:
        return self.session.scalars(
            select(WriteJob)
            .where(WriteJob.root_job_id == root_job_id)
            .order_by(WriteJob.created_at.desc(), WriteJob.id.desc())
        ).first()

    def claim(self, job_id: str, now: datetime, stale_before: datetime) -> bool:
        result = self.session.execute(
            update(WriteJob)
            .where(
                WriteJob.id == job_id,
                or_(
                    WriteJob.status == "PENDING",
                    and_(WriteJob.status == "RUNNING", WriteJob.heartbeat_at < stale_before),
                ),
            )
            .values(
                status="RUNNING",
                heartbeat_at=now,
                attempts=WriteJob.attempts + 1,
                updated_at=now,
                run_after=None,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    def running_count(self, integration_id: str, stale_before: datetime) -> int:
        """Jobs of an integration that a live worker is performing now."""
        return int(
            self.session.scalar(
                select(func.count()).where(
                    WriteJob.integration_id == integration_id,
                    WriteJob.status == "RUNNING",
                    WriteJob.heartbeat_at >= stale_before,
                )
            )
            or 0
        )

    def ready_pending(self, integration_id: str, now: datetime, limit: int) -> list[str]:
        """The oldest PENDING jobs of an integration that may run now (not deferred until later)."""
        return list(
            self.session.scalars(
                select(WriteJob.id)
                .where(
                    WriteJob.integration_id == integration_id,
                    WriteJob.status == "PENDING",
                    or_(WriteJob.run_after.is_(None), WriteJob.run_after <= now),
                )
                .order_by(WriteJob.created_at, WriteJob.id)
                .limit(limit)
            )
        )

    def oldest_waiting_since(self, now: datetime) -> datetime | None:
        """Since when the longest-waiting runnable PENDING job waits (queue age)."""
        return self.session.scalar(
            select(func.min(func.coalesce(WriteJob.run_after, WriteJob.created_at))).where(
                WriteJob.status == "PENDING", or_(WriteJob.run_after.is_(None), WriteJob.run_after <= now)
            )
        )

    def stale_or_lost(self, stale_before: datetime) -> list[str]:
        return list(
            self.session.scalars(
                select(WriteJob.id).where(
                    or_(
                        and_(WriteJob.status == "RUNNING", WriteJob.heartbeat_at < stale_before),
                        and_(WriteJob.status == "PENDING", WriteJob.created_at < stale_before),
                    )
                )
            )
        )

    def log(self, log_id: str, customer_id: str) -> JobLog | None:
        return self.session.scalars(
            select(JobLog).where(JobLog.id == log_id, JobLog.customer_id == customer_id)
        ).first()

    def logs(
        self,
        customer_id: str,
        *,
        since: datetime | None,
        integration_id: str | None,
        status: str | None,
        write_category: str | None,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[tuple[JobLog, str]], int]:
        query = (
            select(JobLog, Integration.vendor)
            .join(Integration, Integration.id == JobLog.integration_id)
            .where(JobLog.customer_id == customer_id)
        )
        if since is not None:
            query = query.where(JobLog.created_at >= since)
        query = where_given(
            query,
            (JobLog.integration_id, integration_id),
            (JobLog.status, status),
            (JobLog.write_category, write_category),
        )
        rows = self.session.execute(
            query.order_by(JobLog.created_at.desc(), JobLog.id.desc()).offset(offset).limit(limit)
        ).all()
        return [(row[0], row[1]) for row in rows], self.count(query)

    def job_logs(
        self,
        customer_id: str,
        params: ListParams,
        *,
        status: str | None = None,
        integration_id: str | None = None,
        job_type: str | None = None,
        of_job: str | None = None,
        spawned: bool = True,
    ) -> tuple[list[JobLog], int]:
        """Job logs of a customer's jobs; `of_job` narrows to one job (and, with `spawned`, the
        jobs it spawned: its retries, or every job of the chain when it is the root)."""
        query = where_given(
            select(JobLog).where(JobLog.customer_id == customer_id),
            (JobLog.status, status),
            (JobLog.integration_id, integration_id),
            (JobLog.job_type, job_type),
        )
        if of_job is not None:
            mine = [JobLog.job_id == of_job]
            if spawned:
                mine += [JobLog.root_job_id == of_job, JobLog.parent_job_id == of_job]
            query = query.where(or_(*mine))
        rows, total = self.page(query, JobLog, params)
        return list(rows), total
