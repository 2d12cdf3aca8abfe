"""Benchmark: webhook deliveries per second and latency from commit to receipt.

    .venv/bin/python bench/webhooks.py --events 10000 --rate 1000 [--database-url postgresql+psycopg://...]

Events are committed through the outbox at `--rate` events per second, in transactions of
`--batch` events (as sync pages are), to one customer with one active webhook. A receiver in
another process (a stdlib HTTP server on loopback, answering 204) notes when each event
arrives. The delivery loop runs in this process with its default settings. Prints deliveries
per second and p50/p95/p99/max of (received - committed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

RECEIVER = r"""
import json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

arrivals = {}
lock = threading.Lock()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        now = time.time()
        with lock:
            arrivals.setdefault(self.headers["webhook-id"], now)
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_GET(self):
        with lock:
            body = json.dumps(arrivals).encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1000.0, help="events committed per second")
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

    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
    assert receiver.stdout is not None
    port = int(receiver.stdout.readline())
    url = f"http://127.0.0.1:{port}/hook"
    with unit_of_work(session_factory()) as session:
        customer = CustomerRepository.from_session(session).get(create_customer(session, "bench").customer.id)
        assert customer is not None
        body = WebhookCreate.model_validate({"url": url, "triggers": ["DATA_UPDATE"], "active": True})
        create_webhook(session, customer, body)
        customer_id = customer.id

    loop = DeliveryLoop(session_factory()).start()
    committed: dict[str, float] = {}
    started = time.time()
    interval = args.batch / args.rate
    for number in range(0, args.events, args.batch):
        due = started + (number // args.batch) * interval
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        drafts = [
            Draft(
                "DATA_UPDATE",
                {"record_id": f"chg_{n}", "diff": {"new": {"n": n}}},
                "resident_charges",
                f"chg_{n}",
            )
            for n in range(number, min(number + args.batch, args.events))
        ]
        with unit_of_work(session_factory()) as session:
            ids = emit(session, customer_id=customer_id, integration_id=None, drafts=drafts)
        now = time.time()
        committed.update(dict.fromkeys(ids, now))
    produced = time.time()

    arrivals: dict[str, float] = {}
    deadline = time.time() + 600
    while time.time() < deadline:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as response:
            arrivals = json.loads(response.read())
        if len(arrivals) >= args.events:
            break
        time.sleep(0.2)
    loop.stop()
    receiver.kill()

    latencies = sorted(arrivals[i] - committed[i] for i in committed if i in arrivals)
    last = max(arrivals.values())

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    backend = "postgresql" if args.database_url else "sqlite"
    print(f"backend {backend}: {len(arrivals)}/{args.events} delivered")
    elapsed = produced - started
    print(f"committed {args.events} events in {elapsed:.1f} s ({args.events / elapsed:.0f}/s)")
    print(f"deliveries/s (first commit to last receipt): {len(arrivals) / (last - started):.0f}")
    print(
        f"commit->received ms: p50 {pct(0.50):.0f}  p95 {pct(0.95):.0f}  p99 {pct(0.99):.0f}  "
        f"max {latencies[-1] * 1000:.0f}  mean {statistics.fmean(latencies) * 1000:.0f}"
    )


if __name__ == "__main__":
    main()
