"""The emulator's in-memory state: one table per entity, plus the login, faults and limits.

Stored records are native dicts, replaced (never mutated) on update, so a page serialised
outside the lock cannot change under a concurrent write.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pmsgate.emulators.rentvine.wire import RentvineError
from pmsgate.emulators.store import GatedStore

Record = dict[str, Any]
ID_FIELDS = {
    "properties": "propertyID",
    "units": "unitID",
    "contacts": "contactID",
    "leases": "leaseID",
    "accounts": "accountID",
    "transactions": "transactionID",
    "recurring": "leaseRecurringChargeID",
}


@dataclass(frozen=True)
class RentvineLogin:
    """The one API credential the emulator accepts. `denied` lists resources ("leases",
    "accounting", ...) its role may not read, answered 403 like a role-scoped key."""

    api_key: str = "rv-emulator-key"
    api_secret: str = "rv-emulator-secret"  # noqa: S105 - the emulator's published demo login
    company_id: str = "emulator"
    denied: frozenset[str] = field(default_factory=frozenset)


class Table:
    def __init__(self, id_field: str, rows: Iterable[Record]) -> None:
        self.id_field = id_field
        self._rows: dict[int, Record] = {r[id_field]: r for r in rows}
        self._next = max(self._rows, default=0) + 1

    def __len__(self) -> int:
        return len(self._rows)

    def new_id(self) -> int:
        value = self._next
        self._next += 1
        return value

    def put(self, record: Record) -> Record:
        self._rows[record[self.id_field]] = record
        return record

    def get(self, record_id: int) -> Record | None:
        return self._rows.get(record_id)

    def all(self) -> list[Record]:
        return [self._rows[i] for i in sorted(self._rows)]


class RentvineStore(GatedStore):
    def __init__(
        self,
        data: Mapping[str, list[Record]],
        *,
        login: RentvineLogin | None = None,
        requests_per_second: float | None = None,
    ) -> None:
        super().__init__(requests_per_second)
        self.login = login or RentvineLogin()
        self.tables = {name: Table(id_field, data.get(name, ())) for name, id_field in ID_FIELDS.items()}
        # Lookups the API answers per row: a lease's ledger (balances), a contact's latest lease.
        self._ledger: dict[int, list[int]] = {}
        for txn in self.tables["transactions"].all():
            self._ledger.setdefault(txn["leaseID"], []).append(txn["transactionID"])
        self.lease_of_contact: dict[int, Record] = {}
        for lease in self.tables["leases"].all():
            for tenant in lease["tenants"]:
                self.lease_of_contact[tenant["contactID"]] = lease

    def lease_transactions(self, lease_id: int) -> list[Record]:
        table = self.tables["transactions"]
        return [r for i in self._ledger.get(lease_id, ()) if (r := table.get(i)) is not None]

    def put_transaction(self, record: Record) -> Record:
        with self.lock:
            if self.tables["transactions"].get(record["transactionID"]) is None:
                self._ledger.setdefault(record["leaseID"], []).append(record["transactionID"])
            return self.tables["transactions"].put(record)

    def table(self, name: str) -> Table:
        return self.tables[name]

    def admit(self, authorization: str | None, resource: str) -> None:
        """Every /api/manager request passes here: limits and outages before authentication, as a
        gateway in front of the application would."""
        outage = self.outage()
        if outage == 429:
            raise RentvineError(429, "Too Many Requests", headers={"Retry-After": "1"})
        if outage == 503:
            raise RentvineError(503, "Service Unavailable")
        if not self._authenticated(authorization):
            raise RentvineError(
                401, "Unauthenticated.", headers={"WWW-Authenticate": 'Basic realm="Rentvine"'}
            )
        if resource in self.login.denied:
            raise RentvineError(403, "This action is unauthorized.")

    def _authenticated(self, authorization: str | None) -> bool:
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            key, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeError):
            return False
        # Compare both parts even after a mismatch: no timing hint about which was wrong.
        ok_key = secrets.compare_digest(key.encode(), self.login.api_key.encode())
        ok_secret = secrets.compare_digest(secret.encode(), self.login.api_secret.encode())
        return ok_key and ok_secret

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {name: len(table) for name, table in self.tables.items()}
