"""`pmsgate serve --processes 2` in its own process: two API processes answer, the workers and
the scheduler run once (in the parent), the embedded sample PMS syncs, the rate limit is one
count across the API processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.served import BIN, Served, embedded_env, listening_sockets, serving


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    # The longest idle poll allowed: a write's worker must be woken by the API process's
    # enqueue, not find the job by polling.
    env = embedded_env(tmp_path, PMSGATE_LOG_LEVEL="INFO", PMSGATE_QUEUE_POLL_MAX_SECONDS="10")
    with serving(env, "--processes", "2", api_processes=2) as served:
        yield served


def test_two_api_processes_one_scheduler_and_a_synced_sample_integration(
    served: Served,
) -> None:
    base, env, log_path = served.base, served.env, served.log_path
    started = time.monotonic()
    created = subprocess.run(
        [str(BIN), "customers", "create", "Two Processes"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    headers = {"Authorization": f"Bearer {created.stdout.strip().splitlines()[-1]}"}
    response = httpx.post(
        f"{base}/v1/admin/integrations/",
        headers=headers,
        json={"integration_vendor": "SAMPLE1", "name": "Demo", "credentials": {}, "active": True},
    )
    assert response.status_code == 200, response.text
    integration_id = response.json()["result"]["id"]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        detail = httpx.get(f"{base}/v1/admin/integrations/{integration_id}/", headers=headers).json()
        if detail["results"]["last_completed_sync"]:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"the first sync did not complete:\n{log_path.read_text()[-3000:]}")
    # Requests over many connections reach both API processes; every one is counted once.
    limits = []
    for _ in range(20):
        with httpx.Client(headers=headers) as client:  # a new connection each time
            answer = client.get(f"{base}/v1/resident-charges/", params={"limit": 1})
            assert answer.status_code == 200, answer.text
            assert answer.json()["meta"]["total"] > 0
            limits.append(int(answer.headers["x-ratelimit-remaining"]))
    assert limits == sorted(limits, reverse=True) and len(set(limits)) == 20, limits
    _writes_wake_the_parents_workers(base, headers, integration_id, started)
    log = log_path.read_text()
    assert len(re.findall(r"worker lanes started", log)) == 1, log[-3000:]
    assert len(re.findall(r"Periodic tasks are enabled", log)) == 1, log[-3000:]
    assert len(served.api_processes()) == 2


def _writes_wake_the_parents_workers(
    base: str, headers: dict[str, str], integration_id: str, started: float
) -> None:
    """A write accepted by an API process reaches the parent's idle workers at once. Idle for
    20 s, a writes worker sleeps the whole 10 s bound between polls (Huey's backoff: 0.01 s
    growing by half each time), so a write found by polling would take up to 10 s."""
    lease = httpx.get(
        f"{base}/v1/leases/", headers=headers, params={"integration_id": integration_id}
    ).json()["results"][0]
    code = httpx.get(
        f"{base}/v1/charge-codes/", headers=headers, params={"property_id": lease["property_id"]}
    ).json()["results"][0]
    time.sleep(max(0.0, started + 22 - time.monotonic()))  # no write since the start: idle
    posted = time.monotonic()
    job_id = httpx.post(
        f"{base}/v1/resident-charges/",
        headers=headers,
        json={
            "integration_id": integration_id,
            "lease_id": lease["id"],
            "charge_code_id": code["id"],
            "amount_in_cents": 1234,
            "transaction_date": "2026-11-04",
        },
    ).json()["job_id"]
    while (status := httpx.get(f"{base}/v1/admin/write-status/{job_id}", headers=headers).json())[
        "write_status"
    ] == "PENDING":
        assert time.monotonic() - posted < 4, f"the write is still pending: {status}"
        time.sleep(0.05)
    assert status["write_status"] == "SUCCESS", status


def test_each_api_process_listens_on_the_port_and_a_lost_one_is_replaced(
    served: Served,
) -> None:
    """One socket per API process (SO_REUSEPORT): the kernel spreads connections over them (on
    one shared socket, whichever process woke first took every waiting connection). An API
    process that dies is replaced and the port keeps answering."""
    base, port, log_path = served.base, served.port, served.log_path
    api = served.api_processes()
    assert len(api) == 2
    deadline = time.monotonic() + 60  # the second may still be importing
    while not all(listening_sockets(pid, port) for pid in api) and time.monotonic() < deadline:
        time.sleep(0.2)
    first, second = (listening_sockets(pid, port) for pid in api)
    assert len(first) == len(second) == 1 and first != second  # not one socket inherited by both
    os.kill(api[0], signal.SIGKILL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        now = served.api_processes()
        if len(now) == 2 and api[0] not in now and all(listening_sockets(pid, port) for pid in now):
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the lost API process was not replaced:\n{log_path.read_text()[-3000:]}")
    assert all(httpx.get(f"{base}/healthz").status_code == 200 for _ in range(20))
    assert "starting another" in log_path.read_text()
