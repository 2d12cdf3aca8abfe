"""The upsert path: existing rows are found through the unique index, hashes of an older
algorithm are not changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, text, update

from pmsgate.canonical.records import ResidentChargeRecord
from pmsgate.canonical.registry import Model
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.records import PAGE_DIGESTS, RECORD_COUNTS, RECORD_TABLES
from pmsgate.models.sync import DataDiff, SyncRun
from pmsgate.sync.repository import SyncRepository, keys_query
from pmsgate.sync.upsert import UpsertContext, upsert_records
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served, SyncedIntegration, create_integration, run_queued_syncs


def test_existing_rows_are_looked_up_through_the_unique_index_without_statistics(
    synced: SyncedIntegration,
) -> None:
    table = RECORD_TABLES[Model.RESIDENT_CHARGES]
    with session_factory()() as session:
        x_ids = list(
            session.scalars(
                select(table.c.x_id).where(table.c.integration_id == synced.integration_id).limit(20)
            )
        )
        assert x_ids
        found = SyncRepository.from_session(session).existing_keys(table, synced.integration_id, x_ids)
        assert sorted(found) == sorted(x_ids)
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            # The planner as on a table never analysed (the case that went quadratic), holding
            # 20,000 rows of this integration (rolled back below).
            _bulk_copies(connection, synced.integration_id, 20_000)
            x_ids = [f"s{n}" for n in range(1, 501)]  # a page of 500 keys
            connection.execute(text("DELETE FROM pg_statistic WHERE starelid = 'resident_charges'::regclass"))
            compiled = keys_query(table, synced.integration_id, x_ids).compile(dialect=connection.dialect)
            plan = "\n".join(r[0] for r in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
            session.rollback()
            assert "uq_resident_charges_integration_id_x_id" in plan, plan
        else:
            query = (
                select(table.c.x_id, table.c.content_hash)
                .where(table.c.integration_id == synced.integration_id, table.c.x_id.in_(x_ids))
                .compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
            )
            plan = "\n".join(str(r[-1]) for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}"))
            assert "(integration_id=? AND x_id=?)" in plan, plan


def _bulk_copies(connection: Any, integration_id: str, n: int) -> None:
    """n copies of one stored charge under new ids and keys, by SQL (fast)."""
    table = RECORD_TABLES[Model.RESIDENT_CHARGES]
    names = [c.name for c in table.c]
    chosen = ", ".join(
        "'chg_s' || n" if c == "id" else "'s' || n" if c == "x_id" else f'"{c}"' for c in names
    )
    connection.exec_driver_sql(
        f"INSERT INTO resident_charges ({', '.join(chr(34) + c + chr(34) for c in names)}) "
        f"SELECT {chosen} FROM (SELECT * FROM resident_charges WHERE integration_id = %(i)s LIMIT 1) c, "
        f"generate_series(1, {n}) n",
        {"i": integration_id},
    )


def test_a_stored_hash_of_an_older_algorithm_is_not_a_change(fresh_sample_server: Served) -> None:
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    assert_counts_exact(integration_id)
    table = RECORD_TABLES[Model.RESIDENT_CHARGES]
    with unit_of_work(session_factory()) as session:
        session.execute(
            update(table).where(table.c.integration_id == integration_id).values(content_hash="sha256-of-old")
        )
        # Rows of an older version: it kept no page digests (and a new version's code would not
        # match them), so the re-sync maps these pages.
        session.execute(delete(PAGE_DIGESTS).where(PAGE_DIGESTS.c.integration_id == integration_id))

    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    with unit_of_work(session_factory()) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        run_id = request_sync(session, integration, RunKind.MANUAL, dispatcher, full=True).id
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    with session_factory()() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        assert run.counts["resident_charges"].get("updated", 0) == 0
        assert run.counts["resident_charges"]["unchanged"] > 0
        diffs = session.scalar(
            select(func.count()).select_from(DataDiff).where(DataDiff.integration_id == integration_id)
        )
        assert diffs == 0
        stale = session.scalar(
            select(func.count()).where(
                table.c.integration_id == integration_id, table.c.content_hash == "sha256-of-old"
            )
        )
        assert stale == 0  # rewritten with the current hash, once
    assert_counts_exact(integration_id)


def assert_counts_exact(integration_id: str) -> None:
    """record_counts (the unfiltered lists' total) equals the rows stored, model by model."""
    with session_factory()() as session:
        kept = dict(
            session.execute(
                select(RECORD_COUNTS.c.model, RECORD_COUNTS.c.count).where(
                    RECORD_COUNTS.c.integration_id == integration_id
                )
            ).all()
        )
        for model, table in RECORD_TABLES.items():
            stored = session.scalar(select(func.count()).where(table.c.integration_id == integration_id))
            assert kept.get(model.value, 0) == stored, model
        assert sum(kept.values()) > 0


def test_rows_believed_new_that_exist_after_all_are_merged_not_duplicated(synced: SyncedIntegration) -> None:
    """A writer may insert a key between our lookup and our write: the direct copy of a page
    believed new falls back to the merge, which updates that row and counts it as not new."""
    table = RECORD_TABLES[Model.RESIDENT_CHARGES]
    with session_factory()() as session:
        stored = dict(
            session.execute(select(table).where(table.c.integration_id == synced.integration_id).limit(1))
            .mappings()
            .one()
        )
        changed = {**stored, "description": "changed by the test", "content_hash": "x"}
        inserted = SyncRepository.from_session(session).upsert(table, [changed], all_new=True)
        assert inserted in (0, None)  # None: SQLite, where the lookup is exact
        again = session.execute(select(table.c.description).where(table.c.id == stored["id"])).scalar_one()
        assert again == "changed by the test"
        assert session.scalar(select(func.count()).where(table.c.id == stored["id"])) == 1
        session.rollback()


def test_a_worker_whose_clock_is_behind_never_stamps_a_row_before_its_creation(
    synced: SyncedIntegration,
) -> None:
    """Workers run on many machines: a row created by one whose clock is ahead and then changed
    or seen by one whose clock is behind keeps `created_at <= updated_at, last_seen`, which the
    reads rely on (records/filters.py Implied)."""
    table = RECORD_TABLES[Model.RESIDENT_CHARGES]
    ahead = utcnow() + timedelta(hours=1)
    with session_factory()() as session:
        changed, touched = session.execute(
            select(table.c.id, table.c.x_id, table.c.x_property_id)
            .where(table.c.integration_id == synced.integration_id)
            .limit(2)
        ).all()
        both = [changed.id, touched.id]
        session.execute(update(table).where(table.c.id.in_(both)).values(created_at=ahead))
        record = ResidentChargeRecord(
            x_id=changed.x_id, x_property_id=changed.x_property_id, amount_in_cents=123_456_789
        )
        ctx = UpsertContext(synced.integration_id, utcnow(), None, record_diffs=False)
        upsert_records(session, ctx, [record])
        SyncRepository.from_session(session).touch(table, [touched.id], utcnow())
        rows = session.execute(
            select(table.c.id, table.c.amount_in_cents, table.c.updated_at, table.c.last_seen).where(
                table.c.id.in_([changed.id, touched.id])
            )
        ).all()
        session.rollback()
    stamps = {row.id: row for row in rows}
    assert stamps[changed.id].amount_in_cents == 123_456_789  # the change was written
    assert stamps[changed.id].updated_at == stamps[changed.id].last_seen == ahead
    assert stamps[touched.id].last_seen == ahead


def test_a_first_sync_stores_pages_of_unstored_models_without_a_lookup(synced: SyncedIntegration) -> None:
    """PostgreSQL, a first sync: a model with no row of the integration is not looked up; a key
    met twice (another page of the read, a concurrent writer) is merged by the unique index,
    counted as not new, and the totals stay exact. SQLite always looks up (its upsert cannot
    say how many rows it inserted)."""
    table = RECORD_TABLES[Model.RESIDENT_CHARGES]
    fresh_id, _ = create_integration(make_customer("Not synced yet"), "http://pms.example.com")
    with session_factory()() as session:
        repository = SyncRepository.from_session(session)
        if session.connection().dialect.name == "sqlite":
            assert repository.empty_models(fresh_id) == frozenset()
            return
        assert repository.empty_models(fresh_id) == frozenset(m.value for m in RECORD_TABLES)
        assert Model.RESIDENT_CHARGES.value not in repository.empty_models(synced.integration_id)
        stored = session.execute(
            select(table.c.x_id, table.c.x_property_id, table.c.created_at).where(
                table.c.integration_id == synced.integration_id
            )
        ).first()
        assert stored is not None
        before = session.scalar(
            select(RECORD_COUNTS.c.count).where(
                RECORD_COUNTS.c.integration_id == synced.integration_id,
                RECORD_COUNTS.c.model == Model.RESIDENT_CHARGES.value,
            )
        )
        page = [
            ResidentChargeRecord(x_id=stored.x_id, x_property_id=stored.x_property_id, amount_in_cents=1),
            ResidentChargeRecord(x_id="never-seen", x_property_id=stored.x_property_id, amount_in_cents=2),
        ]
        ctx = UpsertContext(
            synced.integration_id,
            utcnow(),
            None,
            record_diffs=False,
            unstored=frozenset({Model.RESIDENT_CHARGES}),
        )
        stats = upsert_records(session, ctx, page)
        assert (stats.new[Model.RESIDENT_CHARGES], stats.updated[Model.RESIDENT_CHARGES]) == (1, 1)
        rows = session.execute(
            select(table.c.x_id, table.c.amount_in_cents, table.c.created_at).where(
                table.c.integration_id == synced.integration_id, table.c.x_id.in_([stored.x_id, "never-seen"])
            )
        ).all()
        assert sorted((r.x_id, r.amount_in_cents) for r in rows) == sorted(
            [("never-seen", 2), (stored.x_id, 1)]
        )
        assert next(r.created_at for r in rows if r.x_id == stored.x_id) == stored.created_at
        after = session.scalar(
            select(RECORD_COUNTS.c.count).where(
                RECORD_COUNTS.c.integration_id == synced.integration_id,
                RECORD_COUNTS.c.model == Model.RESIDENT_CHARGES.value,
            )
        )
        assert after == before + 1
        session.rollback()


def test_the_key_probe_is_planned_for_each_page_on_postgresql(synced: SyncedIntegration) -> None:
    """A generic plan made while a table was tiny (every index costed alike without statistics)
    probed the wrong index for as long as the connection lived: each page is planned anew."""
    table = RECORD_TABLES[Model.RESIDENT_CHARGES]
    with session_factory()() as session:
        if session.connection().dialect.name != "postgresql":
            return
        repository = SyncRepository.from_session(session)
        for _ in range(2):  # in each transaction
            assert session.scalar(text("SHOW plan_cache_mode")) == "auto"
            repository.existing_keys(table, synced.integration_id, ["a", "b"])
            assert session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
            session.commit()
        session.rollback()
