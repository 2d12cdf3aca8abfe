"""The console's webhook pages: endpoints, the delivery log with status codes and latency, the
attempts chart, and the test, retry, recover and enable buttons, against a real receiver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.console.helpers import sign_in
from tests.fixtures.api import CustomerKey, make_customer
from tests.webhooks.conftest import Receiver, create_webhook, fast_settings, wait_for


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def delivery_loop() -> Iterator[Any]:
    from pmsgate.kit.db import session_factory
    from pmsgate.webhooks.loop import DeliveryLoop

    loop = DeliveryLoop(session_factory(), fast_settings()).start()
    yield loop
    loop.stop()


def _deactivate(webhook_id: str) -> None:
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.models.webhooks import Webhook

    with unit_of_work(session_factory()) as session:
        row = session.get(Webhook, webhook_id)
        if row is not None:
            row.active = False


def test_webhook_pages_log_deliveries_and_their_buttons_work(
    browser: TestClient, client: TestClient, customer: CustomerKey, receiver: Receiver, delivery_loop: Any
) -> None:
    webhook = create_webhook(client, receiver.url, triggers=["DATA_NEW", "SYNC_COMPLETE"])
    try:
        csrf = sign_in(browser, customer.key)
        listing = browser.get("/console/webhooks")
        assert receiver.url in listing.text and "SYNC_COMPLETE" in listing.text

        refused = browser.post(f"/console/webhooks/{webhook['id']}/test")
        assert refused.status_code == 400  # no CSRF token
        sent = browser.post(f"/console/webhooks/{webhook['id']}/test", data={"csrf_token": csrf})
        assert sent.status_code == 200 and "test event queued" in sent.text
        wait_for(lambda: len(receiver.received) == 1, what="the test event")
        page = browser.get(f"/console/webhooks/{webhook['id']}")

        def logged() -> bool:
            nonlocal page
            page = browser.get(f"/console/webhooks/{webhook['id']}?status=SUCCEEDED")
            return "SUCCEEDED" in page.text and " ms" in page.text

        wait_for(logged, what="the delivery in the log")
        assert "<svg" in page.text and "200" in page.text

        receiver.status = 500
        browser.post(f"/console/webhooks/{webhook['id']}/test", data={"csrf_token": csrf})
        wait_for(lambda: len(receiver.received) >= 2, what="a failing attempt")
        receiver.status = 200
        recovered = browser.post(
            f"/console/webhooks/{webhook['id']}/recover",
            data={"csrf_token": csrf, "since": "2020-01-01T00:00"},
        )
        assert recovered.status_code == 200 and "queued again" in recovered.text
        bad = browser.post(
            f"/console/webhooks/{webhook['id']}/recover", data={"csrf_token": csrf, "since": "x"}
        )
        assert bad.status_code == 400 and "since" in bad.text

        off = browser.post(
            f"/console/webhooks/{webhook['id']}/active", data={"csrf_token": csrf, "active": "false"}
        )
        assert off.status_code == 200 and "inactive" in off.text
    finally:
        _deactivate(webhook["id"])


def test_another_customers_webhooks_are_not_found(
    browser: TestClient, client: TestClient, receiver: Receiver
) -> None:
    webhook = create_webhook(client, receiver.url)
    try:
        other = make_customer("Other Webhook Co")
        csrf = sign_in(browser, other.key)
        assert receiver.url not in browser.get("/console/webhooks").text
        assert browser.get(f"/console/webhooks/{webhook['id']}").status_code == 404
        assert (
            browser.post(f"/console/webhooks/{webhook['id']}/test", data={"csrf_token": csrf}).status_code
            == 404
        )
    finally:
        _deactivate(webhook["id"])
