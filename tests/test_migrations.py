"""The migrations against the ORM tables, on the suite's database kind: upgraded from nothing
they build exactly the tables, columns and indexes the code declares, and every migration
downgrades and upgrades again (an operator can step back from a release)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import pmsgate.models  # noqa: F401  (registers every table on Base.metadata)
from pmsgate.migrations import alembic_config, upgrade
from pmsgate.models.base import Base


def _differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgraded_schema_is_the_declared_one(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    assert _differences(empty_database_url) == []


def test_every_migration_downgrades_and_upgrades_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "base")
    assert _tables(empty_database_url) == set()
    upgrade(empty_database_url)
    assert _differences(empty_database_url) == []
