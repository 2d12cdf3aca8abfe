"""The emulator's in-memory state: one table per resource, plus logins, tokens, faults and the
per-company rate limit. Stored records are never mutated in place (a save stores a new dict), so a
page serialised outside the lock cannot change under a concurrent write."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pmsgate.emulators.faults import Faults
from pmsgate.emulators.rentmanager.seed import CONTACT_EMBEDS, ID_BASES
from pmsgate.emulators.rentmanager.wire import HARD_CLOSE_THROUGH, RMError

Record = dict[str, Any]
TOKEN_IDLE_S = 15 * 60  # QuickStart: 15 minutes idle…
TOKEN_MAX_S = 24 * 3600  # …24 hours absolute
RATE_LIMIT_PER_MINUTE = 500  # per company, rolling minute


@dataclass(frozen=True)
class Resource:
    name: str
    id_field: str
    embeds: frozenset[str] = frozenset()


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource("Properties", "PropertyID", frozenset({"Addresses"})),
        Resource("Units", "UnitID"),
        # Contact details live on the tenant's contacts, never on the tenant itself.
        Resource("Tenants", "TenantID", frozenset(CONTACT_EMBEDS)),
        Resource("Leases", "LeaseID", frozenset({"LeaseRenewals"})),
        Resource("ChargeTypes", "ChargeTypeID"),
        Resource("GLAccounts", "GLAccountID"),
        Resource("Charges", "ChargeID"),
        Resource("Credits", "ID"),
        Resource("Payments", "ID", frozenset({"Allocations"})),
        Resource("RecurringCharges", "RecurringChargeID"),
    )
}


@dataclass(frozen=True)
class RMLogin:
    """What AuthorizeUser accepts: a user (sandbox) or a partner token (production)."""

    username: str | None = None
    password: str | None = None
    partner_token: str | None = None
    company_id: str = "demo"


def _same(given: Any, wanted: str | None) -> bool:
    return wanted is not None and isinstance(given, str) and secrets.compare_digest(given, wanted)


class MinuteLimiter:
    """At most `per_minute` requests in any rolling 60 s; None = unlimited."""

    def __init__(self, per_minute: int | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self) -> tuple[bool, int, float]:
        """(allowed, remaining, seconds until a slot frees)."""
        with self._lock:
            now = self._clock()
            while self._recent and now - self._recent[0] >= 60.0:
                self._recent.popleft()
            if not self.per_minute:
                return True, 0, 0.0
            if len(self._recent) >= self.per_minute:
                return False, 0, 60.0 - (now - self._recent[0])
            self._recent.append(now)
            return True, self.per_minute - len(self._recent), 60.0 - (now - self._recent[0])


class RMStore:
    def __init__(
        self,
        data: dict[str, list[Record]],
        *,
        login: RMLogin,
        requests_per_minute: int | None = RATE_LIMIT_PER_MINUTE,
    ) -> None:
        self.lock = threading.RLock()
        self.tables: dict[str, dict[int, Record]] = {
            name: {rec[r.id_field]: rec for rec in data.get(name, [])} for name, r in RESOURCES.items()
        }
        self.next_ids = {
            name: max([ID_BASES.get(name, 1) - 1, *(rec[r.id_field] for rec in data.get(name, []))]) + 1
            for name, r in RESOURCES.items()
        }
        self.next_ids["Allocations"] = 1 + max(
            [ID_BASES["Allocations"] - 1]
            + [a["AllocationID"] for p in data.get("Payments", []) for a in p.get("Allocations", [])]
        )
        self.login = login
        self.tokens: dict[str, tuple[float, float]] = {}  # token -> (issued, last used)
        self.token_idle_s: float = TOKEN_IDLE_S
        self.faults = Faults()
        self.limiter = MinuteLimiter(requests_per_minute)
        self.hard_close_through: date | None = HARD_CLOSE_THROUGH

    # -- auth ------------------------------------------------------------------------------------

    def authorize(self, body: Any) -> str:
        if not isinstance(body, dict):
            raise RMError(400, "The request body must be a UserAuthorization object")
        by_user = _same(body.get("Username"), self.login.username) & _same(
            body.get("Password"), self.login.password
        )
        by_partner = _same(body.get("PartnerToken"), self.login.partner_token)
        if not (by_user or by_partner):
            raise RMError(401, "Invalid username or password")
        token = secrets.token_hex(32)
        with self.lock:
            now = time.monotonic()
            self.tokens = {t: v for t, v in self.tokens.items() if self._alive(v, now)}
            self.tokens[token] = (now, now)
        return token

    def _alive(self, times: tuple[float, float], now: float) -> bool:
        issued, used = times
        return now - used < self.token_idle_s and now - issued < TOKEN_MAX_S

    def require_token(self, token: str | None) -> None:
        with self.lock:
            now = time.monotonic()
            times = self.tokens.get(token or "")
            if times is None or not self._alive(times, now):
                self.tokens.pop(token or "", None)
                raise RMError(401, "Authorization has been denied for this request.")
            self.tokens[token or ""] = (times[0], now)

    def expire_tokens(self) -> int:
        with self.lock:
            count = len(self.tokens)
            self.tokens.clear()
            return count

    # -- records ---------------------------------------------------------------------------------

    def rows(self, resource: str) -> list[Record]:
        with self.lock:
            return list(self.tables[resource].values())

    def get(self, resource: str, record_id: int) -> Record | None:
        with self.lock:
            return self.tables[resource].get(record_id)

    def new_id(self, resource: str) -> int:
        with self.lock:
            value = self.next_ids[resource]
            self.next_ids[resource] = value + 1
            return value

    def put_all(self, resource: str, records: Iterable[Record]) -> None:
        id_field = RESOURCES[resource].id_field if resource in RESOURCES else "AllocationID"
        with self.lock:
            for record in records:
                self.tables[resource][record[id_field]] = record

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {name: len(table) for name, table in self.tables.items()}
