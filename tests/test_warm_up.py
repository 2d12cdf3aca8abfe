"""The app's warm-up before its first request: it runs once per app, and it never stops a start."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmsgate.app import create_app, warm_up
from pmsgate.kit.dispatch import RecordingDispatcher
from tests.fixtures.api import CustomerKey


def test_a_warmed_app_has_built_its_document_and_serves(customer: CustomerKey) -> None:
    app = create_app(dispatcher=RecordingDispatcher(), run_workers=False, mount_sample_emulator=False)
    assert app.openapi_schema is None
    with TestClient(app, headers=customer.headers) as client:
        assert app.openapi_schema is not None  # built by the warm-up, before any request of ours
        assert client.get("/v1/properties/").status_code == 200


def test_a_failing_route_does_not_stop_the_warm_up() -> None:
    app = FastAPI()
    calls: list[str] = []

    @app.get("/v1/broken/")
    def broken() -> None:
        calls.append("broken")
        raise RuntimeError("no such table")

    @app.get("/v1/fine/")
    def fine() -> dict[str, bool]:
        calls.append("fine")
        return {"ok": True}

    asyncio.run(warm_up(app))
    assert calls == ["broken", "fine"]  # the failure of one route did not end the warm-up
