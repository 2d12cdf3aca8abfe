"""`GET /v1/admin/integrations/{id}/rate-limits/`: the integration's PMS budget and its use, as
every worker sharing it sees it (in process, and through Redis in scale-out)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmsgate.connectors.throttle import RequestBudget, bucket_for
from tests.contract import assert_matches_contract
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served, create_integration


@pytest.mark.contract
def test_the_budget_and_its_use(app: FastAPI, sample_server: Served) -> None:
    customer = make_customer()
    integration_id, _ = create_integration(
        customer, sample_server.base_url, max_request_frequency=6, max_request_cadence="MINUTE"
    )
    with TestClient(app, headers=customer.headers) as client:
        path = f"/v1/admin/integrations/{integration_id}/rate-limits/"
        fresh = client.get(path)
        assert fresh.status_code == 200, fresh.text
        assert_matches_contract("get", "/v1/admin/integrations/{integration_id}/rate-limits/", fresh.json())
        results = fresh.json()["results"]
        assert results["integration_id"] == integration_id and results["minute_limit"] == 6
        assert results["budget"]["requests"] == 6 and results["budget"]["per_seconds"] == 60
        assert results["budget"]["available"] == pytest.approx(6, abs=0.1)
        bucket = bucket_for(integration_id, RequestBudget(6, 60))
        for _ in range(4):  # what a connector of this integration takes for four PMS requests
            bucket.acquire()
        used = client.get(path).json()["results"]["budget"]
        assert used["available"] == pytest.approx(2, abs=0.1) and used["in_use"] == pytest.approx(4, abs=0.1)
        with TestClient(app, headers=make_customer("Stranger").headers) as other:
            assert other.get(path).status_code == 404


def test_the_shared_budget_reads_its_use_from_redis() -> None:
    import redis

    from pmsgate.connectors.shared_throttle import RedisTokenBucket
    from tests.conftest import TEST_REDIS_URL

    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at PMSGATE_TEST_REDIS_URL")
    client.delete("pmsgate:throttle:intg_budget_read")
    bucket = RedisTokenBucket(client, "intg_budget_read", RequestBudget(10, 3600))
    assert bucket.available() == pytest.approx(10, abs=0.01)
    for _ in range(3):
        bucket.acquire()
    assert bucket.available() == pytest.approx(7, abs=0.01)
    client.delete("pmsgate:throttle:intg_budget_read")
