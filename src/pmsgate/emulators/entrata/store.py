"""The Entrata emulator's state and gatekeeping: API-key (or HTTP Basic) auth, Entrata's
per-method rate limits (per minute, hour and day, for each credential set) with their
X-RateLimit-* headers, the shared faults, and Entrata's error envelope.

Error codes are the emulator's (Entrata does not publish its list): 101 authentication failed
(HTTP 401), 102 the key may not call this method (403), 301 unknown method or version (400),
302 invalid parameters (400), 303 a record the call names does not exist (404), 429 rate limit
exceeded (429), 500 internal error (500), 503 service unavailable (503).
"""

from __future__ import annotations

import base64
import math
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pmsgate.emulators.entrata.seed import AR_CODES, Row, Seed
from pmsgate.emulators.entrata.wire import JsonResponse
from pmsgate.emulators.faults import Faults

# Entrata states its limits largest window first: "15000/DAY;1000/HOUR;150/MINUTE".
WINDOWS = ("DAY", "HOUR", "MINUTE")
DEFAULT_LIMITS = {"DAY": 15000, "HOUR": 1000, "MINUTE": 150}
DEFAULT_SECONDS = {"DAY": 86400.0, "HOUR": 3600.0, "MINUTE": 60.0}
HTTP_STATUS = {101: 401, 102: 403, 301: 400, 302: 400, 303: 404, 429: 429, 500: 500, 503: 503}


class EntrataError(Exception):
    """An error Entrata answers with: `{"response": {"requestId", "error": {code, message}}}`."""

    def __init__(self, code: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message = code, message
        self.headers = headers or {}
        self.request_id: str | None = None

    def response(self) -> JsonResponse:
        body = {
            "response": {"requestId": self.request_id, "error": {"code": self.code, "message": self.message}}
        }
        return JsonResponse(body, status_code=HTTP_STATUS.get(self.code, 400), headers=self.headers)


@dataclass(frozen=True)
class ApiKey:
    api_key: str
    username: str  # the legacy HTTP Basic login
    password: str
    denied: frozenset[str] = frozenset()  # methods this key may not call (102, HTTP 403)


class RateLimits:
    """Fixed windows per (credential, method): each window opens with its first request."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self.limits: dict[str, int | None] = dict(DEFAULT_LIMITS)
        self.seconds: dict[str, float] = dict(DEFAULT_SECONDS)
        self._opened: dict[tuple[str, str, str], tuple[float, int]] = {}

    def take(self, caller: str, method: str) -> tuple[bool, dict[str, str]]:
        """Count one call; (allowed, the X-RateLimit-* headers to answer with)."""
        with self._lock:
            now = self._clock()
            state: list[tuple[str, int, int, float]] = []
            allowed = True
            for name in WINDOWS:
                limit = self.limits.get(name)
                if limit is None:
                    continue
                key = (caller, method, name)
                opened, used = self._opened.get(key, (now, 0))
                if now - opened >= self.seconds[name]:
                    opened, used = now, 0
                self._opened[key] = (opened, used)
                state.append((name, limit, used, self.seconds[name] - (now - opened)))
                if used >= limit:
                    allowed = False
            if allowed:
                for name, _limit, _used, _left in state:
                    opened, used = self._opened[(caller, method, name)]
                    self._opened[(caller, method, name)] = (opened, used + 1)
                state = [(n, limit, used + 1, left) for n, limit, used, left in state]
        if not state:
            return allowed, {}
        return allowed, {
            "X-RateLimit-Limit": ";".join(f"{limit}/{n}" for n, limit, _, _ in state),
            "X-RateLimit-Remaining": ";".join(f"{max(0, limit - used)}/{n}" for n, limit, used, _ in state),
            "X-RateLimit-Reset": ";".join(str(max(1, math.ceil(left))) for _, _, _, left in state),
        }

    def reset(self) -> None:
        with self._lock:
            self._opened.clear()


class EntrataStore:
    def __init__(self, seed: Seed, key: ApiKey) -> None:
        self.lock = threading.RLock()
        self.key = key
        self.faults = Faults()
        self.limits = RateLimits()
        self.properties = seed.properties
        self.units = seed.units
        self.customers = seed.customers
        self.leases = seed.leases
        self.transactions = seed.transactions
        self.payments = seed.payments
        self.scheduled = seed.scheduled
        self.code_names = {code_id: name for code_id, _short, name, _kind, _gl in AR_CODES}
        self.by_lease: defaultdict[int, list[int]] = defaultdict(list)
        for txn in seed.transactions.values():
            self.by_lease[txn["leaseId"]].append(txn["id"])
        self.sent_ids: set[str] = set()  # transactionIds already posted (Entrata refuses repeats)
        self._next = {
            "txn": max(self.transactions, default=900000) + 1,
            "sched": max(self.scheduled, default=600000) + 1,
        }

    def authenticate(self, headers: Any, auth: Any) -> str:
        """The caller's credential (for its rate limits); EntrataError 101 when refused."""
        given_key = headers.get("x-api-key")
        if given_key is not None:
            if secrets.compare_digest(given_key.encode(), self.key.api_key.encode()):
                return "apikey"
            raise EntrataError(101, "Authentication failed: invalid API key")
        basic = headers.get("authorization") or ""
        if basic.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
            except ValueError:
                user, password = "", ""
            good = secrets.compare_digest(
                user.encode(), self.key.username.encode()
            ) and secrets.compare_digest(password.encode(), self.key.password.encode())
            if good:
                return "basic"
        raise EntrataError(101, "Authentication failed: send X-Api-Key or HTTP Basic credentials")

    def next_id(self, kind: str) -> int:
        with self.lock:
            value = self._next[kind]
            self._next[kind] += 1
            return value

    def lease_rows(self, property_id: int) -> list[Row]:
        with self.lock:
            return [row for _, row in sorted(self.leases.items()) if row["propertyId"] == property_id]

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {
                "properties": len(self.properties),
                "units": len(self.units),
                "customers": len(self.customers),
                "leases": len(self.leases),
                "transactions": len(self.transactions),
                "payments": len(self.payments),
                "scheduled_charges": len(self.scheduled),
            }
