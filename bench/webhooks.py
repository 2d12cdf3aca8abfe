"""Benchmark: webhook delivery capacity, and latency from commit to receipt at given rates.

    .venv/bin/python bench/webhooks.py          # SQLite (embedded): capacity, then 500, 1,000, 1,500/s
    .venv/bin/python bench/webhooks.py --database-url postgresql+psycopg://postgres@127.0.0.1/pmsgate_bench_wh
    .venv/bin/python bench/webhooks.py --rates 1000 --seconds 20 --capacity-events 0

One customer with one active webhook (DATA_UPDATE). A receiver in another process (asyncio and
httptools on loopback, answering 204, keep-alive) notes when each event arrives, so the receiver
costs little CPU of its own (it reports its CPU time too). The delivery loop runs in this process
with its default settings.

1. Capacity: `--capacity-events` events are committed while the loop is stopped, then the loop
   is started and drains them: deliveries per second of a backlog.
2. For each of `--rates`: events are committed through the outbox at that rate for `--seconds`,
   in transactions of `--batch` events (as sync pages are), while the loop delivers them; prints
   deliveries/s and p50/p95/p99/max of (received - committed).

CPU per delivery is this process's CPU time (delivery loop, and for the rates also committing the
events) divided by the deliveries: on a shared machine it is steadier than wall clock.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

RECEIVER = r"""
import asyncio, json, sys, time
import httptools

arrivals = {}

class Server(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.parser = httptools.HttpRequestParser(self)
        self.id = None
        self.url = b""
        self.method = b""

    def data_received(self, data):
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.close()

    def on_url(self, url):
        self.url += url

    def on_header(self, name, value):
        if name.lower() == b"webhook-id":
            self.id = value.decode()

    def on_message_complete(self):
        now = time.time()
        if self.parser.get_method() == b"GET":
            if self.url.startswith(b"/arrivals"):
                body = json.dumps(arrivals).encode()
            else:
                body = json.dumps({"count": len(arrivals), "cpu": time.process_time()}).encode()
            self.transport.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body)
                + body
            )
        else:
            if self.id is not None:
                arrivals.setdefault(self.id, now)
            self.transport.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        self.id, self.url = None, b""

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Server, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


