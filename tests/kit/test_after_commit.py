"""`after_commit` work runs once the outermost transaction commits: not when a SAVEPOINT is
released (the data is not durable yet), and a rolled-back SAVEPOINT forgets only its own."""

from __future__ import annotations

from sqlalchemy import text

from pmsgate.kit.db import after_commit, session_factory, unit_of_work


def test_a_released_savepoint_sends_nothing_and_the_commit_sends_everything() -> None:
    sent: list[str] = []
    with unit_of_work(session_factory()) as session:
        session.execute(text("SELECT 1"))
        for name in ("first", "second"):
            with session.begin_nested():
                session.execute(text("SELECT 1"))
            after_commit(session, lambda name=name: sent.append(name))  # type: ignore[misc]
        with session.begin_nested():  # a third savepoint, released after both registrations
            session.execute(text("SELECT 1"))
        assert sent == []  # nothing durable yet
    assert sent == ["first", "second"]


def test_a_rolled_back_savepoint_forgets_only_what_was_registered_inside_it() -> None:
    sent: list[str] = []
    with unit_of_work(session_factory()) as session:
        session.execute(text("SELECT 1"))
        after_commit(session, lambda: sent.append("before"))
        try:
            with session.begin_nested():
                after_commit(session, lambda: sent.append("inside"))
                with session.begin_nested():
                    after_commit(session, lambda: sent.append("nested inside"))
                raise LookupError
        except LookupError:
            pass
        with session.begin_nested():
            after_commit(session, lambda: sent.append("after"))
    assert sent == ["before", "after"]


def test_a_rollback_forgets_everything() -> None:
    sent: list[str] = []
    session = session_factory()()
    session.execute(text("SELECT 1"))
    after_commit(session, lambda: sent.append("lost"))
    session.rollback()
    session.execute(text("SELECT 1"))
    session.commit()
    session.close()
    assert sent == []
