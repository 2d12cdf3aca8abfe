"""Benchmark: first sync and unchanged re-sync of the sample PMS, beside dlt and the floor.

    .venv/bin/python bench/sync.py --records 2000 8000 [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--skip-sqlite] [--skip-dlt] [--skip-floor] [--no-write] [--profile] [--held-keys N]

For each size the sample PMS runs in its own process (`pmsgate emulate sample`); each of these
runs in a fresh child process against a fresh store, so its peak RSS is its own:
- pmsgate: first sync (SyncEngine, default settings), then a full re-sync of the unchanged data;
- dlt: the `rest_api` source pulling the same endpoints (same page size) into the same database;
- floor: the already mapped rows (read and mapped before the clock starts) bulk-inserted with
  nothing else: SQLite `executemany`, PostgreSQL `COPY`.
The re-sync's column includes its end-of-read checks (`close_read` and the page check, timed
apart); `--held-keys` lowers the number of seen keys a read holds so that models past it are
checked in key ranges, as models of millions of rows are by default.
Figures go to docs/benchmarks.md (section "sync") unless --no-write.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

SAME_STORE = False  # the child syncs into the store of its environment (bench/reads.py)
HELD_KEYS_ENV = "PMSGATE_BENCH_HELD_KEYS"  # --held-keys, handed to the pmsgate child


def child(kind: str, base_url: str, database: str, admin_url: str | None, profile: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--base-url", base_url, "--database", database]
    if admin_url:
        command += ["--postgres", admin_url]
    if profile:
        command.append("--profile")
    out = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if out.stderr.strip():
        print(out.stderr[-3000:], file=sys.stderr)
    out.check_returncode()
    return json.loads(out.stdout.strip().splitlines()[-1])


def _store(database: str, admin_url: str | None) -> str:
    """Environment for a fresh pmsgate store (or the one given, --same-store); returns its URL."""
    if SAME_STORE:
        from pmsgate.config import get_settings

        return get_settings().sqlalchemy_url
    os.environ["PMSGATE_DATA_DIR"] = str(common.fresh_data_dir())
    if database == "postgresql":
        assert admin_url, "--postgres URL needed"
        from cryptography.fernet import Fernet

        url = common.postgres_database(admin_url)
        os.environ["PMSGATE_DATABASE_URL"] = url
        os.environ["PMSGATE_SECRET_KEY"] = Fernet.generate_key().decode()
        os.environ["PMSGATE_ALLOW_PRIVATE_PMS_URLS"] = "true"  # the emulator is on loopback
    from pmsgate.config import get_settings

    # Migrated by another process, as `pmsgate serve` migrates (cli/server.py): alembic is not
    # part of a sync's memory.
    subprocess.run([common.PMSGATE, "migrate"], check=True, capture_output=True)
    return get_settings().sqlalchemy_url


def bench_integration(base_url: str, dispatcher: Any = None) -> str:
    """A customer and a SAMPLE1 integration on the emulator (its first sync queued on `dispatcher`)."""
    from pmsgate.customers.repository import CustomerRepository
    from pmsgate.customers.service import create_customer
    from pmsgate.integrations.schemas import IntegrationCreate
    from pmsgate.integrations.service import create_integration
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.kit.dispatch import RecordingDispatcher

    with unit_of_work(session_factory()) as session:
        issued = create_customer(session, "bench")
        customer = CustomerRepository.from_session(session).get(issued.customer.id)
        assert customer is not None
        body = IntegrationCreate.model_validate(
            {
                "integration_vendor": "SAMPLE1",
                "name": "bench",
                "active": True,
                "max_request_frequency": 100000,
                "credentials": {"baseUrl": base_url},
            }
        )
        return create_integration(session, customer, body, dispatcher or RecordingDispatcher()).id


def run_pmsgate(base_url: str, database: str, admin_url: str | None, profile: bool) -> dict[str, Any]:
    url = _store(database, admin_url)
    from sqlalchemy import select

    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.kit.dispatch import RecordingDispatcher
    from pmsgate.kit.timeutil import utcnow
    from pmsgate.models.sync import SyncRun
    from pmsgate.sync.engine import execute_run
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    dispatcher = RecordingDispatcher()
    integration_id = bench_integration(base_url, dispatcher)
    from pmsgate.kit.longlived import freeze_set_up_objects
    from pmsgate.sync import engine
    from pmsgate.sync import seen as seen_keys

    if os.environ.get(HELD_KEYS_ENV):  # --held-keys: models past it are checked in key ranges
        seen_keys.HELD_KEYS = int(os.environ[HELD_KEYS_ENV])
    close_seconds = [0.0]  # the end-of-read checks of the run under way (`_close_read`)
    close_read = engine._close_read

    def timed_close_read(*args: Any) -> None:
        started = time.perf_counter()
        try:
            close_read(*args)
        finally:
            close_seconds[0] += time.perf_counter() - started

    engine._close_read = timed_close_read

    freeze_set_up_objects()  # as a worker process does once it is set up (cli/server.py)

    def counted(run_id: str) -> tuple[int, dict[str, Any]]:
        with session_factory()() as session:
            run = session.get(SyncRun, run_id)
            assert run is not None
            totals: dict[str, int] = {}
            for counts in run.counts.values():
                if isinstance(counts, dict):
                    for key, value in counts.items():
                        if isinstance(value, int):
                            totals[key] = totals.get(key, 0) + value
            return sum(totals.values()), totals

    def rows_touched_since(integration_id: str, since: Any) -> int:
        """Record rows whose own `last_seen` column was written at or after `since`."""
        from sqlalchemy import func

        from pmsgate.models.records import RECORD_TABLES

        with session_factory()() as session:
            return sum(
                int(
                    session.scalar(
                        select(func.count())
                        .select_from(table)
                        .where(table.c.integration_id == integration_id, table.c.last_seen >= since)
                    )
                    or 0
                )
                for table in RECORD_TABLES.values()
            )

    def profiled(name: str) -> Any:
        """A cProfile of the block to /tmp/pmsgate-<name>-<database>.prof (with --profile)."""
        import contextlib

        if not profile:
            return contextlib.nullcontext()
        import cProfile

        @contextlib.contextmanager
        def block() -> Any:
            profiler = cProfile.Profile()
            profiler.enable()
            try:
                yield
            finally:
                profiler.disable()
                profiler.dump_stats(f"/tmp/pmsgate-{name}-{database}.prof")

        return block()

    cpu = time.process_time()
    with common.Timer() as first, profiled("sync"):
        status = execute_run(session_factory(), dispatcher.sync_runs[0])
    first_cpu = time.process_time() - cpu
    assert status == "COMPLETED", status
    records, _ = counted(dispatcher.sync_runs[0])
    rss_first = common.rss_peak_mb()
    if SAME_STORE:
        return {"records": records, "first_s": first.seconds, "first_cpu_s": first_cpu}

    with unit_of_work(session_factory()) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        run_id = request_sync(session, integration, RunKind.MANUAL, dispatcher, full=True).id
    resync_start = utcnow()
    close_seconds[0] = 0.0
    cpu = time.process_time()
    with common.Timer() as again, profiled("resync"):
        status = execute_run(session_factory(), run_id)
    resync_cpu = time.process_time() - cpu
    assert status == "COMPLETED", status
    rss_resync = common.rss_peak_mb()  # the peak of both syncs (a re-sync holds its seen keys)
    seen, totals = counted(run_id)
    touched = rows_touched_since(integration_id, resync_start)
    read_s, read_cpu_s = read_and_map_only(integration_id)
    with session_factory()() as session:
        runs = session.scalars(select(SyncRun.id).where(SyncRun.integration_id == integration_id)).all()
    result = {
        "records": records,
        "first_s": first.seconds,
        "rss_first_mb": rss_first,
        "rss_resync_mb": rss_resync,
        "resync_s": again.seconds,
        # CPU of this process alone (the emulator runs in another): comparable on a loaded machine
        "first_cpu_s": first_cpu,
        "resync_cpu_s": resync_cpu,
        "resync_close_s": close_seconds[0],
        "held_keys": seen_keys.HELD_KEYS,
        "read_s": read_s,
        "read_cpu_s": read_cpu_s,
        "resync_seen": seen,
        "resync_written": totals.get("new", 0) + totals.get("updated", 0),
        "resync_touched": touched,
        "runs": len(runs),
        "url": url,
    }
    if database == "postgresql":
        common.drop_postgres_database(url)
    return result


def read_and_map_only(integration_id: str) -> tuple[float, float]:
    """Wall and CPU seconds to read and map every page the sync reads, storing nothing: what
    any full re-sync pays before it compares a single record (the bound of re-sync ÷ first)."""
    from datetime import timedelta

    from pmsgate.canonical.registry import SYNC_ORDER, spec_for
    from pmsgate.config import get_settings
    from pmsgate.connectors import connect
    from pmsgate.connectors.base import ReadRequest
    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.kit.db import session_factory
    from pmsgate.kit.timeutil import utcnow
    from pmsgate.sync.engine import prefetched

    settings = get_settings()
    with session_factory()() as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        context = connect.context_for(integration)
    connector = connect.default_builder(context)
    window = utcnow() - timedelta(days=settings.sync_lookback_days)
    cpu = time.process_time()
    with common.Timer() as timer:
        for model in SYNC_ORDER:
            if model not in connector.supported_models():
                continue
            request = ReadRequest(
                model=model,
                window_start=window if spec_for(model).windowed else None,
                page_size=settings.sync_page_size,
            )
            for _page in prefetched(connector.stream(request)):
                pass
    connector.close()
    return timer.seconds, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, nargs="+", default=[2000, 8000], help="residents seeded")
    parser.add_argument(
        "--postgres", default=None, help="admin URL of a PostgreSQL server (adds PostgreSQL runs)"
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="with --postgres: PostgreSQL runs only")
    parser.add_argument("--skip-dlt", action="store_true")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--profile", action="store_true", help="cProfile first sync and re-sync to /tmp")
    parser.add_argument(
        "--held-keys",
        type=int,
        default=None,
        help="seen keys a read holds before its end-of-read check goes by key ranges (default 1,048,576)",
    )
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--database", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--same-store", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global SAME_STORE
    SAME_STORE = args.same_store

    if args.child:
        runner = {"pmsgate": run_pmsgate}
        if args.child != "pmsgate":
            import bench_loaders

            runner = {"dlt": bench_loaders.run_dlt, "floor": bench_loaders.run_floor}
        print(json.dumps(runner[args.child](args.base_url, args.database, args.postgres, args.profile)))
        return

    if args.held_keys is not None:
        os.environ[HELD_KEYS_ENV] = str(args.held_keys)
    databases = [*([] if args.skip_sqlite else ["sqlite"]), *(["postgresql"] if args.postgres else [])]
    kinds = ["pmsgate", *([] if args.skip_dlt else ["dlt"]), *([] if args.skip_floor else ["floor"])]
    lines = []
    for records in args.records:
        with common.emulator("sample", records) as emu:
            for database in databases:
                row: dict[str, Any] = {}
                for kind in kinds:
                    row[kind] = child(kind, emu.base_url, database, args.postgres, args.profile)
                    print(f"{records} residents, {database}, {kind}: {row[kind]}", flush=True)
                lines.append(_line(records, database, row))
    table = _table(lines) + _linearity(lines)
    print(table)
    if not args.no_write:
        common.write_section(
            "sync", "First sync and unchanged re-sync (sample PMS over HTTP)", table, ("dlt",)
        )


def _line(residents: int, database: str, row: dict[str, Any]) -> dict[str, Any]:
    p = row["pmsgate"]
    rate = p["records"] / p["first_s"]
    out = {
        "residents": residents,
        "database": database,
        "records": p["records"],
        "rate": rate,
        "first": f"{p['first_s']:.1f} s = {rate:,.0f} rec/s (CPU {p['first_cpu_s']:.1f} s)",
        "rss": f"{p['rss_first_mb']:.0f} MB (with the re-sync {p['rss_resync_mb']:.0f})",
        "resync": f"{p['resync_s']:.1f} s ({p['resync_s'] / p['first_s']:.2f}x first; CPU "
        f"{p['resync_cpu_s']:.1f} s = {p['resync_cpu_s'] / p['first_cpu_s']:.2f}x first's; reading and "
        f"mapping alone {p['read_s']:.1f} s, CPU {p['read_cpu_s'] / p['first_cpu_s']:.2f}x first's; "
        f"end-of-read checks {p['resync_close_s']:.1f} s, {p['held_keys']:,} keys held), "
        f"{p['resync_written']} rows written, {p.get('resync_touched', 0)} `last_seen` bumped",
    }
    if "dlt" in row:
        d = row["dlt"]
        dlt_rate = d["rows"] / d["seconds"]
        out["dlt"] = (
            f"{d['rows']:,} rows in {d['seconds']:.1f} s = {dlt_rate:,.0f} rows/s, RSS {d['rss_mb']:.0f} MB"
        )
        out["vs_dlt"] = f"{rate / dlt_rate:.2f}x"
    if "floor" in row:
        f = row["floor"]
        floor_rate = f["rows"] / f["seconds"]
        out["floor"] = f"{floor_rate:,.0f} rows/s ({f['method']})"
        out["vs_floor"] = f"{floor_rate / rate:.2f}x"
    return out


def _linearity(lines: list[dict[str, Any]]) -> str:
    """records/s at the largest size ÷ at the smallest, per store (issue 12: within 20% at 1M vs
    50k, i.e. `--records 8200 164000`, ~6 records per resident)."""
    out = []
    for database in dict.fromkeys(x["database"] for x in lines):
        sized = sorted((x for x in lines if x["database"] == database), key=lambda x: x["records"])
        if len(sized) > 1:
            small, large = sized[0], sized[-1]
            out.append(
                f"Linearity ({database}): {large['rate']:,.0f} rec/s at {large['records']:,} records = "
                f"{large['rate'] / small['rate']:.2f}x the {small['rate']:,.0f} rec/s at {small['records']:,}"
            )
    return ("\n" + "\n".join(out) + "\n") if out else ""


def _table(lines: list[dict[str, Any]]) -> str:
    head = (
        "| residents | store | records | pmsgate first sync | peak RSS | unchanged re-sync "
        "| dlt, same endpoints | pmsgate ÷ dlt | floor (mapped rows, bulk insert) | floor ÷ pmsgate |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = [
        f"| {x['residents']:,} | {x['database']} | {x['records']:,} | {x['first']} | {x['rss']} "
        f"| {x['resync']} "
        f"| {x.get('dlt', '-')} | {x.get('vs_dlt', '-')} | {x.get('floor', '-')} | {x.get('vs_floor', '-')} |"
        for x in lines
    ]
    return head + "\n".join(rows) + "\n"


if __name__ == "__main__":
    main()
