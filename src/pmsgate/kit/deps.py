"""Request-scoped dependencies: the database session (the request's unit of work), the
dispatcher, and a list's query-string parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from pmsgate.errors import BadRequest
from pmsgate.kit.db import unit_of_work
from pmsgate.kit.dispatch import Dispatcher
from pmsgate.kit.pagination import (
    DEFAULT_LIMIT,
    DEFAULT_ORDER,
    MAX_LIMIT,
    MAX_OFFSET,
    ListParams,
    parse_order_by,
)


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the endpoint returns, rolled back on error."""
    with unit_of_work(request.app.state.sessionmaker) as session:
        yield session


# scope="function": the transaction commits before the response is sent. FastAPI's default
# ("request") ends a yield dependency after the response, so a client could be told 200 (or a
# job_id) for work whose commit then failed, or read its own write before it was committed.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_dispatcher(request: Request) -> Dispatcher:
    return request.app.state.dispatcher


DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]


async def refuse_nul(request: Request) -> None:
    """Path ids and query parameters with a NUL character are a 400 naming them, before any of
    them reaches the database (PostgreSQL refuses NUL in text: it would be a 500)."""
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if "\x00" in name or "\x00" in str(value):
            raise BadRequest.field(name.replace("\x00", "\\0"), "must not contain NUL characters")


async def list_params(
    order_by: Annotated[
        str,
        Query(
            alias="order-by",
            description="Order the results by a field. Optionally include asc or desc preceded by a colon "
            "(default is asc). Example: ?order-by=updated_at:desc",
            max_length=200,
        ),
    ] = DEFAULT_ORDER,
    offset: Annotated[
        int | None, Query(description="Can be used for paginating results", ge=0, le=MAX_OFFSET)
    ] = 0,
    limit: Annotated[
        int | None,
        Query(
            description="A number between 1 and 250 to determine the number of results to return",
            ge=1,
            le=MAX_LIMIT,
        ),
    ] = DEFAULT_LIMIT,
) -> ListParams:
    offset = 0 if offset is None else offset
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 0 <= offset <= MAX_OFFSET:
        raise BadRequest.field("offset", f"must be between 0 and {MAX_OFFSET}")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest.field("limit", f"must be between 1 and {MAX_LIMIT}")
    return ListParams(offset=offset, limit=limit, order_by=parse_order_by(order_by))


ListParamsDep = Annotated[ListParams, Depends(list_params)]
