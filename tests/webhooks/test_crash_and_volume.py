"""A delivery process killed mid-send loses nothing; one sync's 10,000 events all arrive;
recovery endpoints; retention."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from pmsgate.canonical.records import PropertyRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.webhooks import Event, WebhookAttempt, WebhookDelivery
from tests.fixtures.api import CustomerKey
from tests.fixtures.sample import create_integration, run_queued_syncs
from tests.webhooks.conftest import Receiver, create_webhook, emit_data_events, wait_for

CHILD = """
import time
from pmsgate.config import get_settings
from pmsgate.kit.db import session_factory
from pmsgate.webhooks.loop import DeliveryLoop

settings = get_settings().model_copy(update={
    "webhook_poll_interval_seconds": 0.1,
    "webhook_attempt_timeout_seconds": 3.0,
    "webhook_lease_margin_seconds": 0.5,
})
DeliveryLoop(session_factory(), settings).start()
print("started", flush=True)
time.sleep(600)
"""


def statuses(webhook_id: str) -> dict[str, int]:
    with session_factory()() as session:
        rows = session.execute(
            select(WebhookDelivery.status, func.count())
            .where(WebhookDelivery.webhook_id == webhook_id)
            .group_by(WebhookDelivery.status)
        )
        return {status: count for status, count in rows}


@pytest.fixture
def child() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_a_process_killed_mid_delivery_loses_nothing(
    client: TestClient,
    customer: CustomerKey,
    receiver: Receiver,
    start_loop: Any,
    child: list[subprocess.Popen[str]],
) -> None:
    webhook = create_webhook(client, receiver.url)
    receiver.hang = 60.0  # the child's sends are in flight when it dies
    ids = emit_data_events(customer.customer_id, None, [(f"chg_{n % 5}", n) for n in range(20)])
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD], env=dict(os.environ), stdout=subprocess.PIPE, text=True
    )
    child.append(process)
    assert process.stdout is not None and process.stdout.readline().strip() == "started"
    wait_for(lambda: len(receiver.received) >= 5, what="the child's sends")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    assert statuses(webhook["id"]).get("DELIVERING", 0) >= 5  # it died holding them

    receiver.hang = 0.0
    receiver.received.clear()
    start_loop()
    wait_for(lambda: set(receiver.event_ids()) >= set(ids), timeout=30, what="every event")
    wait_for(lambda: statuses(webhook["id"]) == {"SUCCEEDED": 20}, what="every delivery recorded")


class ManyProperties:
    """A connector whose PMS holds `count` properties; `version` changes every one of them."""

    vendor: Any = "SAMPLE1"

    def __init__(self, count: int, version: int) -> None:
        self.count, self.version = count, version

    def supported_models(self) -> frozenset[Model]:
        return frozenset({Model.PROPERTIES})

    def check_credentials(self) -> None:
        return None

    def data_access(self) -> dict[Model, bool]:
        return {Model.PROPERTIES: True}

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        start = int((request.resume_token or {}).get("next", 0))
        for offset in range(start, self.count, 1000):
            records = [
                PropertyRecord(x_id=str(n), name=f"Property {n} v{self.version}")
                for n in range(offset, min(offset + 1000, self.count))
            ]
            following = offset + 1000
            yield Page(records, {"next": following} if following < self.count else None)

    def close(self) -> None:
        return None


def test_ten_thousand_events_from_one_sync_all_arrive(
    client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.kit.dispatch import RecordingDispatcher
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    integration_id, dispatcher = create_integration(customer, "http://127.0.0.1:9")
    assert run_queued_syncs(dispatcher, builder=lambda _c: ManyProperties(10_000, 1)) == ["COMPLETED"]
    webhook = create_webhook(client, receiver.url, triggers=["DATA_UPDATE"], model="properties")
    start_loop(webhook_threads=16, webhook_per_endpoint_concurrency=16)
    again = RecordingDispatcher()
    with unit_of_work(session_factory()) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        request_sync(session, integration, RunKind.MANUAL, again, [Model.PROPERTIES])
    assert run_queued_syncs(again, builder=lambda _c: ManyProperties(10_000, 2)) == ["COMPLETED"]
    wait_for(lambda: len(receiver.ids) >= 10_000, timeout=300, what="10,000 deliveries")
    bodies = receiver.bodies()
    assert {b["data"]["diff"]["new"]["name"].split()[-1] for b in bodies} == {"v2"}
    assert len({b["data"]["record_id"] for b in bodies}) == 10_000
    wait_for(lambda: statuses(webhook["id"]) == {"SUCCEEDED": 10_000}, timeout=60, what="every one recorded")


def test_retry_recover_and_test_endpoints(
    client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    receiver.status = 400  # refused: FAILED at once
    webhook = create_webhook(client, receiver.url)
    start_loop()
    before = utcnow() - timedelta(seconds=1)
    ids = emit_data_events(customer.customer_id, None, [("chg_1", 1), ("chg_2", 1)])
    base = f"/v1/webhooks/{webhook['id']}"
    wait_for(
        lambda: client.get(f"{base}/deliveries", params={"status": "FAILED"}).json()["meta"]["total"] == 2,
        what="both refused",
    )
    receiver.status = 200
    receiver.received.clear()
    failed = client.get(f"{base}/deliveries", params={"event_id": ids[0]}).json()["results"][0]
    retried = client.post(f"{base}/deliveries/{failed['id']}/retry")
    assert retried.status_code == 200 and retried.json()["result"]["status"] == "PENDING"
    wait_for(lambda: receiver.event_ids() == [ids[0]], what="the retried delivery")
    assert client.post(f"{base}/deliveries/whd_nope/retry").status_code == 404

    # Deactivated meanwhile: this event gets no delivery; recover sends it and the failed one.
    client.put(base, json={"active": False})
    [missed] = emit_data_events(customer.customer_id, None, [("chg_3", 1)])
    client.put(base, json={"active": True})
    recovered = client.post(f"{base}/recover", json={"since": before.isoformat()})
    assert recovered.json() == {"result": {"requeued": 1, "created": 1}}
    wait_for(lambda: set(receiver.event_ids()) >= {ids[1], missed}, what="recovered deliveries")

    test = client.post(f"{base}/test")
    assert test.status_code == 200 and test.json()["result"]["event_type"] == "TEST"
    wait_for(lambda: any(b["trigger"] == "TEST" for b in receiver.bodies()), what="the test event")


def test_retention_prunes_old_events_with_their_deliveries(customer: CustomerKey, client: TestClient) -> None:
    from pmsgate.config import get_settings
    from pmsgate.webhooks.loop import prune

    webhook = create_webhook(client, "http://127.0.0.1:9/hook")
    old = emit_data_events(customer.customer_id, None, [("chg_old", 1)])
    recent = emit_data_events(customer.customer_id, None, [("chg_new", 1)])
    long_ago = utcnow() - timedelta(days=31)
    with unit_of_work(session_factory()) as session:
        session.execute(update(Event).where(Event.id.in_(old)).values(created_at=long_ago))
        delivery = session.scalars(select(WebhookDelivery.id).where(WebhookDelivery.event_id == old[0])).one()
        session.add(
            WebhookAttempt(
                id="wha_old_" + old[0][-8:],
                delivery_id=delivery,
                webhook_id=webhook["id"],
                attempted_at=long_ago,
                succeeded=False,
            )
        )
    assert prune(session_factory(), get_settings(), utcnow()) >= 1
    with session_factory()() as session:
        left = set(session.scalars(select(Event.id).where(Event.customer_id == customer.customer_id)))
        deliveries = set(
            session.scalars(
                select(WebhookDelivery.event_id).where(WebhookDelivery.webhook_id == webhook["id"])
            )
        )
    assert left == set(recent) and deliveries == set(recent)
