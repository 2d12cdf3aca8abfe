"""PostgreSQL's statistics of the record tables: a sync analyses the tables it grew (sync/statistics.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from pmsgate.canonical.registry import Model
from pmsgate.config import get_settings
from pmsgate.customers.repository import CustomerRepository
from pmsgate.customers.service import create_customer
from pmsgate.integrations.schemas import IntegrationCreate
from pmsgate.integrations.service import create_integration
from pmsgate.kit.db import get_engine, make_engine, make_sessionmaker, unit_of_work
from pmsgate.kit.dispatch import RecordingDispatcher
from pmsgate.migrations import upgrade
from pmsgate.models.records import RECORD_TABLES
from pmsgate.sync.engine import execute_run
from pmsgate.sync.statistics import GROWTH, TableGrowth
from tests.fixtures.sample import Served


def _analyses(engine: Engine, table: str) -> int:
    """ANALYZE commands run on `table` (autovacuum's are counted apart)."""
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :name"), {"name": table}
        ).scalar()
    return int(count or 0)


def _believed(engine: Engine, table: str) -> float:
    with engine.connect() as connection:
        tuples = connection.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)"), {"name": table}
        ).scalar()
    return max(float(tuples or 0), 0.0)


def test_a_table_is_analysed_once_a_run_grew_it_tenfold() -> None:
    engine = get_engine()
    growth = TableGrowth(engine, minimum=1000)
    if engine.dialect.name != "postgresql":
        growth.committed({Model.RESIDENT_CHARGES.value: 10**6})
        growth.close()
        assert growth.analyses == []  # SQLite's planner needs no statistics
        return
    table = RECORD_TABLES[Model.RESIDENT_CHARGES].name
    before, believed = _analyses(engine, table), _believed(engine, table)
    try:
        growth.committed({Model.RESIDENT_CHARGES.value: 999})
        growth.committed({Model.LEASES.value: 0})
        growth.close()
        assert _analyses(engine, table) == before  # under the minimum
        growth.committed({Model.RESIDENT_CHARGES.value: int((GROWTH - 1) * believed) + 1})
        growth.close()
        assert _analyses(engine, table) == before + 1
        growth.committed({Model.RESIDENT_CHARGES.value: 1000})  # not tenfold what was analysed
        growth.close()
        assert _analyses(engine, table) == before + 1
        assert [f.result() for f in growth.analyses] == [None]
    finally:
        growth.close()


@pytest.fixture
def fresh_store(empty_database_url: str) -> Iterator[Engine]:
    """An empty store whose record tables autovacuum leaves alone (so only a sync analyses them)."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in RECORD_TABLES.values():
                connection.execute(text(f"ALTER TABLE {table.name} SET (autovacuum_enabled = false)"))
    try:
        yield engine
    finally:
        engine.dispose()


def test_a_first_sync_leaves_the_tables_it_filled_analysed(
    fresh_store: Engine, sample_server: Served
) -> None:
    """Without statistics a page's 100 children were read by a sequential scan, and a plan a
    connection cached while the table was empty stayed in use as it grew."""
    if fresh_store.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    factory = make_sessionmaker(fresh_store)
    dispatcher = RecordingDispatcher()
    with unit_of_work(factory) as session:
        customer_id = create_customer(session, "statistics").customer.id
        customer = CustomerRepository.from_session(session).get(customer_id)
        assert customer is not None
        body = IntegrationCreate.model_validate(
            {
                "integration_vendor": "SAMPLE1",
                "name": "s",
                "active": True,
                "credentials": {"baseUrl": sample_server.base_url},
            }
        )
        create_integration(session, customer, body, dispatcher)
    settings = get_settings()
    minimum, settings.sync_analyze_rows = settings.sync_analyze_rows, 20
    try:
        assert execute_run(factory, dispatcher.sync_runs[0]) == "COMPLETED"
    finally:
        settings.sync_analyze_rows = minimum
    with fresh_store.connect() as connection:
        stored = {
            table.name: connection.execute(text(f"SELECT count(*) FROM {table.name}")).scalar_one()
            for table in RECORD_TABLES.values()
        }
    filled = [name for name, rows in stored.items() if rows >= 20]
    assert RECORD_TABLES[Model.RESIDENT_CHARGES].name in filled
    for name in filled:
        assert _analyses(fresh_store, name) >= 1, name
        assert _believed(fresh_store, name) > 0, name
    for name, rows in stored.items():
        if rows < 20:
            assert _analyses(fresh_store, name) == 0, name
