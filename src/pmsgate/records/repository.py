"""All SQL of the record tables: scoped lists with filters and order-by, lookups by id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, Table, func, select
from sqlalchemy.orm import Session

from pmsgate.canonical.registry import Model
from pmsgate.kit.pagination import ListParams
from pmsgate.models.integrations import Integration
from pmsgate.models.records import RECORD_TABLES


def visible_integrations(customer_id: str) -> Any:
    """Integrations a customer may read: its own, not archived."""
    return select(Integration.id).where(
        Integration.customer_id == customer_id, Integration.is_archived.is_(False)
    )


class RecordRepository:
    def __init__(self, session: Session, model: Model) -> None:
        self.session = session
        self.model = model
        self.table: Table = RECORD_TABLES[model]

    @classmethod
    def from_session(cls, session: Session, model: Model) -> RecordRepository:
        return cls(session, model)

    def _base(self, customer_id: str, columns: Sequence[Any]) -> Any:
        return (
            select(*columns)
            .select_from(self.table.join(Integration, Integration.id == self.table.c.integration_id))
            .where(self.table.c.integration_id.in_(visible_integrations(customer_id)))
        )

    def page(
        self, customer_id: str, clauses: Sequence[ColumnElement[bool]], params: ListParams
    ) -> tuple[list[RowMapping], int]:
        columns = [*self.table.c, Integration.vendor]
        query = self._base(customer_id, columns).where(*clauses)
        order = [
            (self.table.c[name].desc() if direction == "desc" else self.table.c[name].asc())
            for name, direction in params.order_by
        ]
        order.append(self.table.c.id.asc())  # tie-breaker: pages never overlap
        rows = self.session.execute(query.order_by(*order).offset(params.offset).limit(params.limit))
        total = self.session.execute(self._base(customer_id, [func.count()]).where(*clauses)).scalar_one()
        return list(rows.mappings()), int(total)

    def get(self, customer_id: str, record_id: str) -> RowMapping | None:
        query = self._base(customer_id, [*self.table.c, Integration.vendor]).where(
            self.table.c.id == record_id
        )
        return self.session.execute(query).mappings().first()

    def by_column(self, column: str, values: Sequence[str]) -> list[RowMapping]:
        if not values:
            return []
        query = select(self.table).where(self.table.c[column].in_(values)).order_by(self.table.c.id)
        return list(self.session.execute(query).mappings())

    def exists_in_integration(self, integration_id: str, record_id: str) -> RowMapping | None:
        query = select(self.table).where(
            self.table.c.id == record_id, self.table.c.integration_id == integration_id
        )
        return self.session.execute(query).mappings().first()
