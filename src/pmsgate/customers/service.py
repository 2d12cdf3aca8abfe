"""Creating customers and issuing, checking and revoking API keys."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pmsgate.customers.repository import CustomerRepository
from pmsgate.errors import BadRequest, NotFound
from pmsgate.kit.crypto import token_digest
from pmsgate.kit.db import after_commit
from pmsgate.kit.ids import new_id
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.customers import ApiKey, Customer

KEY_PREFIX = "pmsg_"


@dataclass(frozen=True)
class IssuedKey:
    customer: Customer
    api_key: ApiKey
    raw_key: str  # shown once, never stored


def create_customer(session: Session, name: str, *, rate_limit_per_minute: int | None = None) -> IssuedKey:
    name = name.strip()
    if not name or len(name) > 200:
        raise BadRequest.field("name", "must be 1 to 200 characters")
    customer = Customer(id=new_id("cus"), name=name, rate_limit_per_minute=rate_limit_per_minute)
    CustomerRepository.from_session(session).add(customer)
    session.flush()
    return issue_key(session, customer.id)


def issue_key(session: Session, customer_id: str) -> IssuedKey:
    repository = CustomerRepository.from_session(session)
    customer = repository.get(customer_id)
    if customer is None:
        raise NotFound.resource("customer", customer_id)
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(
        id=new_id("key"), customer_id=customer.id, key_hash=token_digest(raw_key), key_prefix=raw_key[:12]
    )
    repository.add(api_key)
    session.flush()
    return IssuedKey(customer=customer, api_key=api_key, raw_key=raw_key)


class KeyCache:
    """Recently authenticated keys (by digest) and their customer's fields, for `ttl` seconds.

    Every API request authenticates; the lookup (a join of keys and customers through the ORM)
    was a tenth of a list read's CPU. A revocation in this process clears the cache at once;
    one made elsewhere (`pmsgate customers revoke` is another process, as are the other API
    processes) takes effect here within `ttl` seconds. Unknown keys are never cached, so a new
    key works at once.
    """

    FIELDS = ("id", "name", "rate_limit_per_minute", "created_at", "updated_at")

    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.clock = time.monotonic
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, dict[str, object]]] = {}

    def get(self, scope: str, key_hash: str) -> Customer | None:
        entry = self._entries.get((scope, key_hash))
        if entry is None or entry[0] < self.clock():
            return None
        return Customer(**entry[1])  # a fresh, detached copy: nothing is shared between requests

    def put(self, scope: str, key_hash: str, customer: Customer) -> None:
        if self.ttl <= 0:
            return
        values = {name: getattr(customer, name) for name in self.FIELDS}
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[(scope, key_hash)] = (self.clock() + self.ttl, values)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


KEY_CACHE = KeyCache(ttl=5.0)


def cached_customer(scope: str, raw_key: str) -> Customer | None:
    """The customer of a key checked less than the cache's TTL ago in this process, or None
    (then ask `authenticate`). `scope` names the store (one process may serve several)."""
    return KEY_CACHE.get(scope, token_digest(raw_key))


def authenticate(session: Session, raw_key: str) -> Customer | None:
    digest = token_digest(raw_key)
    scope = str(session.get_bind().engine.url)
    cached = KEY_CACHE.get(scope, digest)
    if cached is not None:
        return cached
    found = CustomerRepository.from_session(session).active_key_by_hash(digest)
    if found is None:
        return None
    api_key, customer = found
    if api_key.revoked_at is not None:
        return None
    KEY_CACHE.put(scope, digest, customer)
    return customer


def revoke_key(session: Session, key_id: str) -> None:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound.resource("api key", key_id)
    key.revoked_at = utcnow()
    KEY_CACHE.clear()
    after_commit(session, KEY_CACHE.clear)  # and again once durable (a request may have re-read it)
