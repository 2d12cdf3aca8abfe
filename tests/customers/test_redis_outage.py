"""A Redis outage in scale-out does not turn reads into errors: the per-customer rate limit
falls back to this process's counters (with a warning) and goes back to Redis later."""

from __future__ import annotations

import logging
import socket

import pytest
from fastapi.testclient import TestClient

from pmsgate.kit.dispatch import RecordingDispatcher
from tests.fixtures.api import make_customer


def _dead_redis_url() -> str:
    """A loopback port nothing listens on: connections are refused, as when Redis is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_reads_keep_working_and_stay_limited_while_redis_is_down(caplog: pytest.LogCaptureFixture) -> None:
    from pmsgate.app import create_app
    from pmsgate.config import Settings

    settings = Settings(redis_url=_dead_redis_url(), mode="scale-out", run_workers_in_process=False)
    app = create_app(settings, dispatcher=RecordingDispatcher(), run_workers=False)
    customer = make_customer("Outage", rate_limit=3)
    with caplog.at_level(logging.WARNING), TestClient(app, headers=customer.headers) as client:
        answers = [client.get("/v1/properties/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["x-ratelimit-limit"] == "3"
    assert answers[3].headers["retry-after"]
    warnings = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once per retry interval, not once per request


def test_the_limiter_goes_back_to_redis_when_it_answers_again() -> None:
    import redis

    from pmsgate.customers import ratelimit
    from tests.conftest import TEST_REDIS_URL

    try:
        redis.Redis.from_url(TEST_REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at PMSGATE_TEST_REDIS_URL")
    limiter = ratelimit.RedisRateLimiter(_dead_redis_url())
    assert limiter.hit("customer:back", 10).remaining == 9  # in process
    limiter._redis = redis.Redis.from_url(TEST_REDIS_URL)  # Redis is back (same limiter object)
    limiter._retry_at = 0.0  # the retry interval has passed
    shared = limiter.hit("customer:back", 10)
    again = ratelimit.RedisRateLimiter(TEST_REDIS_URL).hit("customer:back", 10)
    assert again.remaining == shared.remaining - 1  # counted in Redis, seen by another process
