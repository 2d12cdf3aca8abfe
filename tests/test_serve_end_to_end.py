"""The product as a user meets it: `pmsgate serve` in its own process on the embedded default,
a key from `pmsgate customers create`, a SAMPLE1 integration with empty credentials, and a
completed first sync within seconds."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.served import BIN, Served, embedded_env, listening_sockets, serving


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serving(embedded_env(tmp_path, PMSGATE_LOG_LEVEL="WARNING"), api_processes=1) as served:
        yield served


def test_serve_create_customer_and_sync_a_sample_integration(served: Served) -> None:
    base, env = served.base, served.env
    created = subprocess.run(
        [str(BIN), "customers", "create", "End To End"], env=env, capture_output=True, text=True, check=True
    )
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("pmsg_")
    headers = {"Authorization": f"Bearer {key}"}
    response = httpx.post(
        f"{base}/v1/admin/integrations/",
        headers=headers,
        json={"integration_vendor": "SAMPLE1", "name": "Demo", "credentials": {}, "active": True},
    )
    assert response.status_code == 200, response.text
    integration_id = response.json()["result"]["id"]
    started = time.monotonic()
    while time.monotonic() - started < 60:
        answer = httpx.get(f"{base}/v1/admin/integrations/{integration_id}/", headers=headers)
        assert answer.status_code == 200, answer.text
        detail = answer.json()["results"]
        if detail["last_completed_sync"]:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the first sync did not complete within 60 s")
    charges = httpx.get(f"{base}/v1/resident-charges/", headers=headers, params={"limit": 5}).json()
    assert charges["meta"]["total"] > 0 and len(charges["results"]) == 5
    assert detail["can_authenticate"] is True


def test_the_api_answers_from_a_process_apart_from_the_workers(served: Served) -> None:
    """The embedded default runs one API process beside the serve process, which runs the
    workers: a sync's Python no longer holds the GIL while a request waits. The one API process
    keeps the sample PMS at /_emulators/sample on the port, where SAMPLE1 finds it."""
    (api,) = served.api_processes()
    assert listening_sockets(api, served.port)
    assert not listening_sockets(served.process.pid, served.port)
    sample = httpx.get(f"{served.base}/_emulators/sample/api/v2/properties")
    assert sample.status_code == 401 and sample.json()["fault"]["code"], sample.text


def test_a_store_that_cannot_be_migrated_stops_serve_before_it_listens(tmp_path: Path) -> None:
    """`serve` migrates in a child process (cli/server.py): the child's failure is serve's, with
    its exit code and its reason, before anything listens or any worker starts."""
    not_a_directory = tmp_path / "data"
    not_a_directory.write_text("a file where the data directory should be")
    env = embedded_env(not_a_directory)
    done = subprocess.run(
        [str(BIN), "serve", "--port", "0"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "FileExistsError" in done.stderr
    assert "pmsgate on http" not in done.stdout + done.stderr
