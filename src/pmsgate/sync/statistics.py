"""PostgreSQL's planner statistics of the record tables, kept current by the syncs that grow them.

A table the planner has no statistics for (never analysed, or analysed when it was a tenth of
its size) is costed by default selectivities: a page's children looked up by `= ANY(100 ids)`
were estimated at half the table and read by a sequential scan (25 ms at 174,000 allocations,
where the index takes 0.3 ms), and a plan a connection cached while the table was empty stayed
in use as it grew (220 ms a request). Autovacuum analyses a table once a tenth of it changed,
on its own schedule, and not at all where it is off. So a sync analyses a table it gave its
first `sync_analyze_rows` rows, and again each time it grew it tenfold, as soon as those rows
are committed. Once analysed, the planner scales its estimates with the table's current size
(the distinct values of an id column are kept as a fraction of the rows), so tenfold is soon
enough; analysing at each doubling cost a first sync 12-15% (each ANALYZE samples up to
30,000 rows). ANALYZE invalidates the plans every connection cached for the table.

`ANALYZE (SKIP_LOCKED)`: a table being analysed by another sync or by autovacuum is left to it.
SQLite needs none of this: without statistics its planner prefers an index on any equality.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import Engine, text

from pmsgate.canonical.registry import Model
from pmsgate.models.records import RECORD_TABLES

log = logging.getLogger(__name__)

GROWTH = 10  # analysed again once the table holds this many times the rows it was analysed with


class TableGrowth:
    """Rows one sync run added to each record table, and the ANALYZEs that calls for: run in a
    thread of their own, the sync's next pages are stored meanwhile (waiting for them cost a
    first sync 8%)."""

    def __init__(self, engine: Engine, minimum: int) -> None:
        self.engine, self.minimum = engine, minimum
        self.enabled = minimum > 0 and engine.dialect.name == "postgresql"
        self.added: dict[str, int] = {}  # table -> rows the run added since it last analysed it
        self.believed: dict[str, float] = {}  # table -> rows it held when last analysed
        self.analyses: list[Future[None]] = []
        self._executor: ThreadPoolExecutor | None = None

    def committed(self, added: Mapping[str, int]) -> None:
        """`added` rows per model are committed: analyse the tables that grew enough."""
        if not self.enabled:
            return
        for model, rows in added.items():
            if rows <= 0:
                continue
            table = RECORD_TABLES[Model(model)].name
            self.added[table] = added_since = self.added.get(table, 0) + rows
            # The catalog is asked only once the minimum is reached: most slices (an incremental
            # sync's few new rows) never reach it.
            if added_since < self.minimum:
                continue
            believed = self._believed(table)
            if added_since >= (GROWTH - 1) * believed:
                self.believed[table] = believed + added_since
                self.added[table] = 0
                self.analyses.append(self._executor_started().submit(_analyse, self.engine, table))

    def close(self) -> None:
        """Wait for the analyses under way (a second at most at a million rows)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def _executor_started(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-analyse")
        return self._executor

    def _believed(self, table: str) -> float:
        if table not in self.believed:
            with self.engine.connect() as connection:
                tuples = connection.execute(
                    text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)"),
                    {"name": table},
                ).scalar()
            self.believed[table] = max(float(tuples or 0), 0.0)  # -1: never analysed
        return self.believed[table]


def _analyse(engine: Engine, table: str) -> None:
    try:
        with engine.connect() as connection:
            quoted = connection.dialect.identifier_preparer.quote(table)  # a name of our metadata
            connection.execute(text(f"ANALYZE (SKIP_LOCKED) {quoted}"))
            connection.commit()
    except Exception:  # statistics are an optimisation: the sync goes on without them
        log.warning("could not analyse %s", table, exc_info=True)
    else:
        log.info("analysed %s", table)
