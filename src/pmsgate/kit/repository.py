"""The repository base: all SQL lives in repositories built from the session of the unit of
work (`XRepository.from_session(session)`), and a listed page is counted and ordered one way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from pmsgate.kit.pagination import ListParams


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: Session) -> Self:
        return cls(session)

    def add(self, *objects: object) -> None:
        self.session.add_all(objects)

    def insert_rows(self, model: Any, rows: list[dict[str, Any]]) -> None:
        """One batched INSERT of `rows` (plain dicts: no ORM objects, no flush)."""
        if rows:
            self.session.execute(insert(model), rows)

    def count(self, query: Select[Any]) -> int:
        return int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)

    def page(self, query: Select[Any], model: Any, params: ListParams) -> tuple[Sequence[Any], int]:
        """One page of `query`'s single entity and the total, ordered by `params` with the id as
        the last tie-breaker so pages never overlap."""
        return self.session.scalars(ordered(query, model, params)).all(), self.count(query)

    def page_rows(self, query: Select[Any], model: Any, params: ListParams) -> tuple[list[Any], int]:
        """Like `page` for a query of several columns: each row a tuple."""
        rows = self.session.execute(ordered(query, model, params))
        return [tuple(row) for row in rows], self.count(query)


def ordered(query: Select[Any], model: Any, params: ListParams) -> Select[Any]:
    order = [
        getattr(model, name).desc() if direction == "desc" else getattr(model, name).asc()
        for name, direction in params.order_by
    ]
    return query.order_by(*order, model.id.asc()).offset(params.offset).limit(params.limit)


def where_given(query: Select[Any], *conditions: tuple[Any, Any]) -> Select[Any]:
    """`query` narrowed by `column == value` for each `(column, value)` whose value was given
    (not None, not empty)."""
    for column, value in conditions:
        if value is not None and value != "":
            query = query.where(column == value)
    return query
