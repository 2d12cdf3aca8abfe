"""Shared fixtures: a real database (SQLite file or PostgreSQL, chosen by PMSGATE_TEST_DB),
migrated once per session; isolation by giving each test its own customer, exactly as the
product isolates its tenants.

PMSGATE_TEST_DB=sqlite (default) | postgres. The PostgreSQL run creates and drops its own
database on 127.0.0.1:5432 (trust auth, user postgres), or on PMSGATE_TEST_PG_URL's server.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

_BACKEND = os.environ.get("PMSGATE_TEST_DB", "sqlite")
_DATA_DIR = Path(tempfile.mkdtemp(prefix="pmsgate-test-"))
_PG_ADMIN_URL = os.environ.get("PMSGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
_PG_DB = f"pmsgate_test_{secrets.token_hex(4)}"
# Scale-out tests use this Redis database and flush it; parallel checkouts pick their own.
TEST_REDIS_URL = os.environ.get("PMSGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

os.environ["PMSGATE_DATA_DIR"] = str(_DATA_DIR)
os.environ["PMSGATE_SECRET_KEY"] = Fernet.generate_key().decode()
os.environ.pop("PMSGATE_REDIS_URL", None)
# The emulators listen on loopback, which scale-out mode (the PostgreSQL run) refuses by default;
# tests of the policy itself set it per test.
os.environ["PMSGATE_ALLOW_PRIVATE_PMS_URLS"] = "true"
if _BACKEND == "postgres":
    os.environ["PMSGATE_DATABASE_URL"] = _PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{_PG_DB}"
elif _BACKEND == "sqlite":
    os.environ.pop("PMSGATE_DATABASE_URL", None)
else:
    raise RuntimeError(f"PMSGATE_TEST_DB must be sqlite or postgres, not {_BACKEND!r}")

# PMSGATE_TEST_TRAVEL_DAYS=N runs the suite with its clock N days ahead (ticking): it finds what
# will fail on a later date, such as an emulator's fixed seed date ageing out of the 365-day sync
# window. Processes the tests start keep the real clock: their tests fail there regardless.
_TRAVEL_DAYS = int(os.environ.get("PMSGATE_TEST_TRAVEL_DAYS", "0"))
if _TRAVEL_DAYS:
    from datetime import UTC, datetime, timedelta

    import time_machine

    time_machine.travel(datetime.now(UTC) + timedelta(days=_TRAVEL_DAYS), tick=True).start()

pytest_plugins = ["tests.fixtures.api", "tests.fixtures.sample"]


def _pg_admin(statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(_PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def database() -> Iterator[str]:
    from pmsgate.config import get_settings
    from pmsgate.migrations import upgrade

    if _BACKEND == "postgres":
        _pg_admin(f'CREATE DATABASE "{_PG_DB}"')
    url = get_settings().sqlalchemy_url
    upgrade(url)
    yield url
    from pmsgate.kit.db import get_engine

    get_engine().dispose()
    if _BACKEND == "postgres":
        _pg_admin(f'DROP DATABASE IF EXISTS "{_PG_DB}" WITH (FORCE)')


def pytest_report_header() -> str:
    return f"pmsgate test database: {_BACKEND}"


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of the suite's kind with nothing in it, dropped after the test."""
    if _BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"pmsgate_empty_{secrets.token_hex(4)}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield _PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
