"""The CLI talks to the store directly (embedded or scale-out: the same settings as the server)."""

from __future__ import annotations

from contextlib import AbstractContextManager

from sqlalchemy.orm import Session


def open_session() -> AbstractContextManager[Session]:
    from pmsgate.cli.server import migrate
    from pmsgate.kit.db import session_factory, unit_of_work

    migrate()
    return unit_of_work(session_factory())
