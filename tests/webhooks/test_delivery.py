"""Deliveries to a real receiver on loopback: signatures, outages, ordering, slow receivers,
4xx handling, rotation, auto-disable."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from tests.fixtures.api import CustomerKey, make_customer
from tests.webhooks.conftest import Receiver, create_webhook, emit_data_events, wait_for


def propexo_ok(secret: str, body: bytes, signature: str) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def test_both_signatures_verify(
    client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    generated = create_webhook(client, receiver.url, headers=[{"header": "x-team", "value": "billing"}])
    start_loop()
    [event_id] = emit_data_events(customer.customer_id, None, [("chg_1", 1)])
    wait_for(lambda: len(receiver.received) == 1, what="one delivery")
    request = receiver.received[0]
    assert request.headers["webhook-id"] == event_id
    assert request.headers["x-team"] == "billing"
    assert request.headers["content-type"] == "application/json"
    # Standard Webhooks, with the library and the generated secret as it is.
    payload = StandardWebhook(generated["secret"]).verify(request.body, request.headers)
    assert payload["trigger"] == "DATA_UPDATE" and payload["meta"]["event_id"] == event_id
    # Propexo: hex HMAC-SHA256 of the raw body.
    assert propexo_ok(generated["secret"], request.body, request.headers["propexo-signature"])
    # A tampered body or a wrong secret fails both.
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(generated["secret"]).verify(request.body + b" ", request.headers)
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(base64.b64encode(b"another key").decode()).verify(request.body, request.headers)
    assert not propexo_ok("another-secret", request.body, request.headers["propexo-signature"])


def test_a_chosen_secret_signs_with_its_utf8_bytes(
    client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    create_webhook(client, receiver.url, secret="chosen-by-customer")
    start_loop()
    emit_data_events(customer.customer_id, None, [("chg_1", 1)])
    wait_for(lambda: len(receiver.received) == 1, what="one delivery")
    request = receiver.received[0]
    StandardWebhook(b"chosen-by-customer").verify(request.body, request.headers)
    assert propexo_ok("chosen-by-customer", request.body, request.headers["propexo-signature"])


def test_rotation_sends_both_signatures_during_the_grace_period(
    client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    created = create_webhook(client, receiver.url)
    old = created["secret"]
    new = client.post(f"/v1/webhooks/{created['id']}/rotate-secret").json()["result"]["secret"]
    assert new != old
    start_loop()
    emit_data_events(customer.customer_id, None, [("chg_1", 1)])
    wait_for(lambda: len(receiver.received) == 1, what="one delivery")
    request = receiver.received[0]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    StandardWebhook(new).verify(request.body, request.headers)  # receivers already on the new one
    StandardWebhook(old).verify(request.body, request.headers)  # and those not yet
    assert propexo_ok(new, request.body, request.headers["propexo-signature"])
    assert propexo_ok(old, request.body, request.headers["propexo-signature-previous"])


def test_after_the_grace_period_only_the_new_secret_signs(
    client: TestClient,
    customer: CustomerKey,
    receiver: Receiver,
    start_loop: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pmsgate.config import get_settings

    monkeypatch.setattr(get_settings(), "webhook_secret_grace_hours", 0.0)
    created = create_webhook(client, receiver.url)
    new = client.post(f"/v1/webhooks/{created['id']}/rotate-secret").json()["result"]["secret"]
    start_loop()
    emit_data_events(customer.customer_id, None, [("chg_1", 1)])
    wait_for(lambda: len(receiver.received) == 1, what="one delivery")
    request = receiver.received[0]
    StandardWebhook(new).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(created["secret"]).verify(request.body, request.headers)
    assert "propexo-signature-previous" not in request.headers


def test_a_receiver_that_is_down_then_back_gets_every_event_in_record_order(
    client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    create_webhook(client, receiver.url)
    port = receiver.port
    receiver.stop()  # down: connections are refused
    start_loop()
    records = [(f"chg_{n % 7}", n) for n in range(60)]  # 7 records, each changed several times
    ids = emit_data_events(customer.customer_id, None, records[:30])
    time.sleep(1.0)
    ids += emit_data_events(customer.customer_id, None, records[30:])
    time.sleep(0.5)
    assert receiver.received == []
    receiver.port = port
    receiver.start()  # back
    wait_for(lambda: set(receiver.event_ids()) >= set(ids), timeout=30, what="every event")
    versions: dict[str, list[int]] = {}
    for body in receiver.bodies():
        versions.setdefault(body["data"]["record_id"], []).append(body["data"]["diff"]["new"]["version"])
    for record, seen in versions.items():
        firsts = list(dict.fromkeys(seen))  # at-least-once: drop repeats, then the order must hold
        assert firsts == sorted(firsts), record


def test_4xx_is_not_retried_but_408_409_429_and_5xx_are(
    client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    webhook = create_webhook(client, receiver.url)
    start_loop(webhook_retry_delays_seconds=[0.1, 0.1])
    for status, attempts, final in (
        (400, 1, "FAILED"),
        (410, 1, "FAILED"),
        (429, 3, "FAILED"),
        (503, 3, "FAILED"),
    ):
        receiver.status = status
        receiver.received.clear()
        [event_id] = emit_data_events(customer.customer_id, None, [(f"chg_{status}", 1)])

        def finished(event_id: str = event_id, final: str = final) -> bool:
            rows = client.get(
                f"/v1/webhooks/{webhook['id']}/deliveries", params={"event_id": event_id}
            ).json()
            return rows["results"][0]["status"] == final

        wait_for(finished, what=f"{status} settles")
        delivery = client.get(
            f"/v1/webhooks/{webhook['id']}/deliveries", params={"event_id": event_id}
        ).json()["results"][0]
        assert delivery["attempts"] == attempts, status
        assert len(delivery["attempt_log"]) == attempts
        assert delivery["attempt_log"][0]["status_code"] == status
        assert delivery["attempt_log"][0]["response_excerpt"] == f"answered {status}"
        assert delivery["attempt_log"][0]["latency_ms"] is not None


def test_a_hanging_receiver_delays_neither_syncs_nor_other_customers(
    app: FastAPI, client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    from tests.webhooks.conftest import Receiver as Fresh

    receiver.hang = 30.0  # never answers within the attempt timeout
    create_webhook(client, receiver.url)
    other = make_customer("Prompt Receiver Inc")
    prompt = Fresh().start()
    try:
        with TestClient(app, headers=other.headers) as theirs:
            create_webhook(theirs, prompt.url)
        start_loop(webhook_attempt_timeout_seconds=5.0, webhook_threads=8, webhook_per_endpoint_concurrency=4)
        started = time.monotonic()
        emit_data_events(customer.customer_id, None, [(f"chg_{n}", 1) for n in range(50)])
        assert time.monotonic() - started < 2.0  # writing events never waits for a receiver
        wait_for(lambda: len(receiver.received) >= 4, what="the hanging receiver is busy")
        sent = time.monotonic()
        [event_id] = emit_data_events(other.customer_id, None, [("chg_x", 1)])
        wait_for(lambda: prompt.event_ids() == [event_id], timeout=5, what="the other customer's delivery")
        assert time.monotonic() - sent < 2.0
        assert len(receiver.received) <= 4  # per-webhook concurrency bounds what one receiver holds
    finally:
        prompt.stop()


def test_a_failing_webhook_is_disabled_then_re_enabled(
    client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    receiver.status = 500
    webhook = create_webhook(client, receiver.url)
    start_loop(webhook_disable_after_hours=1.0 / 3600, webhook_retry_delays_seconds=[0.2] * 100)
    [event_id] = emit_data_events(customer.customer_id, None, [("chg_1", 1)])

    def disabled() -> bool:
        return client.get(f"/v1/webhooks/{webhook['id']}").json()["results"]["active"] is False

    wait_for(disabled, timeout=20, what="automatic disable")
    health = client.get(f"/v1/webhooks/{webhook['id']}/health").json()["result"]
    assert "failing continuously" in health["disabled_reason"]
    assert health["unfinished_deliveries"] == 1 and health["failing_since"] is not None
    log = client.get(f"/v1/webhooks/{webhook['id']}/deliveries").json()["results"][0]
    assert any("disabled" in (a["error"] or "") for a in log["attempt_log"])
    feed = client.get("/v1/admin/events/", params={"type": "JOB_FAILURE"}).json()["results"]
    assert feed and feed[-1]["payload"]["data"]["job_type"] == "WEBHOOK_DELIVERY"
    assert feed[-1]["payload"]["data"]["webhook_id"] == webhook["id"]

    # Re-enabled, with the receiver fixed: the waiting delivery goes out.
    receiver.status = 200
    receiver.received.clear()
    again = client.put(f"/v1/webhooks/{webhook['id']}", json={"active": True})
    assert again.json()["result"]["active"] is True
    assert client.get(f"/v1/webhooks/{webhook['id']}/health").json()["result"]["disabled_reason"] is None
    wait_for(lambda: event_id in receiver.event_ids(), what="delivery after re-enable")
    wait_for(
        lambda: (
            client.get(f"/v1/webhooks/{webhook['id']}/deliveries").json()["results"][0]["status"]
            == "SUCCEEDED"
        ),
        what="delivery recorded",
    )


def test_the_url_guard_applies_again_at_connection_time(
    client: TestClient, customer: CustomerKey, receiver: Receiver, start_loop: Any
) -> None:
    webhook = create_webhook(client, receiver.url)  # saved while private URLs were allowed
    start_loop(allow_private_webhook_urls=False)  # the policy tightened since
    [event_id] = emit_data_events(customer.customer_id, None, [("chg_1", 1)])

    def refused() -> bool:
        rows = client.get(f"/v1/webhooks/{webhook['id']}/deliveries", params={"event_id": event_id}).json()
        return rows["results"][0]["status"] == "FAILED"

    wait_for(refused, what="the guard refuses the connection")
    delivery = client.get(f"/v1/webhooks/{webhook['id']}/deliveries").json()["results"][0]
    assert delivery["attempts"] == 1  # a refusal is not retried
    assert "outbound-URL guard" in delivery["attempt_log"][0]["error"]
    assert receiver.received == []
