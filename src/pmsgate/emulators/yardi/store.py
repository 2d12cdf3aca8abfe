"""The Yardi emulator's state and gatekeeping: the interface login, the entity's licence and
property access, per-operation rights, open SysBatch batches, the shared faults.

Yardi answers a refused call inside a normal SOAP response, not with an HTTP status: numeric
results (SysBatch's batch ids) carry the documented return codes, document results a
`Messages` document naming the same refusal (the message shape is inferred; the codes are the
SysBatch WSDL's):

    -1  the web service user has insufficient rights (to this operation)
    -2  the Interface Entity has no access to this Yardi property
    -3  Interface Entity or License error
    -4  login failed
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from pmsgate.emulators.store import GatedStore
from pmsgate.emulators.yardi.seed import ACCOUNTS, CHARGE_TYPES, Row, Seed

RIGHTS, PROPERTY_ACCESS, LICENCE, LOGIN = -1, -2, -3, -4
REFUSALS = {
    RIGHTS: "The web service user has insufficient rights",
    PROPERTY_ACCESS: "Interface Entity does not have access to Yardi Property",
    LICENCE: "Interface Entity or License Error",
    LOGIN: "Login Failed",
}
BATCH_LIMIT = 500  # "Add Charges to a Batch; 500 limit max."


class Refused(Exception):
    """A call Yardi refuses with one of its return codes."""

    def __init__(self, code: int, detail: str | None = None) -> None:
        super().__init__(detail or REFUSALS[code])
        self.code = code
        self.message = detail or REFUSALS[code]


class Invalid(Exception):
    """A call Yardi answers with an error message (bad data, unknown batch, a date range too long)."""


@dataclass(frozen=True)
class Login:
    username: str = "pmsgate"
    password: str = "yardi-emulator-password"  # noqa: S105 (the emulator's fixed demo login)
    server_name: str = "emulator_live"
    database: str = "emulator_db"
    platform: str = "SQL Server"
    interface_entity: str = "pmsgate"
    interface_license: str = "yardi-emulator-licence"
    denied_operations: frozenset[str] = frozenset()  # answered -1
    denied_properties: frozenset[str] = frozenset()  # answered -2

    def credentials(self) -> dict[str, str]:
        """Propexo-style camelCase credentials an integration sends (the caller adds baseUrl)."""
        return {
            "username": self.username,
            "password": self.password,
            "serverName": self.server_name,
            "database": self.database,
            "platform": self.platform,
            "interfaceEntity": self.interface_entity,
            "interfaceLicense": self.interface_license,
        }


@dataclass
class Batch:
    batch_id: int
    property_code: str
    description: str
    charges: list[Row] = field(default_factory=list)


def _same(given: str | None, expected: str) -> bool:
    return secrets.compare_digest((given or "").encode(), expected.encode())


class YardiStore(GatedStore):
    def __init__(self, seed: Seed, login: Login, requests_per_second: float | None = None) -> None:
        super().__init__(requests_per_second)
        self.login = login
        self.properties = {p["Code"]: p for p in seed.properties}
        self.units = {(u["PropertyID"], u["UnitCode"]): u for u in seed.units}
        self.tenants = {t["TenantCode"]: t for t in seed.tenants}
        self.transactions: dict[str, Row] = {t["TransactionID"]: t for t in seed.transactions}
        self.lease_charges = list(seed.lease_charges)
        self.charge_types = {code: (name, gl) for code, name, gl in CHARGE_TYPES}
        self.accounts = {number: (name, kind) for number, name, kind in ACCOUNTS}
        self.batches: dict[int, Batch] = {}
        self._next_txn = max((int(k) for k in self.transactions), default=700000) + 1
        self._next_batch = 9001
        self.calls: dict[str, int] = {}

    def check(self, operation: str, params: Mapping[str, str | None]) -> None:
        """Yardi's order: the login, then the entity's licence, rights, property access."""
        login = self.login
        self.calls[operation] = self.calls.get(operation, 0) + 1
        matches = [
            _same(params.get("UserName"), login.username),
            _same(params.get("Password"), login.password),
            _same(params.get("ServerName"), login.server_name),
            _same(params.get("Database"), login.database),
        ]
        if not all(matches):
            raise Refused(LOGIN)
        if not (
            _same(params.get("InterfaceEntity"), login.interface_entity)
            and _same(params.get("InterfaceLicense"), login.interface_license)
        ):
            raise Refused(LICENCE)
        if operation in login.denied_operations:
            raise Refused(RIGHTS)
        code = params.get("YardiPropertyId") or params.get("PropertyId")
        if code:
            self.accessible(code)

    def accessible(self, code: str) -> Row:
        if code in self.login.denied_properties or code not in self.properties:
            raise Refused(PROPERTY_ACCESS, f"{REFUSALS[PROPERTY_ACCESS]} {code}")
        return self.properties[code]

    def visible_properties(self) -> list[Row]:
        return [p for code, p in self.properties.items() if code not in self.login.denied_properties]

    def next_transaction_id(self) -> str:
        with self.lock:
            value = self._next_txn
            self._next_txn += 1
            return str(value)

    def open_batch(self, code: str, description: str) -> int:
        with self.lock:
            batch_id = self._next_batch
            self._next_batch += 1
            self.batches[batch_id] = Batch(batch_id, code, description)
            return batch_id

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {
                "properties": len(self.properties),
                "units": len(self.units),
                "tenants": len(self.tenants),
                "transactions": len(self.transactions),
                "lease_charges": len(self.lease_charges),
                "open_batches": len(self.batches),
            }
