"""The two references of bench/sync.py, each run in its own process against a fresh store:

- `run_dlt`: dlt's `rest_api` source pulling the sample PMS's endpoints (same page size, same
  365-day ledger window, the token fetched once) into the same database through dlt's
  SQLAlchemy destination; dlt unnests child lists into child tables as pmsgate does.
- `run_floor`: the rows pmsgate would store, read and mapped before the clock starts, then
  bulk-inserted into pmsgate's own (migrated, indexed) tables with nothing else: SQLite
  `executemany` of a plain INSERT, PostgreSQL `COPY`.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import common
import httpx

LEDGER = {"/api/v2/charges", "/api/v2/receipts"}


def _fresh_url(database: str, admin_url: str | None) -> str:
    if database == "postgresql":
        assert admin_url
        return common.postgres_database(admin_url)
    return f"sqlite:///{common.fresh_data_dir() / 'dlt.db'}"


def run_dlt(base_url: str, database: str, admin_url: str | None, _profile: bool) -> dict[str, Any]:
    os.environ["DLT_DATA_DIR"] = tempfile.mkdtemp(prefix="dlt-bench-")
    os.environ["RUNTIME__LOG_LEVEL"] = "WARNING"
    import dlt
    from dlt.sources.rest_api import rest_api_source

    from pmsgate.config import get_settings
    from pmsgate.connectors.sample.streams import MAX_PAGE_SIZE, STREAMS

    page_size = get_settings().sync_page_size  # the page size pmsgate's sync asks for

    token = httpx.post(
        f"{base_url}/api/v2/auth/token", json={"username": "", "password": "", "companyId": ""}
    ).json()["accessToken"]
    window = (datetime.now(UTC) - timedelta(days=365)).strftime("%m/%d/%Y")
    resources: list[Any] = []
    for stream in STREAMS.values():
        params: dict[str, Any] = {"pageSize": min(MAX_PAGE_SIZE, page_size)}
        if stream.path in LEDGER:
            params["postedFrom"] = window
        resources.append(
            {
                "name": stream.model.value,
                "endpoint": {"path": stream.path.lstrip("/"), "params": params, "data_selector": "data"},
                "primary_key": stream.id_field,
                "write_disposition": "append",  # a first load: no merge needed
            }
        )
    source = rest_api_source(
        {
            "client": {
                "base_url": base_url.rstrip("/") + "/",
                "auth": {"type": "bearer", "token": token},
                "paginator": {"type": "cursor", "cursor_path": "paging.next", "cursor_param": "cursor"},
            },
            "resources": resources,
        }
    )
    url = _fresh_url(database, admin_url)
    pipeline = dlt.pipeline(
        pipeline_name="bench",
        destination=dlt.destinations.sqlalchemy(credentials=url),
        dataset_name="sample" if database == "postgresql" else None,
        pipelines_dir=os.environ["DLT_DATA_DIR"],
    )
    started = time.perf_counter()
    pipeline.run(source)
    seconds = time.perf_counter() - started
    counts = pipeline.last_trace.last_normalize_info.row_counts
    rows = sum(n for table, n in counts.items() if not table.startswith("_dlt"))
    if database == "postgresql":
        common.drop_postgres_database(url)
    return {"rows": rows, "seconds": seconds, "rss_mb": common.rss_peak_mb()}


def run_floor(base_url: str, database: str, admin_url: str | None, _profile: bool) -> dict[str, Any]:
    import sync as bench_sync

    url = bench_sync._store(database, admin_url)
    from pmsgate.canonical.enums import Vendor
    from pmsgate.canonical.registry import RECORD_MODEL, SYNC_ORDER, spec_for
    from pmsgate.config import get_settings
    from pmsgate.connectors.base import ReadRequest
    from pmsgate.connectors.registry import ConnectorContext, build_connector
    from pmsgate.connectors.throttle import RequestBudget
    from pmsgate.kit.db import get_engine
    from pmsgate.kit.timeutil import utcnow
    from pmsgate.models.records import RECORD_TABLES
    from pmsgate.sync.repository import _Bulk
    from pmsgate.sync.upsert import UpsertContext, _row

    integration_id = bench_sync.bench_integration(base_url)
    context = ConnectorContext(
        integration_id=integration_id,
        vendor=Vendor.SAMPLE1,
        base_url=base_url,
        credentials={"baseUrl": base_url},
        budget=RequestBudget(100000, 1),
    )
    connector = build_connector(context)
    ctx = UpsertContext(integration_id=integration_id, now=utcnow(), job_id=None, record_diffs=False)
    window = utcnow() - timedelta(days=365)
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in SYNC_ORDER:
        request = ReadRequest(
            model=model,
            window_start=window if spec_for(model).windowed else None,
            page_size=get_settings().sync_page_size,
        )
        for page in connector.stream(request):
            for record in page.records:
                own = RECORD_MODEL[type(record)]
                tables.setdefault(own.value, []).append(_row(ctx, own, record))
    connector.close()
    engine = get_engine()
    rows = sum(len(v) for v in tables.values())
    started = time.perf_counter()
    with engine.begin() as connection:
        for name, table_rows in tables.items():
            table = RECORD_TABLES[name]  # type: ignore[index]
            bulk = _Bulk.of(table, engine.dialect)
            values = bulk.values(table_rows)
            if database == "postgresql":
                raw = connection.connection.driver_connection
                with raw.cursor() as cursor, cursor.copy(bulk.copy.replace(bulk.staging, table.name)) as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                plain = bulk.insert.split(" ON CONFLICT")[0]
                connection.exec_driver_sql(plain, values)
    seconds = time.perf_counter() - started
    method = "COPY" if database == "postgresql" else "executemany"
    if database == "postgresql":
        engine.dispose()
        common.drop_postgres_database(url)
    return {"rows": rows, "seconds": seconds, "method": method}
