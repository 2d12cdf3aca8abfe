"""Prometheus metrics at /metrics, fed by a real sync and a real write through the queue."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served
from tests.worker.test_lanes import _charge_body, _client, _integration, _synced, running_app
from tests.worker.test_queue_end_to_end import wait_for


def _value(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_show_requests_syncs_writes_pms_calls_and_queues(
    tmp_path: Path, fresh_sample_server: Served
) -> None:
    customer = make_customer("Metrics", rate_limit=100_000)
    with running_app(tmp_path, "sqlite") as app, _client(app, customer) as client:
        httpx.post(f"{fresh_sample_server.base_url}/_control/faults", json={"rate_limit_burst": 1})
        integration_id = _integration(client, fresh_sample_server.base_url)
        _synced(client, integration_id)
        job_id = client.post("/v1/resident-charges/", json=_charge_body(client, integration_id, 321)).json()[
            "job_id"
        ]
        wait_for(lambda: client.get(f"/v1/admin/write-status/{job_id}").json()["write_status"] == "SUCCESS")
        client.get(f"/v1/admin/integrations/{integration_id}/")

        def scraped() -> str | None:
            text = client.get("/metrics").text
            return text if _value(text, "pmsgate_write_jobs_total", outcome="SUCCESS") >= 1 else None

        text = wait_for(scraped, 10)
    assert _value(text, "pmsgate_http_requests_total", route="/v1/admin/integrations/{integration_id}/") >= 1
    assert not re.search(r'route="/v1/admin/integrations/intg_', text)  # templates, not raw paths
    assert _value(text, "pmsgate_http_request_duration_seconds_count", route="/v1/resident-charges/") >= 1
    assert _value(text, "pmsgate_sync_records_total", vendor="SAMPLE1", outcome="new") >= 40
    assert _value(text, "pmsgate_sync_runs_total", vendor="SAMPLE1", status="COMPLETED") >= 1
    assert _value(text, "pmsgate_sync_run_duration_seconds_count", vendor="SAMPLE1") >= 1
    assert _value(text, "pmsgate_pms_requests_total", vendor="SAMPLE1", status="200") >= 10
    assert _value(text, "pmsgate_pms_rate_limited_total", vendor="SAMPLE1") >= 1
    for lane in ("sync", "writes", "checks", "control"):
        assert f'pmsgate_queue_depth{{lane="{lane}"}}' in text
    assert 'pmsgate_queue_oldest_age_seconds{lane="writes"}' in text
