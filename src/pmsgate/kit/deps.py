"""Request-scoped dependencies: the database session (the request's unit of work)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pmsgate.errors import BadRequest
from pmsgate.kit.db import unit_of_work
from pmsgate.kit.dispatch import Dispatcher


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
