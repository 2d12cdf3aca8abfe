"""Bearer-key authentication and the per-customer rate limit, as one dependency.

The usage is kept on `request.state` so middleware can put `x-ratelimit-*` headers on every
response, errors included. Requests without a valid key are limited per client address, so
guessing keys is throttled too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pmsgate.customers.ratelimit import RateLimiter, Usage
from pmsgate.customers.service import authenticate
from pmsgate.errors import RateLimited, Unauthorized
from pmsgate.kit.deps import SessionDep
from pmsgate.models.customers import Customer


def _enforce(request: Request, key: str, limit: int) -> Usage:
    limiter: RateLimiter = request.app.state.rate_limiter
    usage = limiter.hit(key, limit)
    request.state.rate_usage = usage
    if usage.exceeded:
        raise RateLimited(
            f"rate limit of {limit} requests per minute exceeded; retry in {usage.reset_in} s",
            retry_after=usage.reset_in,
        )
    return usage


def current_customer(request: Request, session: SessionDep) -> Customer:
    default_limit: int = request.app.state.settings.rate_limit_per_minute
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    customer = authenticate(session, token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if customer is None:
        client = request.client.host if request.client else "unknown"
        _enforce(request, f"anon:{client}", default_limit)
        raise Unauthorized("a valid API key is required: Authorization: Bearer <key>")
    _enforce(request, f"customer:{customer.id}", customer.rate_limit_per_minute or default_limit)
    return customer


CurrentCustomer = Annotated[Customer, Depends(current_customer)]
