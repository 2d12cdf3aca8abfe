from __future__ import annotations

import httpx
import pytest

from pmsgate.connectors.errors import (
    AuthError,
    OutcomeUnknown,
    PermanentError,
    TransientError,
    VendorRejected,
)
from pmsgate.connectors.http import RetryPolicy, VendorHttp
from pmsgate.connectors.throttle import RequestBudget, TokenBucket
from tests.conftest import TEST_REDIS_URL


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_token_bucket_spaces_requests() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RequestBudget(2, 1), clock=clock, sleep=clock.sleep)
    for _ in range(6):
        bucket.acquire()
    assert clock.now == pytest.approx(2.0)  # 2 at once, then one every half second


def test_budget_floor_is_one_request_a_minute() -> None:
    assert RequestBudget.from_integration(1, "HOUR") == RequestBudget(1, 60)
    assert RequestBudget.from_integration(10, "SECOND").rate == 10


def _http(responses: list[httpx.Response], sleeps: list[float]) -> VendorHttp:
    queue = list(responses)

    def handler(_request: httpx.Request) -> httpx.Response:
        return queue.pop(0)

    return VendorHttp(
        "http://pms.test",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_attempts=4, sleep=sleeps.append),
    )


def test_429_honours_retry_after_then_succeeds() -> None:
    sleeps: list[float] = []
    http = _http([httpx.Response(429, headers={"retry-after": "3"}), httpx.Response(200, json={})], sleeps)
    assert http.request("GET", "/x").status_code == 200
    assert sleeps == [3.0]


def test_errors_are_mapped() -> None:
    with pytest.raises(AuthError):
        _http([httpx.Response(401)], []).request("GET", "/x")
    with pytest.raises(PermanentError):
        _http([httpx.Response(404)], []).request("GET", "/x")
    with pytest.raises(TransientError):
        _http([httpx.Response(500)] * 4, []).request("GET", "/x")
    with pytest.raises(VendorRejected):
        _http([httpx.Response(422)], []).request("POST", "/x", idempotent=False)
    with pytest.raises(OutcomeUnknown):  # the PMS may have acted: never retried blindly
        _http([httpx.Response(500)], []).request("POST", "/x", idempotent=False)
    ok = _http([httpx.Response(503), httpx.Response(201)], [])  # 503: it did not act, safe to retry
    assert ok.request("POST", "/x", idempotent=False).status_code == 201


def test_exchanges_are_recorded_without_secrets() -> None:
    http = VendorHttp(
        "http://pms.test",
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"k": "s3cr3t!"})),
        headers={"Authorization": "Basic abc"},
        secrets=["s3cr3t!"],
    )
    http.record_exchanges = True
    http.request("POST", "/x", json_body={"password": "s3cr3t!"})
    (exchange,) = http.exchanges
    assert exchange.request_headers["Authorization"] == "***"
    assert "s3cr3t!" not in str(exchange.request_body) + str(exchange.response_body)


def test_token_bucket_terminates_when_refills_land_just_under_one() -> None:
    clock = FakeClock()
    clock.now = 3.0000001  # differences of such floats are not exact
    bucket = TokenBucket(RequestBudget(1000, 1), clock=clock, sleep=clock.sleep)
    bucket.pause(1.0)
    for _ in range(50):
        bucket.acquire()
    assert clock.now == pytest.approx(4.05, abs=0.01)


def test_the_redis_budget_is_shared_by_every_process() -> None:
    import uuid

    import redis

    from pmsgate.connectors.shared_throttle import RedisTokenBucket

    client = redis.Redis.from_url(TEST_REDIS_URL)
    key = f"test-{uuid.uuid4().hex}"
    budget = RequestBudget(5, 60)  # 5 at once, then one every 12 s
    machine_a, machine_b = RedisTokenBucket(client, key, budget), RedisTokenBucket(client, key, budget)
    allowed = [bucket.try_acquire() == 0 for bucket in (machine_a, machine_b) * 5]
    assert allowed.count(True) == 5  # the two workers shared one budget
    assert 11 < machine_a.try_acquire() <= 12.5
    machine_b.pause(30)
    assert machine_a.try_acquire() > 29
