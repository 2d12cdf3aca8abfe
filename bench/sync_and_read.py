"""Benchmark: a first sync of the sample PMS over real HTTP, then read latency.

    .venv/bin/python bench/sync_and_read.py --records 2000 [--database-url postgresql+psycopg://...]

Prints records synced per second, peak memory (RSS and Python heap) and p50/p95/p99 latency of
`GET /v1/resident-charges/?limit=250` through a real uvicorn server.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000, help="residents in the sample PMS")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="pmsgate-bench-"))
    os.environ["PMSGATE_DATA_DIR"] = str(data_dir)
    if args.database_url:
        from cryptography.fernet import Fernet

        os.environ["PMSGATE_DATABASE_URL"] = args.database_url
        os.environ.setdefault("PMSGATE_SECRET_KEY", Fernet.generate_key().decode())
        # Scale-out refuses loopback PMS URLs by default; the emulator listens on loopback.
        os.environ.setdefault("PMSGATE_ALLOW_PRIVATE_PMS_URLS", "true")

    from pmsgate.config import get_settings
    from pmsgate.migrations import upgrade

    upgrade(get_settings().sqlalchemy_url)

    from pmsgate.customers.repository import CustomerRepository
    from pmsgate.customers.service import create_customer
    from pmsgate.emulators.sample import create_sample_app
    from pmsgate.emulators.server import serve_in_thread
    from pmsgate.integrations.schemas import IntegrationCreate
    from pmsgate.integrations.service import create_integration
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.kit.dispatch import RecordingDispatcher
    from pmsgate.sync.engine import execute_run

    emulator = serve_in_thread(create_sample_app(records=args.records, seed=1))
    dispatcher = RecordingDispatcher()
    with unit_of_work(session_factory()) as session:
        issued = create_customer(session, "bench")
        customer = CustomerRepository.from_session(session).get(issued.customer.id)
        assert customer is not None
        body = IntegrationCreate.model_validate(
            {
                "integration_vendor": "SAMPLE1",
                "name": "bench",
                "active": True,
                "max_request_frequency": 1000,
                "credentials": {"baseUrl": emulator.base_url},
            }
        )
        integration = create_integration(session, customer, body, dispatcher)
        integration_id, key = integration.id, issued.raw_key

    tracemalloc.start()
    started = time.perf_counter()
    status = execute_run(session_factory(), dispatcher.sync_runs[0])
    elapsed = time.perf_counter() - started
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    from sqlalchemy import select

    from pmsgate.models.sync import SyncRun

    with session_factory()() as session:
        run = session.scalars(select(SyncRun).where(SyncRun.integration_id == integration_id)).one()
        stored = sum(counts.get("new", 0) for counts in run.counts.values() if isinstance(counts, dict))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"sync: {status}, {stored} records in {elapsed:.1f} s = {stored / elapsed:.0f} records/s")
    print(f"memory: python heap peak during sync {heap_peak / 1e6:.1f} MB, process max RSS {rss_mb:.0f} MB")

    import httpx

    from pmsgate.app import create_app

    api = serve_in_thread(
        create_app(
            get_settings().model_copy(update={"rate_limit_per_minute": 10**6}),
            run_workers=False,
            mount_sample_emulator=False,
        )
    )
    timings = []
    with httpx.Client(base_url=api.base_url, headers={"Authorization": f"Bearer {key}"}) as client:
        for i in range(args.reads):
            begin = time.perf_counter()
            response = client.get("/v1/resident-charges/", params={"limit": 250, "offset": (i * 250) % 2000})
            timings.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, response.text
    timings.sort()
    p = statistics.quantiles(timings, n=100)
    print(f"GET /v1/resident-charges/?limit=250: p50 {p[49]:.1f} ms, p95 {p[94]:.1f} ms, p99 {p[98]:.1f} ms")
    api.stop()
    emulator.stop()


if __name__ == "__main__":
    main()
