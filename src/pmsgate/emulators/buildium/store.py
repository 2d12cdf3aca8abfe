"""The Buildium emulator's in-memory state, gatekeeping (rate limit, faults, key-pair auth) and
Buildium's error bodies (`ApiErrorResponse`)."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse

from pmsgate.emulators.buildium.seed import Record, Seed
from pmsgate.emulators.errors import VendorError
from pmsgate.emulators.store import GatedStore

LIST_NAMES = ("rentals", "units", "tenants", "leases", "glaccounts", "recurring")


class BuildiumError(VendorError):
    """An error Buildium answers with: `{UserMessage, ErrorCode, Errors: [{Key, Value}]}`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, message, headers, field_errors=errors)
        self.code = code

    def response(self) -> JSONResponse:
        body = {
            "UserMessage": self.message,
            "ErrorCode": self.code,
            "Errors": [{"Key": k, "Value": v} for k, v in self.field_errors.items()],
        }
        return JSONResponse(body, status_code=self.status, headers=self.headers)


@dataclass(frozen=True)
class ApiKey:
    client_id: str
    secret: str
    denied: frozenset[str] = frozenset()  # list names this key may not read (403)


class BuildiumStore(GatedStore):
    def __init__(self, seed: Seed, key: ApiKey, requests_per_second: float | None = 10) -> None:
        super().__init__(requests_per_second)
        self.key = key
        self.tables: dict[str, dict[int, Record]] = {
            "rentals": {r["Id"]: r for r in seed.rentals},
            "units": {r["Id"]: r for r in seed.units},
            "tenants": {r["Id"]: r for r in seed.tenants},
            "leases": {r["Id"]: r for r in seed.leases},
            "glaccounts": {r["Id"]: r for r in seed.glaccounts},
            "recurring": {r["Id"]: r for r in seed.recurring},
        }
        self.transactions: dict[int, Record] = {t["Id"]: t for t in seed.transactions}
        self.by_lease: defaultdict[int, list[int]] = defaultdict(list)
        for txn in seed.transactions:
            self.by_lease[txn["LeaseId"]].append(txn["Id"])
        self.updated = dict(seed.updated)
        self._next = {
            "transactions": max(self.transactions, default=60000) + 1,
            "recurring": max(self.tables["recurring"], default=80000) + 1,
        }

    def admit(self, headers: Any, *, collection: str | None = None) -> None:
        """Rate limit and outages before authentication, as a gateway orders them."""
        outage = self.outage()
        if outage == 429:
            raise BuildiumError(429, "TooManyRequests", "Rate limit exceeded", headers={"Retry-After": "1"})
        if outage == 503:
            raise BuildiumError(503, "ServiceUnavailable", "The service is temporarily unavailable")
        given = (headers.get("x-buildium-client-id") or "", headers.get("x-buildium-client-secret") or "")
        matches = [
            secrets.compare_digest(given[0].encode(), self.key.client_id.encode()),
            secrets.compare_digest(given[1].encode(), self.key.secret.encode()),
        ]
        if not all(matches):
            raise BuildiumError(401, "Unauthorized", "The client id or client secret is not valid")
        if collection is not None and collection in self.key.denied:
            raise BuildiumError(403, "Forbidden", "The API key does not have permission for this resource")

    def next_id(self, kind: str) -> int:
        with self.lock:
            value = self._next[kind]
            self._next[kind] += 1
            return value

    def updated_at(self, collection: str, record: Record) -> datetime:
        stamp = record.get("LastUpdatedDateTime")
        if isinstance(stamp, str):
            return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        return self.updated.get((collection, record["Id"]), datetime(2024, 1, 1, tzinfo=UTC))

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {**{n: len(t) for n, t in self.tables.items()}, "transactions": len(self.transactions)}
