"""All SQL of integrations, property configurations and job schedules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pmsgate.kit.pagination import ListParams
from pmsgate.models.integrations import Integration, JobSchedule, PropertyConfiguration
from pmsgate.models.sync import SyncRun


def _ordered(query, model, params: ListParams):  # type: ignore[no-untyped-def]
    columns = [getattr(model, name) for name, _ in params.order_by]
    order = [c.desc() if d == "desc" else c.asc() for c, (_, d) in zip(columns, params.order_by, strict=True)]
    return query.order_by(*order, model.id).offset(params.offset).limit(params.limit)


class IntegrationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: Session) -> IntegrationRepository:
        return cls(session)

    def add(self, *objects: object) -> None:
        self.session.add_all(objects)

    def get_owned(
        self, customer_id: str, integration_id: str, *, include_archived: bool = False
    ) -> Integration | None:
        query = select(Integration).where(
            Integration.id == integration_id, Integration.customer_id == customer_id
        )
        if not include_archived:
            query = query.where(Integration.is_archived.is_(False))
        return self.session.scalars(query).first()

    def get(self, integration_id: str, *, for_update: bool = False) -> Integration | None:
        query = select(Integration).where(Integration.id == integration_id)
        if for_update:
            query = query.with_for_update()
            if self.session.get_bind().dialect.name == "sqlite":
                # SQLite has no row locks: a no-op write takes the database's write lock, so
                # claims serialise exactly as FOR UPDATE makes them on PostgreSQL.
                self.session.execute(
                    update(Integration)
                    .where(Integration.id == integration_id)
                    .values(id=Integration.id)
                    .execution_options(synchronize_session=False)
                )
        return self.session.scalars(query).first()

    def list_owned(
        self, customer_id: str, params: ListParams, *, vendor: str | None, include_archived: bool
    ) -> tuple[Sequence[Integration], int]:
        query = select(Integration).where(Integration.customer_id == customer_id)
        if not include_archived:
            query = query.where(Integration.is_archived.is_(False))
        if vendor:
            query = query.where(Integration.vendor == vendor)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        return self.session.scalars(_ordered(query, Integration, params)).all(), int(total)

    def running_integration_ids(self, integration_ids: Sequence[str]) -> set[str]:
        rows = self.session.scalars(
            select(SyncRun.integration_id).where(
                SyncRun.integration_id.in_(integration_ids), SyncRun.status.in_(("QUEUED", "RUNNING"))
            )
        )
        return set(rows)

    # property configurations
    def property_configurations(
        self, integration_id: str, params: ListParams
    ) -> tuple[Sequence[PropertyConfiguration], int]:
        query = select(PropertyConfiguration).where(PropertyConfiguration.integration_id == integration_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        return self.session.scalars(_ordered(query, PropertyConfiguration, params)).all(), int(total)

    def property_configuration(
        self, integration_id: str, configuration_id: str
    ) -> PropertyConfiguration | None:
        return self.session.scalars(
            select(PropertyConfiguration).where(
                PropertyConfiguration.integration_id == integration_id,
                PropertyConfiguration.id == configuration_id,
            )
        ).first()

    # job schedules
    def schedules(self, integration_id: str, params: ListParams) -> tuple[Sequence[JobSchedule], int]:
        query = select(JobSchedule).where(JobSchedule.integration_id == integration_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        return self.session.scalars(_ordered(query, JobSchedule, params)).all(), int(total)

    def schedule(self, integration_id: str, schedule_id: str) -> JobSchedule | None:
        return self.session.scalars(
            select(JobSchedule).where(
                JobSchedule.integration_id == integration_id, JobSchedule.id == schedule_id
            )
        ).first()

    def schedule_of(self, integration_id: str) -> JobSchedule | None:
        return self.session.scalars(
            select(JobSchedule).where(JobSchedule.integration_id == integration_id)
        ).first()

    def due_schedules(self, now: object, limit: int = 100) -> Sequence[JobSchedule]:
        return self.session.scalars(
            select(JobSchedule)
            .join(Integration, Integration.id == JobSchedule.integration_id)
            .where(
                JobSchedule.status == "ACTIVE",
                JobSchedule.next_run_at <= now,
                Integration.active.is_(True),
                Integration.is_archived.is_(False),
            )
            .order_by(JobSchedule.next_run_at)
            .limit(limit)
        ).all()
