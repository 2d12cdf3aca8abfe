"""Creating customers and issuing, checking and revoking API keys."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pmsgate.customers.repository import CustomerRepository
from pmsgate.errors import BadRequest, NotFound
from pmsgate.kit.ids import new_id
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.customers import ApiKey, Customer

KEY_PREFIX = "pmsg_"


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


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
        id=new_id("key"), customer_id=customer.id, key_hash=hash_key(raw_key), key_prefix=raw_key[:12]
    )
    repository.add(api_key)
    session.flush()
    return IssuedKey(customer=customer, api_key=api_key, raw_key=raw_key)


def authenticate(session: Session, raw_key: str) -> Customer | None:
    found = CustomerRepository.from_session(session).active_key_by_hash(hash_key(raw_key))
    if found is None:
        return None
    api_key, customer = found
    return customer if api_key.revoked_at is None else None


def revoke_key(session: Session, key_id: str) -> None:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound.resource("api key", key_id)
    key.revoked_at = utcnow()
