"""All SQL of sync runs and data diffs, and the batched upsert of record pages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy import insert as insert_statement
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pmsgate.kit.pagination import ListParams
from pmsgate.models.integrations import Integration
from pmsgate.models.sync import DataDiff, SyncRun
from pmsgate.sync.states import LIVE, RunStatus

# SQLite allows 32766 bound parameters per statement; ~45 columns a row.
_IN_CHUNK = 500


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class SyncRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: Session) -> SyncRepository:
        return cls(session)

    def add(self, *objects: object) -> None:
        self.session.add_all(objects)

    def get(self, run_id: str) -> SyncRun | None:
        return self.session.get(SyncRun, run_id)

    def live_run(self, integration_id: str) -> SyncRun | None:
        return self.session.scalars(
            select(SyncRun).where(SyncRun.integration_id == integration_id, SyncRun.status.in_(LIVE))
        ).first()

    def claim(self, run_id: str, worker: str, now: datetime, stale_before: datetime) -> bool:
        """Atomically move a QUEUED run (or a RUNNING one whose worker stopped beating) to RUNNING."""
        result = self.session.execute(
            update(SyncRun)
            .where(
                SyncRun.id == run_id,
                or_(
                    SyncRun.status == RunStatus.QUEUED,
                    and_(SyncRun.status == RunStatus.RUNNING, SyncRun.heartbeat_at < stale_before),
                ),
            )
            .values(
                status=RunStatus.RUNNING,
                worker=worker,
                heartbeat_at=now,
                started_at=func.coalesce(SyncRun.started_at, now),
                attempts=SyncRun.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    def stale_or_lost(self, stale_before: datetime, queued_before: datetime) -> list[str]:
        """Runs whose worker died (stale heartbeat) or whose queue message was lost."""
        return list(
            self.session.scalars(
                select(SyncRun.id).where(
                    or_(
                        and_(SyncRun.status == RunStatus.RUNNING, SyncRun.heartbeat_at < stale_before),
                        and_(SyncRun.status == RunStatus.QUEUED, SyncRun.created_at < queued_before),
                    )
                )
            )
        )

    def runs_of(self, integration_id: str, params: ListParams) -> tuple[Sequence[SyncRun], int]:
        query = select(SyncRun).where(SyncRun.integration_id == integration_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        order = [
            getattr(SyncRun, name).desc() if d == "desc" else getattr(SyncRun, name).asc()
            for name, d in params.order_by
        ]
        rows = self.session.scalars(
            query.order_by(*order, SyncRun.id).offset(params.offset).limit(params.limit)
        )
        return rows.all(), int(total)

    # records
    def existing(self, table: Table, integration_id: str, x_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(x_ids):
            rows = self.session.execute(
                select(table).where(table.c.integration_id == integration_id, table.c.x_id.in_(chunk))
            ).mappings()
            found.update({row["x_id"]: dict(row) for row in rows})
        return found

    def upsert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert new rows, overwrite changed ones; `id` and `created_at` never change."""
        if not rows:
            return
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        keep = {"id", "created_at", "integration_id", "x_id"}
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.integration_id, table.c.x_id],
            set_={c.name: statement.excluded[c.name] for c in table.c if c.name not in keep},
        )
        # One cached statement, executed for many rows: SQLAlchemy batches them into multi-row
        # INSERTs itself ("insertmanyvalues"), without compiling a statement per page.
        self.session.execute(statement, rows)

    def touch(self, table: Table, integration_id: str, x_ids: Sequence[str], now: datetime) -> None:
        for chunk in _chunks(x_ids):
            self.session.execute(
                update(table)
                .where(table.c.integration_id == integration_id, table.c.x_id.in_(chunk))
                .values(last_seen=now)
                .execution_options(synchronize_session=False)
            )

    # data diffs
    def add_diffs(self, diffs: list[dict[str, Any]]) -> None:
        if diffs:
            self.session.execute(insert_statement(DataDiff), diffs)

    def list_diffs(
        self,
        customer_id: str,
        params: ListParams,
        *,
        integration_id: str | None,
        vendor: str | None,
        before: datetime | None,
        after: datetime | None,
    ) -> tuple[list[tuple[DataDiff, str]], int]:
        query = (
            select(DataDiff, Integration.vendor)
            .join(Integration, Integration.id == DataDiff.integration_id)
            .where(Integration.customer_id == customer_id, Integration.is_archived.is_(False))
        )
        if integration_id:
            query = query.where(DataDiff.integration_id == integration_id)
        if vendor:
            query = query.where(Integration.vendor == vendor)
        if before:
            query = query.where(DataDiff.created_at < before)
        if after:
            query = query.where(DataDiff.created_at > after)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        order = [
            getattr(DataDiff, name).desc() if d == "desc" else getattr(DataDiff, name).asc()
            for name, d in params.order_by
        ]
        rows = self.session.execute(
            query.order_by(*order, DataDiff.id).offset(params.offset).limit(params.limit)
        )
        return [(row[0], row[1]) for row in rows], int(total)
