"""Request-scoped dependencies: the database session (the request's unit of work)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pmsgate.kit.db import unit_of_work


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the endpoint returns, rolled back on error."""
    with unit_of_work(request.app.state.sessionmaker) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_dispatcher(request: Request) -> Any:
    return request.app.state.dispatcher


DispatcherDep = Annotated[Any, Depends(get_dispatcher)]
