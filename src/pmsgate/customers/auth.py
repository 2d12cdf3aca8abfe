"""Bearer-key authentication and the per-customer rate limit, as one dependency.

The usage is kept on `request.state` so middleware can put `x-ratelimit-*` headers on every
response, errors included. Requests without a valid key are limited per client address, so
guessing keys is throttled too.

The dependency is a coroutine: a key checked in the last few seconds (customers.service.KEY_CACHE)
and the in-process rate limiter cost no thread hop and no query; only a cache miss (a query)
or the shared Redis limiter (a round trip) go to the thread pool.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from pmsgate.customers.ratelimit import RateLimiter, Usage
from pmsgate.customers.service import authenticate, cached_customer
from pmsgate.errors import RateLimited, Unauthorized
from pmsgate.kit.db import unit_of_work
from pmsgate.models.customers import Customer


async def _enforce(request: Request, key: str, limit: int) -> Usage:
    limiter: RateLimiter = request.app.state.rate_limiter
    if limiter.inline:
        usage = limiter.hit(key, limit)
    else:
        usage = await run_in_threadpool(limiter.hit, key, limit)
    request.state.rate_usage = usage
    if usage.exceeded:
        raise RateLimited(
            f"rate limit of {limit} requests per minute exceeded; retry in {usage.reset_in} s",
            retry_after=usage.reset_in,
        )
    return usage


def _store_scope(request: Request) -> str:
    state = request.app.state
    scope: str | None = getattr(state, "key_cache_scope", None)
    if scope is None:
        scope = state.key_cache_scope = str(state.sessionmaker.kw["bind"].url)
    return scope


def _look_up(request: Request, token: str) -> Customer | None:
    with unit_of_work(request.app.state.read_sessionmaker) as session:
        return authenticate(session, token)


async def current_customer(request: Request) -> Customer:
    default_limit: int = request.app.state.settings.rate_limit_per_minute
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    customer = None
    if scheme.lower() == "bearer" and token:
        customer = cached_customer(_store_scope(request), token)
        if customer is None:
            customer = await run_in_threadpool(_look_up, request, token)
    if customer is None:
        client = request.client.host if request.client else "unknown"
        await _enforce(request, f"anon:{client}", default_limit)
        raise Unauthorized("a valid API key is required: Authorization: Bearer <key>")
    await _enforce(request, f"customer:{customer.id}", customer.rate_limit_per_minute or default_limit)
    return customer


CurrentCustomer = Annotated[Customer, Depends(current_customer)]
