"""Engine, sessions and the unit of work.

The unit of work lives at the edge: a request dependency or a task wrapper opens a session,
commits on success and rolls back on error; services only flush. Work that must happen only
once the data is durable (enqueueing a job) is registered with `after_commit` and dropped on
rollback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

_AFTER_COMMIT = "pmsgate_after_commit"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed while a worker writes; busy_timeout waits instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str, *, pooled: bool = True) -> Engine:
    pool_args: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool_args)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if pooled:
        pool_args = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
    return create_engine(url, **pool_args)


@lru_cache
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    from pmsgate.config import get_settings

    return _engine_for(get_settings().sqlalchemy_url)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@lru_cache
def _sessionmaker_for(url: str) -> sessionmaker[Session]:
    return make_sessionmaker(_engine_for(url))


def session_factory() -> sessionmaker[Session]:
    """The process-wide sessionmaker for the configured database."""
    from pmsgate.config import get_settings

    return _sessionmaker_for(get_settings().sqlalchemy_url)


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's transaction commits; forget it on rollback."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:
        callback()


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


@contextmanager
def unit_of_work(factory: sessionmaker[Session] | None = None) -> Iterator[Session]:
    session = (factory or session_factory())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
