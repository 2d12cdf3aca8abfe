"""The app's warm-up before its first request: it runs once per app, and it never stops a start."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
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


def test_a_serving_process_leaves_its_warm_objects_out_of_full_collections(
    customer: CustomerKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pmsgate serve`'s apps freeze what they made by the end of the warm-up, so a full
    collection no longer walks ~250,000 objects while requests wait; a test's app does not."""
    import gc

    import pmsgate.app

    made: list[dict[str, Any]] = []
    real = pmsgate.app.create_app

    def recorded(*args: Any, **kwargs: Any) -> FastAPI:
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pmsgate.app, "create_app", recorded)
    pmsgate.app.web_process_app()
    assert made[-1]["freeze_startup_objects"] is True

    before = gc.get_freeze_count()
    plain = create_app(dispatcher=RecordingDispatcher(), run_workers=False, mount_sample_emulator=False)
    with TestClient(plain, headers=customer.headers) as client:
        assert client.get("/v1/properties/").status_code == 200
    assert gc.get_freeze_count() == before
    serving = create_app(
        dispatcher=RecordingDispatcher(),
        run_workers=False,
        mount_sample_emulator=False,
        freeze_startup_objects=True,
    )
    try:
        with TestClient(serving, headers=customer.headers) as client:
            frozen = gc.get_freeze_count()
            assert frozen > before + 10_000
            assert client.get("/v1/properties/").status_code == 200
    finally:
        gc.unfreeze()  # this test's process goes on making apps
