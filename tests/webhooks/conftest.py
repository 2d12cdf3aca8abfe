"""A real receiving HTTP server on loopback, a delivery loop with fast test settings, and helpers
that write events through the outbox."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from pmsgate.config import Settings, get_settings
from tests.fixtures.api import CustomerKey, make_customer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every request; `status` is what it answers, `hang` seconds it waits first."""

    status: int = 200
    hang: float = 0.0
    received: list[Received] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)  # webhook-id headers seen (cheap to poll)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: Any = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def app(self) -> Starlette:
        async def hook(request: Request) -> PlainTextResponse:
            body = await request.body()
            with self.lock:
                self.received.append(Received(dict(request.headers), body, time.monotonic()))
                self.ids.add(request.headers.get("webhook-id", ""))
            if self.hang:
                await asyncio.sleep(self.hang)
            return PlainTextResponse(f"answered {self.status}", status_code=self.status)

        return Starlette(routes=[Route("/hook", hook, methods=["POST"])])

    def start(self) -> Receiver:
        from pmsgate.emulators.server import serve_in_thread

        self.server = serve_in_thread(self.app(), port=self.port)
        self.port = self.server.port
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def bodies(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r.json() for r in self.received]

    def event_ids(self) -> list[str]:
        return [b["meta"]["event_id"] for b in self.bodies()]


def wait_for(condition: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver().start()
    yield running
    running.hang = 0
    running.stop()


def fast_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhook_poll_interval_seconds": 0.1,
        "webhook_attempt_timeout_seconds": 2.0,
        "webhook_retry_delays_seconds": [0.2] * 30,
        "webhook_lease_margin_seconds": 3.0,
        **overrides,
    }
    return get_settings().model_copy(update=values)


@pytest.fixture
def start_loop() -> Iterator[Callable[..., Any]]:
    from pmsgate.kit.db import session_factory
    from pmsgate.webhooks.loop import DeliveryLoop

    loops: list[DeliveryLoop] = []

    def start(**overrides: Any) -> DeliveryLoop:
        loop = DeliveryLoop(session_factory(), fast_settings(**overrides)).start()
        loops.append(loop)
        return loop

    yield start
    for loop in loops:
        loop.stop()


@pytest.fixture
def owner() -> CustomerKey:
    return make_customer("Webhook Owner")


_created: list[str] = []


@pytest.fixture(autouse=True)
def _deactivate_webhooks_after_test() -> Iterator[None]:
    """Later tests' delivery loops must not keep sending to this test's stopped receivers."""
    yield
    from sqlalchemy import update

    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.models.webhooks import Webhook, WebhookDelivery

    if _created:
        with unit_of_work(session_factory()) as session:
            session.execute(update(Webhook).where(Webhook.id.in_(_created)).values(active=False))
            session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.webhook_id.in_(_created), WebhookDelivery.status == "PENDING")
                .values(status="FAILED")
            )
        _created.clear()


def create_webhook(client: Any, url: str, triggers: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    body = {"url": url, "triggers": triggers or ["DATA_NEW", "DATA_UPDATE"], "active": True, **extra}
    response = client.post("/v1/webhooks/", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["result"]
    _created.append(result["id"])
    return result


def emit_data_events(
    customer_id: str, integration_id: str | None, records: list[tuple[str, int]]
) -> list[str]:
    """DATA_UPDATE events through the outbox, one per (record_id, version), in one transaction."""
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.webhooks.events import Draft, emit

    drafts = [
        Draft(
            "DATA_UPDATE",
            {"event": "DATA_UPDATE", "record_id": record_id, "diff": {"new": {"version": version}}},
            model="resident_charges",
            record_id=record_id,
        )
        for record_id, version in records
    ]
    with unit_of_work(session_factory()) as session:
        return emit(session, customer_id=customer_id, integration_id=integration_id, drafts=drafts)
