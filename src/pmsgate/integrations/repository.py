"""All SQL of integrations, property configurations and job schedules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from pmsgate.kit.pagination import ListParams
from pmsgate.kit.repository import Repository, where_given
from pmsgate.models.integrations import Integration, JobSchedule, PropertyConfiguration
from pmsgate.models.sync import SyncRun


class IntegrationRepository(Repository):
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
        return self.page(where_given(query, (Integration.vendor, vendor)), Integration, params)

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
        return self.page(query, PropertyConfiguration, params)

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
        return self.page(query, JobSchedule, params)

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
