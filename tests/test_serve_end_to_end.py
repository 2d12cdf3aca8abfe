"""The product as a user meets it: `pmsgate serve` in its own process on the embedded default,
a key from `pmsgate customers create`, a SAMPLE1 integration with empty credentials, and a
completed first sync within seconds."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent / "pmsgate"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    # The embedded default, whichever database the rest of the suite runs on.
    env = {k: v for k, v in os.environ.items() if k not in ("PMSGATE_DATABASE_URL", "PMSGATE_SECRET_KEY")}
    env.update({"PMSGATE_DATA_DIR": str(tmp_path), "PMSGATE_LOG_LEVEL": "WARNING"})
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = (tmp_path / "serve.log").read_text()
                raise AssertionError(f"pmsgate serve did not start:\n{output[-3000:]}")
            time.sleep(0.2)
        yield base, env
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_serve_create_customer_and_sync_a_sample_integration(served: tuple[str, dict[str, str]]) -> None:
    base, env = served
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
