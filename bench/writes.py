"""Benchmark: write jobs through a real `pmsgate serve` (embedded: SQLite store and queue,
in-process workers) against the sample PMS in its own process (`pmsgate emulate sample`).

    .venv/bin/python bench/writes.py [--burst 200] [--idle-seconds 12] [--idle-samples 3]

Prints: accepting a POST (p50/p95), POST→SUCCESS right after another write (busy) and after the
workers sat idle, and a burst of writes to one integration at max_job_concurrency=1 (jobs/s).
Each write costs the sample PMS three requests (login, POST, read-back); the integration's
budget is set to 100 requests/s so the figure is pmsgate's, not the budget's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

PMSGATE = [sys.executable, "-c", "from pmsgate.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class Bench:
    def __init__(self, base: str, key: str) -> None:
        self.client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30)

    def integration(self, pms_url: str) -> str:
        response = self.client.post(
            "/v1/admin/integrations/",
            json={
                "integration_vendor": "SAMPLE1",
                "name": "bench writes",
                "active": True,
                "credentials": {"baseUrl": pms_url},
                "max_job_concurrency": 1,
                "max_request_frequency": 100,
                "max_request_cadence": "SECOND",
            },
        )
        response.raise_for_status()
        integration_id = str(response.json()["result"]["id"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            answer = self.client.get(f"/v1/admin/integrations/{integration_id}/").json()
            if "results" not in answer:
                raise SystemExit(f"unexpected answer: {answer}")
            if answer["results"]["last_completed_sync"]:
                return integration_id
            time.sleep(0.2)
        raise SystemExit("the first sync did not complete")

    def body(self, integration_id: str) -> dict[str, Any]:
        lease = self.client.get("/v1/leases/", params={"integration_id": integration_id}).json()["results"][0]
        code = self.client.get("/v1/charge-codes/", params={"property_id": lease["property_id"]}).json()[
            "results"
        ][0]
        return {
            "integration_id": integration_id,
            "lease_id": lease["id"],
            "charge_code_id": code["id"],
            "amount_in_cents": 100,
            "transaction_date": "2026-11-04",
        }

    def post(self, body: dict[str, Any]) -> tuple[str, float]:
        started = time.perf_counter()
        response = self.client.post("/v1/resident-charges/", json=body)
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        return str(response.json()["job_id"]), elapsed

    def status(self, job_id: str) -> str:
        return str(self.client.get(f"/v1/admin/write-status/{job_id}").json()["write_status"])

    def drain(self, job_ids: list[str]) -> list[str]:
        """Every job to its end (they need not end in the order they came): their statuses."""
        statuses = []
        for job_id in job_ids:
            while (status := self.status(job_id)) in ("PENDING", "SENDING"):
                time.sleep(0.02)
            statuses.append(status)
        return statuses

    def post_to_success(self, body: dict[str, Any]) -> float:
        started = time.perf_counter()
        job_id, _ = self.post(body)
        while (status := self.status(job_id)) == "PENDING":
            time.sleep(0.003)
        if status != "SUCCESS":
            raise SystemExit(f"job {job_id} ended {status}")
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accepts", type=int, default=100)
    parser.add_argument("--busy-samples", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=12.0)
    parser.add_argument("--idle-samples", type=int, default=3)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument(
        "--processes", type=int, default=None, help="API processes of pmsgate serve (default: its own)"
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="pmsgate-bench-writes-"))
    env = {
        **os.environ,
        "PMSGATE_DATA_DIR": str(data_dir),
        "PMSGATE_LOG_LEVEL": "WARNING",
        "PMSGATE_RATE_LIMIT_PER_MINUTE": "10000000",
    }
    for name in ("PMSGATE_DATABASE_URL", "PMSGATE_REDIS_URL"):
        env.pop(name, None)
    emulator = subprocess.Popen(
        [*PMSGATE, "emulate", "sample", "--port", "0", "--records", "200"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    port = _free_port()
    server: subprocess.Popen[str] | None = None
    try:
        assert emulator.stdout is not None
        pms_url = json.loads(emulator.stdout.readline())["base_url"]
        subprocess.run([*PMSGATE, "migrate"], env=env, check=True, capture_output=True)
        created = subprocess.run(
            [*PMSGATE, "customers", "create", "bench"], env=env, check=True, capture_output=True, text=True
        )
        key = created.stdout.strip().splitlines()[-1]
        server = subprocess.Popen(
            [*PMSGATE, "serve", "--port", str(port)]
            + ([] if args.processes is None else ["--processes", str(args.processes)]),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        bench = Bench(base, key)
        integration_id = bench.integration(pms_url)
        body = bench.body(integration_id)
        results = run(bench, body, args)
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        emulator.terminate()
        emulator.wait(10)
    report(results, args)


def run(bench: Bench, body: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    bench.post_to_success(body)  # warm up: connections, token, caches

    posted = [bench.post(body) for _ in range(args.accepts)]
    accepts = [elapsed for _, elapsed in posted]
    bench.drain([job_id for job_id, _ in posted])  # "busy" starts with the workers warm, no backlog

    busy = [bench.post_to_success(body) for _ in range(args.busy_samples)]

    idle = []
    for _ in range(args.idle_samples):
        time.sleep(args.idle_seconds)
        idle.append(bench.post_to_success(body))

    started = time.perf_counter()
    job_ids = [bench.post(body)[0] for _ in range(args.burst)]
    accepted = time.perf_counter() - started
    statuses = bench.drain(job_ids)
    drained = time.perf_counter() - started
    return {
        "accept": accepts,
        "busy": busy,
        "idle": idle,
        "burst_accepted_s": accepted,
        "burst_drained_s": drained,
        "burst_success": statuses.count("SUCCESS"),
    }


def report(results: dict[str, Any], args: argparse.Namespace) -> None:
    burst = args.burst
    lines = [
        f"command: python bench/writes.py --burst {burst} --idle-seconds {args.idle_seconds:g} "
        f"--idle-samples {args.idle_samples}"
        + ("" if args.processes is None else f" --processes {args.processes}"),
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}",
        "",
        "| measure | result |",
        "|---|---|",
        f"| accept a write (POST → 200 with job_id), n={len(results['accept'])} | "
        f"p50 {_ms(statistics.median(results['accept']))}, p95 {_ms(_pct(results['accept'], 0.95))} |",
        f"| POST → SUCCESS, workers busy, n={len(results['busy'])} | "
        f"p50 {_ms(statistics.median(results['busy']))}, p95 {_ms(_pct(results['busy'], 0.95))} |",
        f"| POST → SUCCESS after {args.idle_seconds:g} s idle, n={len(results['idle'])} | "
        f"p50 {_ms(statistics.median(results['idle']))}, max {_ms(max(results['idle']))} |",
        f"| burst of {burst} writes, max_job_concurrency=1 | {results['burst_success']}/{burst} SUCCESS, "
        f"drained in {results['burst_drained_s']:.1f} s = {burst / results['burst_drained_s']:.1f} jobs/s "
        f"(accepted in {results['burst_accepted_s']:.1f} s) |",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
