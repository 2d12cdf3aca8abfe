"""Request-scoped dependencies: the database session (the request's unit of work)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session


def get_session(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_dispatcher(request: Request) -> Any:
    return request.app.state.dispatcher


DispatcherDep = Annotated[Any, Depends(get_dispatcher)]
