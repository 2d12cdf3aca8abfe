"""Console sign-in: an API key (or the operator token) is exchanged for a session cookie.

The cookie holds a random token; the database keeps only its SHA-256 digest, the customer, a CSRF
token for the session's forms and the time of its last request (idle expiry). Cookies are
HttpOnly and SameSite=Strict, and Secure whenever the request came over https.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pmsgate.config import Settings
from pmsgate.customers.service import authenticate
from pmsgate.kit.crypto import token_digest
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.console import ConsoleSession
from pmsgate.models.customers import Customer

COOKIE = "pmsgate_console"
LOGIN_COOKIE = "pmsgate_console_login"  # double-submit CSRF token of the sign-in form
_TOUCH_EVERY = timedelta(seconds=30)  # last_seen_at is written at most this often


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a customer, or the operator (customer None)."""

    session_id: str
    csrf_token: str
    customer: Customer | None

    @property
    def is_operator(self) -> bool:
        return self.customer is None


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


@dataclass(frozen=True)
class SignedIn:
    token: str  # the cookie's value; only its digest is stored
    is_operator: bool


def sign_in(session: Session, settings: Settings, secret: str) -> SignedIn | None:
    """A new session for a valid API key or the operator token, else None."""
    secret = secret.strip()
    if not secret or len(secret) > 512:
        return None
    admin = settings.console_admin_token.get_secret_value() if settings.console_admin_token else ""
    is_operator = bool(admin) and hmac.compare_digest(secret.encode(), admin.encode())
    customer = None if is_operator else authenticate(session, secret)
    if customer is None and not is_operator:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        ConsoleSession(
            id=token_digest(token),
            customer_id=customer.id if customer else None,
            is_operator=is_operator,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            last_seen_at=now,
        )
    )
    return SignedIn(token, is_operator)


def current_viewer(session: Session, settings: Settings, token: str | None) -> Viewer | None:
    if not token or len(token) > 128:
        return None
    row = session.get(ConsoleSession, token_digest(token))
    if row is None:
        return None
    now = utcnow()
    if row.last_seen_at + timedelta(minutes=settings.console_idle_minutes) <= now:
        session.delete(row)
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
    customer = None
    if not row.is_operator:
        customer = session.scalars(select(Customer).where(Customer.id == row.customer_id)).first()
        if customer is None:
            return None
    return Viewer(session_id=row.id, csrf_token=row.csrf_token, customer=customer)


def sign_out(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(ConsoleSession).where(ConsoleSession.id == token_digest(token)))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
