"""The emulator's in-memory state: one table per collection, plus keys, faults and limits.

Records are the native wire dicts, kept in id order (ids only grow), never mutated in place:
an update stores a new dict, so a page serialised outside the lock cannot change under a write.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pmsgate.emulators.faults import Faults, RateLimiter
from pmsgate.emulators.propertyware.wire import PwError, parse_stamp

Record = dict[str, Any]
COLLECTIONS = (
    "portfolios",
    "buildings",
    "units",
    "contacts",
    "leases",
    "glaccounts",
    "charges",
    "creditmemos",
    "adjustments",
    "payments",
    "autocharges",
)
# Each collection's permission block (an API key is granted NONE/READ/WRITE per block).
PERMISSION = {
    "portfolios": "PORTFOLIOS",
    "buildings": "BUILDINGS",
    "units": "UNITS",
    "contacts": "CONTACTS",
    "glaccounts": "GL ACCOUNTS",
} | {
    name: "LEASES" for name in ("leases", "charges", "creditmemos", "adjustments", "payments", "autocharges")
}

CREDENTIAL_HEADERS = ("x-propertyware-client-id", "x-propertyware-client-secret", "x-propertyware-system-id")


@dataclass(frozen=True)
class ApiKey:
    """The one key the emulator accepts. `denied` permission blocks answer 403; without
    `beta_writes` the organisation has not opted in to the write beta and every POST answers 403."""

    client_id: str
    client_secret: str
    system_id: str
    denied: frozenset[str] = field(default_factory=frozenset)
    beta_writes: bool = True


DEFAULT_KEY = ApiKey("pmsgate-emulator", "pw-emulator-secret", "1001")


class PwStore:
    def __init__(
        self,
        data: Mapping[str, list[Record]],
        next_id: int,
        *,
        key: ApiKey = DEFAULT_KEY,
        requests_per_second: float | None = None,
    ) -> None:
        self.lock = threading.Lock()
        self.tables: dict[str, dict[int, Record]] = {name: {} for name in COLLECTIONS}
        for name, records in data.items():
            for record in records:
                self.tables[name][record["id"]] = record
        self._next_id = next_id
        self.key = key
        self.faults = Faults()
        self.limiter = RateLimiter(requests_per_second)
        self.served = 0  # API requests answered, for benchmarks

    def new_id(self) -> int:
        """One id sequence for every entity, as Propertyware's transactions share one."""
        with self.lock:
            self._next_id += 1
            return self._next_id

    def authenticate(self, headers: Mapping[str, str], collection: str, *, write: bool = False) -> None:
        given = (
            headers.get("x-propertyware-client-id") or "",
            headers.get("x-propertyware-client-secret") or "",
            headers.get("x-propertyware-system-id") or "",
        )
        if not all(given):
            # Propertyware's docs: a request without its three credential headers is malformed (400),
            # not unauthorized.
            missing = [name for name, value in zip(CREDENTIAL_HEADERS, given, strict=True) if not value]
            raise PwError(400, f"Missing required header(s): {', '.join(missing)}.")
        wanted = (self.key.client_id, self.key.client_secret, self.key.system_id)
        # Compare every part even after a mismatch: no timing hint about which part was wrong.
        if not all([secrets.compare_digest(g, w) for g, w in zip(given, wanted, strict=True)]):
            raise PwError(401, "The API key couldn't be authorized.")
        if PERMISSION.get(collection) in self.key.denied:
            raise PwError(403, "The supplied credentials don't have permissions to access the resources.")
        if write and not self.key.beta_writes:
            raise PwError(
                403,
                "Write access is only available to customers who have opted in to our beta program.",
            )

    def put(self, collection: str, record: Record) -> Record:
        with self.lock:
            self.tables[collection][record["id"]] = record
        return record

    def get(self, collection: str, record_id: int) -> Record | None:
        return self.tables[collection].get(record_id)

    def rows(self, collection: str) -> list[Record]:
        with self.lock:
            return list(self.tables[collection].values())

    def where(self, collection: str, **equal: Any) -> list[Record]:
        return [r for r in self.rows(collection) if all(r.get(k) == v for k, v in equal.items())]

    def counts(self) -> dict[str, int]:
        return {name: len(table) for name, table in self.tables.items()}


def modified(record: Record) -> datetime:
    return parse_stamp(record["lastModifiedDateTime"], "lastModifiedDateTime")


def ids(records: Iterable[Record]) -> list[int]:
    return [r["id"] for r in records]
