"""`pmsgate emulate entrata` as a user runs it: the first line names the base URL and the
credentials, and they work against the served API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx


def test_emulate_prints_base_url_and_credentials_that_work() -> None:
    cli = Path(sys.executable).with_name("pmsgate")
    process = subprocess.Popen(
        [str(cli), "emulate", "entrata", "--port", "0", "--records", "10"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        assert first["base_url"].endswith("/api/v1")
        credentials = first["credentials"]
        assert set(credentials) == {"apiKey", "companyId"}
        body = {
            "auth": {"type": "apikey"},
            "requestId": "1",
            "method": {"name": "getProperties", "version": "r1", "params": {}},
        }
        answer = httpx.post(
            f"{first['base_url']}/properties", json=body, headers={"X-Api-Key": credentials["apiKey"]}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["response"]["result"]["PhysicalProperty"]["Property"]
        assert answer.headers["x-ratelimit-limit"] == "15000/DAY;1000/HOUR;150/MINUTE"
    finally:
        process.terminate()
        process.wait(timeout=10)
