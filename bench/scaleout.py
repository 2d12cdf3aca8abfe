"""Benchmark: scale-out. 1, 2 and 4 `pmsgate worker` processes on PostgreSQL + Redis syncing
many integrations at once, each against its own sample PMS (served by this process), and the
proof that each integration's PMS request budget holds across all workers.

    .venv/bin/python bench/scaleout.py --workers 1 2 4 --integrations 8 --records 150 --page-size 250 \\
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--redis-url redis://127.0.0.1:6379/3]

For each worker count: a fresh database, a flushed Redis database, N integrations whose first
syncs are queued at once; prints total records/s, and per integration the most requests its
PMS saw in any one-second window and over the busiest ten seconds, against its budget. The
emulators refuse more than 2x the budget in any second (a token bucket allows a burst of one
second's budget on top of the rate), so a 429 there would be a broken budget.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import signal
import subprocess
import sys
import threading
import time
from bisect import bisect_left
from pathlib import Path
from typing import Any

PMSGATE = [sys.executable, "-c", "from pmsgate.cli import main; main()"]


class Recorder:
    """ASGI wrapper noting when each native API request arrived."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: list[float] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            with self._lock:
                self.times.append(time.monotonic())
        await self.app(scope, receive, send)

    def most_within(self, seconds: float) -> int:
        times = sorted(self.times)
        return max((i - bisect_left(times, t - seconds) + 1 for i, t in enumerate(times)), default=0)


