"""A write's transaction is committed before its response starts: a client told 200 (or given a
job_id) can read what it wrote from any connection, and a commit that fails is never answered
as a success."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from pmsgate.kit.db import session_factory
from pmsgate.models.integrations import Integration
from tests.fixtures.api import CustomerKey


def _stored(name: str) -> bool:
    with session_factory()() as session:  # a connection of its own, not the request's
        return session.execute(select(Integration.id).where(Integration.name == name)).first() is not None


def test_a_created_integration_is_committed_when_the_response_starts(
    app: FastAPI, customer: CustomerKey
) -> None:
    name = f"committed-first-{customer.customer_id}"
    seen_at_start: list[bool] = []

    async def probe(scope: Any, receive: Any, send: Any) -> None:
        async def checked_send(message: Any) -> None:
            if message["type"] == "http.response.start" and scope.get("method") == "POST":
                seen_at_start.append(_stored(name))
            await send(message)

        await app(scope, receive, checked_send)

    with TestClient(probe, headers=customer.headers) as client:
        created = client.post(
            "/v1/admin/integrations/",
            json={"integration_vendor": "SAMPLE1", "name": name, "credentials": {}, "active": True},
        )
    assert created.status_code == 200, created.text
    assert seen_at_start == [True]
