"""Prometheus metrics, served at `/metrics` (and by `pmsgate worker --metrics-port`); the API
requests are counted by `pmsgate.middleware.MetricsMiddleware`.

    pmsgate_http_requests_total{method,route,status}      API requests (route = path template)
    pmsgate_http_request_duration_seconds{method,route}   their latency
    pmsgate_sync_records_total{vendor,model,outcome}      records synced (new/updated/unchanged)
    pmsgate_sync_runs_total{vendor,status}                finished runs
    pmsgate_sync_run_duration_seconds{vendor,status}      from start to finish, deferrals included
    pmsgate_write_jobs_total{vendor,outcome}              write jobs ended (SUCCESS/FAILURE) or deferred
    pmsgate_pms_requests_total{vendor,status}             requests to PMSs (status "error": no answer)
    pmsgate_pms_rate_limited_total{vendor}                429s from PMSs
    pmsgate_deferrals_total{lane,reason}                  work handed back to the queue
    pmsgate_queue_depth{lane}                             messages waiting in each lane
    pmsgate_queue_oldest_age_seconds{lane}                age of the oldest runnable work (from the rows)

Counters live in the process that counts them: in the embedded mode that is the `serve`
process; in scale-out each `pmsgate worker` exposes its own (scrape every process). With
PROMETHEUS_MULTIPROC_DIR set, processes of one machine (e.g. several uvicorn workers) share
their counters through that directory and `/metrics` reports their sum.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

HTTP_REQUESTS = Counter("pmsgate_http_requests", "API requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "pmsgate_http_request_duration_seconds",
    "API request latency",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SYNC_RECORDS = Counter("pmsgate_sync_records", "Records synced", ["vendor", "model", "outcome"])
SYNC_RUNS = Counter("pmsgate_sync_runs", "Sync runs finished", ["vendor", "status"])
SYNC_DURATION = Histogram(
    "pmsgate_sync_run_duration_seconds",
    "Sync run duration, start to finish",
    ["vendor", "status"],
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600),
)
WRITE_JOBS = Counter("pmsgate_write_jobs", "Write jobs ended or deferred", ["vendor", "outcome"])
PMS_REQUESTS = Counter("pmsgate_pms_requests", "Requests to PMSs", ["vendor", "status"])
PMS_RATE_LIMITED = Counter("pmsgate_pms_rate_limited", "429 answers from PMSs", ["vendor"])
DEFERRALS = Counter("pmsgate_deferrals", "Work handed back to the queue to run later", ["lane", "reason"])


def pms_answered(vendor: str, status: int | None) -> None:
    PMS_REQUESTS.labels(vendor, str(status) if status is not None else "error").inc()
    if status == 429:
        PMS_RATE_LIMITED.labels(vendor).inc()


def page_synced(vendor: str, stats: Any) -> None:
    for outcome in ("new", "updated", "unchanged"):
        for model, count in getattr(stats, outcome).items():
            if count:
                SYNC_RECORDS.labels(vendor, str(model), outcome).inc(count)


class QueueCollector(Collector):
    """Queue depth and age per lane, read at scrape time (so any process can report them)."""

    def __init__(self, depth: Callable[[], dict[str, int]], age: Callable[[], dict[str, float]]) -> None:
        self._depth = depth
        self._age = age

    def collect(self) -> Iterable[GaugeMetricFamily]:
        depth = GaugeMetricFamily("pmsgate_queue_depth", "Messages waiting per lane", labels=["lane"])
        for lane, value in self._depth().items():
            depth.add_metric([lane], value)
        yield depth
        age = GaugeMetricFamily(
            "pmsgate_queue_oldest_age_seconds", "Age of the oldest runnable work per lane", labels=["lane"]
        )
        for lane, seconds in self._age().items():
            age.add_metric([lane], seconds)
        yield age


def registry_with(*collectors: Collector) -> CollectorRegistry:
    """What `/metrics` serves: this process's metrics (or the machine's, in multiprocess mode)
    plus the given scrape-time collectors."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Default())
    for collector in collectors:
        registry.register(collector)
    return registry


class _Default(Collector):
    def collect(self) -> Iterable[Any]:
        return REGISTRY.collect()


def render(registry: CollectorRegistry) -> tuple[bytes, str]:
    return generate_latest(registry), CONTENT_TYPE_LATEST
