from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fixtures.api import CustomerKey, make_customer


def test_requests_without_a_key_are_refused(anonymous: TestClient) -> None:
    response = anonymous.get("/v1/properties/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert "x-ratelimit-limit" in response.headers


def test_an_unknown_key_is_refused(anonymous: TestClient) -> None:
    response = anonymous.get("/v1/properties/", headers={"Authorization": "Bearer pmsg_nope"})
    assert response.status_code == 401


def test_a_valid_key_reads_and_gets_rate_limit_headers(client: TestClient) -> None:
    response = client.get("/v1/properties/")
    assert response.status_code == 200, response.text
    assert response.headers["x-ratelimit-limit"] == "150"
    assert int(response.headers["x-ratelimit-remaining"]) == 149


def test_keys_are_stored_hashed() -> None:
    from sqlalchemy import select

    from pmsgate.kit.db import session_factory
    from pmsgate.models.customers import ApiKey

    issued = make_customer("Hash Check")
    with session_factory()() as session:
        stored = session.scalars(select(ApiKey).where(ApiKey.customer_id == issued.customer_id)).one()
    assert issued.key not in (stored.key_hash, stored.key_prefix)
    assert len(stored.key_hash) == 64


def test_rate_limit_answers_429_with_retry_after(app: FastAPI) -> None:
    limited = make_customer("Tiny Limit", rate_limit=3)
    with TestClient(app, headers=limited.headers) as client:
        statuses = [client.get("/v1/leases/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = client.get("/v1/leases/")
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert response.json()["error"]["code"] == "rate_limited"


def test_oversized_bodies_are_refused(client: TestClient) -> None:
    response = client.post(
        "/v1/admin/integrations/", content=b"x" * 2_000_000, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_revoked_key_is_refused_at_once_in_this_process(client: TestClient, customer: CustomerKey) -> None:
    from sqlalchemy import select

    from pmsgate.customers.service import revoke_key
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.models.customers import ApiKey

    assert client.get("/v1/leases/").status_code == 200  # the key is now in the cache
    with unit_of_work(session_factory()) as session:
        key_id = session.scalars(select(ApiKey.id).where(ApiKey.customer_id == customer.customer_id)).one()
        revoke_key(session, key_id)
    assert client.get("/v1/leases/").status_code == 401


def test_a_key_revoked_elsewhere_is_refused_once_the_cache_expires(
    client: TestClient, customer: CustomerKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (the CLI, another API process) revokes: this one trusts its cache for at
    most `api_key_cache_seconds`."""
    from sqlalchemy import update

    from pmsgate.customers import service
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.kit.timeutil import utcnow
    from pmsgate.models.customers import ApiKey

    assert client.get("/v1/leases/").status_code == 200
    with unit_of_work(session_factory()) as session:  # as another process would: no cache cleared
        session.execute(
            update(ApiKey).where(ApiKey.customer_id == customer.customer_id).values(revoked_at=utcnow())
        )
    assert client.get("/v1/leases/").status_code == 200  # within the TTL
    now = time.monotonic()
    monkeypatch.setattr(service.KEY_CACHE, "clock", lambda: now + service.KEY_CACHE.ttl + 0.1)
    assert client.get("/v1/leases/").status_code == 401