def _admin(pg_url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def run_once(args: argparse.Namespace, workers: int, pms: list[tuple[str, Recorder, Any]]) -> dict[str, Any]:
    import redis

    db_name = f"pmsgate_bench_{secrets.token_hex(4)}"
    _admin(args.pg_url, f'CREATE DATABASE "{db_name}"')
    database_url = args.pg_url.rsplit("/", 1)[0] + f"/{db_name}"
    redis.Redis.from_url(args.redis_url).flushdb()
    os.environ["PMSGATE_DATABASE_URL"] = database_url
    from pmsgate.config import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    from pmsgate.migrations import upgrade

    upgrade(settings.sqlalchemy_url)
    for _, recorder, _ in pms:
        recorder.times.clear()
    env = {**os.environ, "PMSGATE_LOG_LEVEL": "WARNING", "PMSGATE_SYNC_PAGE_SIZE": str(args.page_size)}
    procs = [
        subprocess.Popen(
            [*PMSGATE, "worker", "--threads", str(args.threads)], env=env, stderr=subprocess.PIPE
        )
        for _ in range(workers)
    ]
    try:
        time.sleep(3)  # the workers connect
        started, records, runs = _sync_all(args, settings, pms)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(60)
        from pmsgate.kit.db import get_engine

        get_engine().dispose()
        _admin(args.pg_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    elapsed = max(r["finished"] for r in runs) - started
    return {
        "workers": workers,
        "records": records,
        "seconds": elapsed,
        "rate": records / elapsed,
        "statuses": sorted({r["status"] for r in runs}),
        "max_1s": max(recorder.most_within(1.0) for _, recorder, _ in pms),
        "max_10s": max(recorder.most_within(10.0) for _, recorder, _ in pms) / 10,
        "refused": sum(int(app.state.store.faults.fired.get("rate_limit", 0)) for _, _, app in pms),
    }


def _sync_all(
    args: argparse.Namespace, settings: Any, pms: list[tuple[str, Recorder, Any]]
) -> tuple[float, int, list[dict[str, Any]]]:
    from pmsgate.customers.repository import CustomerRepository
    from pmsgate.customers.service import create_customer
    from pmsgate.integrations.schemas import IntegrationCreate
    from pmsgate.integrations.service import create_integration
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.models.sync import SyncRun
    from pmsgate.worker.queue import HueyDispatcher

    dispatcher = HueyDispatcher(settings)
    started = time.time()
    with unit_of_work(session_factory()) as session:
        issued = create_customer(session, "bench")
        customer = CustomerRepository.from_session(session).get(issued.customer.id)
        assert customer is not None
        for index, (base_url, _, _) in enumerate(pms):
            body = IntegrationCreate.model_validate(
                {
                    "integration_vendor": "SAMPLE1",
                    "name": f"bench {index}",
                    "active": True,
                    "max_request_frequency": args.budget,
                    "max_request_cadence": "SECOND",
                    "credentials": {"baseUrl": base_url},
                }
            )
            create_integration(session, customer, body, dispatcher)
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        with session_factory()() as session:
            runs = session.query(SyncRun).all()
            if runs and all(run.status not in ("QUEUED", "RUNNING") for run in runs):
                records = sum(
                    sum(v.get(k, 0) for k in ("new", "updated", "unchanged"))
                    for run in runs
                    for v in run.counts.values()
                    if isinstance(v, dict)
                )
                finished = [
                    {"status": run.status, "finished": run.finished_at.timestamp()}  # type: ignore[union-attr]
                    for run in runs
                ]
                return started, records, finished
        time.sleep(0.5)
    raise SystemExit(f"the syncs did not finish within {args.timeout}s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--threads", type=int, default=2, help="sync threads per worker process")
    parser.add_argument("--integrations", type=int, default=8)
    parser.add_argument("--records", type=int, default=150, help="residents per sample PMS")
    parser.add_argument("--budget", type=int, default=20, help="requests/s per integration")
    parser.add_argument("--page-size", type=int, default=250, help="records per PMS page")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args()

    from cryptography.fernet import Fernet

    os.environ["PMSGATE_REDIS_URL"] = args.redis_url
    os.environ["PMSGATE_SECRET_KEY"] = Fernet.generate_key().decode()
    os.environ["PMSGATE_ALLOW_PRIVATE_PMS_URLS"] = "true"  # the emulators are on loopback
    os.environ["PMSGATE_DATA_DIR"] = str(Path(os.environ.get("TMPDIR", "/tmp")) / "pmsgate-bench-scaleout")

    from pmsgate.emulators.sample import create_sample_app
    from pmsgate.emulators.server import serve_in_thread

    pms = []
    servers = []
    for index in range(args.integrations):
        app = create_sample_app(records=args.records, seed=100 + index, requests_per_second=2 * args.budget)
        recorder = Recorder(app)
        server = serve_in_thread(recorder)
        servers.append(server)
        pms.append((server.base_url, recorder, app))
    results = []
    try:
        for workers in args.workers:
            result = run_once(args, workers, pms)
            r = result
            print(
                f"{workers} worker(s): {r['records']} records in {r['seconds']:.1f} s = {r['rate']:.0f} "
                f"records/s; runs {r['statuses']}; busiest second {r['max_1s']} req, busiest 10 s "
                f"{r['max_10s']:.1f} req/s; 429s {r['refused']}",
                flush=True,
            )
            results.append(result)
    finally:
        for server in servers:
            server.stop()
    report(args, results)


def report(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    base = results[0]["rate"]
    print()
    print(
        f"command: python bench/scaleout.py --workers {' '.join(map(str, args.workers))} "
        f"--integrations {args.integrations} --records {args.records} --budget {args.budget} "
        f"--threads {args.threads} --page-size {args.page_size}"
    )
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, load average {load:.1f}")
    print()
    print(
        "| worker processes | records | seconds | records/s | vs 1 worker | busiest second per integration "
        f"(budget {args.budget}/s, burst {args.budget}) | busiest 10 s per integration | PMS 429s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['workers']} | {r['records']} | {r['seconds']:.1f} | {r['rate']:.0f} "
            f"| {r['rate'] / base:.2f}x | {r['max_1s']} req | {r['max_10s']:.1f} req/s | {r['refused']} |"
        )


if __name__ == "__main__":
    main()
