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
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import NullPool

from pmsgate.config import get_settings

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
    return _engine_for(get_settings().sqlalchemy_url)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@lru_cache
def _sessionmaker_for(url: str) -> sessionmaker[Session]:
    return make_sessionmaker(_engine_for(url))


def statement_sessionmaker(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions of `factory`'s engine whose statements each run on their own (autocommit), for
    requests that only read. PostgreSQL's READ COMMITTED gives each statement of a transaction
    its own snapshot anyway (and pysqlite opens no transaction for a SELECT), so nothing is
    lost; what goes are the BEGIN and COMMIT round trips, two of a list request's eight."""
    engine = factory.kw["bind"]
    return make_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))


def session_factory() -> sessionmaker[Session]:
    """The process-wide sessionmaker for the configured database."""
    return _sessionmaker_for(get_settings().sqlalchemy_url)


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's transaction commits; forget it on rollback.

    Only the outermost commit runs callbacks: releasing a SAVEPOINT (`begin_nested`) fires
    SQLAlchemy's `after_commit` too, and work sent then (a queue message) reached a worker
    before its rows were visible, so the worker dropped it and the reaper found it minutes
    later. A rolled-back SAVEPOINT forgets only the callbacks registered inside it."""
    owner = session.get_nested_transaction()  # None: the outermost transaction
    session.info.setdefault(_AFTER_COMMIT, []).append((owner, callback))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: nothing is durable yet
        return
    callbacks = session.info.pop(_AFTER_COMMIT, [])
    for _owner, callback in callbacks:
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(_AFTER_COMMIT, None)
        return
    kept = [(owner, cb) for owner, cb in session.info.get(_AFTER_COMMIT, []) if not _within(owner, previous)]
    session.info[_AFTER_COMMIT] = kept


def _within(owner: SessionTransaction | None, transaction: SessionTransaction) -> bool:
    while owner is not None:
        if owner is transaction:
            return True
        owner = owner.parent
    return False


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