class Receiver:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}") as response:
            return json.loads(response.read())

    def stats(self) -> tuple[int, float]:
        """Distinct events received so far, and the receiver's CPU time."""
        data = self._get("/stats")
        return data["count"], data["cpu"]

    def wait_for(self, ids: set[str], before: int, timeout: float = 600.0) -> dict[str, float]:
        """When each of `ids` arrived, once `before` + len(ids) distinct events have."""
        deadline = time.time() + timeout
        while self.stats()[0] < before + len(ids) and time.time() < deadline:
            time.sleep(0.1)
        arrivals = self._get("/arrivals")
        return {i: arrivals[i] for i in ids if i in arrivals}

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rates", default="500,1000,1500", help="events committed per second, comma-separated"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each rate is offered")
    parser.add_argument("--capacity-events", type=int, default=10_000, help="backlog drained (0: skip)")
    parser.add_argument("--batch", type=int, default=100, help="events per transaction")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite in a temp dir)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="pmsgate-bench-"))
    os.environ["PMSGATE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("PMSGATE_ALLOW_PRIVATE_WEBHOOK_URLS", "true")  # the receiver is on loopback
    if args.database_url:
        from cryptography.fernet import Fernet

        os.environ["PMSGATE_DATABASE_URL"] = args.database_url
        os.environ.setdefault("PMSGATE_SECRET_KEY", Fernet.generate_key().decode())

    from pmsgate.config import get_settings
    from pmsgate.migrations import upgrade

    upgrade(get_settings().sqlalchemy_url)

    from pmsgate.customers.repository import CustomerRepository
    from pmsgate.customers.service import create_customer
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.webhooks.events import Draft, emit
    from pmsgate.webhooks.loop import DeliveryLoop
    from pmsgate.webhooks.schemas import WebhookCreate
    from pmsgate.webhooks.service import create_webhook

    receiver = Receiver()
    factory = session_factory()
    with unit_of_work(factory) as session:
        customer = CustomerRepository.from_session(session).get(create_customer(session, "bench").customer.id)
        assert customer is not None
        body = WebhookCreate.model_validate(
            {"url": receiver.url, "triggers": ["DATA_UPDATE"], "active": True}
        )
        create_webhook(session, customer, body)
        customer_id = customer.id

    serial = 0

    def commit(count: int) -> tuple[list[str], float]:
        nonlocal serial
        drafts = [
            Draft(
                "DATA_UPDATE",
                {"record_id": f"chg_{n}", "diff": {"new": {"n": n}}},
                "resident_charges",
                f"chg_{n}",
            )
            for n in range(serial, serial + count)
        ]
        serial += count
        with unit_of_work(factory) as session:
            ids = emit(session, customer_id=customer_id, integration_id=None, drafts=drafts)
        return ids, time.time()

    backend = "postgresql" if args.database_url else "sqlite"
    print(f"backend {backend}; receiver: asyncio+httptools in its own process; loop: default settings")
    rows: list[dict[str, Any]] = []
    try:
        if args.capacity_events:
            ids: list[str] = []
            while len(ids) < args.capacity_events:
                ids += commit(min(args.batch, args.capacity_events - len(ids)))[0]
            before, receiver_cpu = receiver.stats()
            cpu, started = time.process_time(), time.time()
            loop = DeliveryLoop(factory).start()
            arrivals = receiver.wait_for(set(ids), before)
            last = max(arrivals.values())
            cpu = time.process_time() - cpu
            loop.stop()
            _, receiver_cpu_after = receiver.stats()
            rows.append(
                {
                    "run": f"capacity ({len(ids)} waiting)",
                    "delivered": f"{len(arrivals)}/{len(ids)}",
                    "per_s": len(arrivals) / (last - started),
                    "cpu_us": cpu / max(1, len(arrivals)) * 1e6,
                    "receiver_us": (receiver_cpu_after - receiver_cpu) / max(1, len(arrivals)) * 1e6,
                    "latency": None,
                }
            )
            print(_format(rows[-1]), flush=True)

        for rate in [float(r) for r in args.rates.split(",") if r]:
            loop = DeliveryLoop(factory).start()
            time.sleep(0.5)
            before, receiver_cpu = receiver.stats()
            committed: dict[str, float] = {}
            total = int(rate * args.seconds)
            interval = args.batch / rate
            cpu, started = time.process_time(), time.time()
            for number in range(0, total, args.batch):
                pause = started + (number // args.batch) * interval - time.time()
                if pause > 0:
                    time.sleep(pause)
                ids, at = commit(min(args.batch, total - number))
                committed.update(dict.fromkeys(ids, at))
            offered = total / (time.time() - started)
            arrivals = receiver.wait_for(set(committed), before)
            cpu = time.process_time() - cpu
            loop.stop()
            _, receiver_cpu_after = receiver.stats()
            latencies = sorted(arrivals[i] - committed[i] for i in arrivals)
            rows.append(
                {
                    "run": f"{rate:,.0f}/s offered ({offered:,.0f}/s committed), {total} events",
                    "delivered": f"{len(arrivals)}/{total}",
                    "per_s": len(arrivals) / (max(arrivals.values()) - started),
                    "cpu_us": cpu / max(1, len(arrivals)) * 1e6,
                    "receiver_us": (receiver_cpu_after - receiver_cpu) / max(1, len(arrivals)) * 1e6,
                    "latency": latencies,
                }
            )
            print(_format(rows[-1]), flush=True)
    finally:
        receiver.stop()


def _format(row: dict[str, Any]) -> str:
    text = (
        f"{row['run']}: {row['delivered']} delivered, {row['per_s']:,.0f} deliveries/s, "
        f"CPU {row['cpu_us']:,.0f} µs/delivery (receiver {row['receiver_us']:,.0f} µs)"
    )
    latencies = row["latency"]
    if latencies:
        text += (
            f"; commit->received ms p50 {pct(latencies, 0.50):,.0f}  p95 {pct(latencies, 0.95):,.0f}  "
            f"p99 {pct(latencies, 0.99):,.0f}  max {latencies[-1] * 1000:,.0f}"
        )
    return text


if __name__ == "__main__":
    main()
