"""Token auth as SamplePMS does it: POST username/password/companyId, get a short-lived bearer."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pmsgate.emulators.sample.wire import FaultError

DEFAULT_TOKEN_LIFETIME_S = 900


@dataclass(frozen=True)
class SampleCredentials:
    """The one login the emulator accepts. `denied_collections` answer 403 to this login, so a
    test can see a partial `data_access()`."""

    username: str
    password: str
    company_id: str
    denied_collections: frozenset[str] = field(default_factory=frozenset)


def check_login(expected: SampleCredentials | None, body: Mapping[str, object]) -> None:
    """Raise AUTH_FAILED unless `body` matches; `expected=None` (open mode) accepts anyone."""
    if expected is None:
        return
    given = (body.get("username"), body.get("password"), body.get("companyId"))
    wanted = (expected.username, expected.password, expected.company_id)
    # Compare every part even after a mismatch: no timing hint about which part was wrong.
    matches = [
        isinstance(g, str) and secrets.compare_digest(g, w) for g, w in zip(given, wanted, strict=True)
    ]
    if not all(matches):
        raise FaultError(401, "AUTH_FAILED", "username, password or companyId is not valid")


class TokenBook:
    """Issued bearer tokens and their expiry; thread-safe."""

    def __init__(
        self, lifetime_s: float = DEFAULT_TOKEN_LIFETIME_S, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.lifetime_s = lifetime_s
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = self._clock()
            self._expiry = {t: exp for t, exp in self._expiry.items() if exp > now}  # forget dead ones
            self._expiry[token] = now + self.lifetime_s
        return token

    def valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._expiry.get(token)
            return expiry is not None and expiry > self._clock()

    def expire_all(self) -> int:
        with self._lock:
            count = len(self._expiry)
            self._expiry.clear()
            return count


def require_token(book: TokenBook, authorization: str | None) -> None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise FaultError(
            401, "TOKEN_EXPIRED", "send Authorization: Bearer <accessToken> from /api/v2/auth/token"
        )
    if not book.valid(token.strip()):
        raise FaultError(401, "TOKEN_EXPIRED", "the access token is unknown or has expired; log in again")
