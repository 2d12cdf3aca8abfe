"""The ResMan emulator's in-memory state, gatekeeping (rate limit, faults, partner credentials)
and ResMan's errors: a `Status` of "Failed" with an `ErrorDescription` (HTTP 200, as clients
expect; 429 and 503 carry the same envelope)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pmsgate.emulators.resman.seed import CHARGE_CODES, GL_ACCOUNTS, Record, Seed
from pmsgate.emulators.store import GatedStore


class ResManError(Exception):
    """A call ResMan answers with Status "Failed" and this ErrorDescription."""

    def __init__(self, description: str, *, status: int = 200, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.status = status
        self.headers = headers or {}


@dataclass(frozen=True)
class PartnerKey:
    integration_partner_id: str
    api_key: str
    account_id: str
    denied: frozenset[str] = frozenset()  # methods ("Area/Method") this partner may not call


class ResManStore(GatedStore):
    def __init__(self, seed: Seed, key: PartnerKey, requests_per_second: float | None = None) -> None:
        super().__init__(requests_per_second)
        self.key = key
        self.properties: dict[str, Record] = {p["PropertyID"]: p for p in seed.properties}
        self.units = seed.units
        self.residents = seed.residents
        self.ledger = seed.ledger
        self.recurring = seed.recurring
        self.charge_codes = {code: (name, gl) for code, name, gl in CHARGE_CODES}
        self.gl_accounts = GL_ACCOUNTS
        # Partner transactions posted and not yet approved, and every partner TransactionID ever
        # accepted (ResMan refuses a second one: "Duplicate transaction ID").
        self.pending: dict[str, Record] = {}
        self.partner_ids: set[str] = set()

    def admit(self, form: Mapping[str, str], method: str) -> None:
        """Rate limit and outages before authentication, as a gateway orders them."""
        outage = self.outage()
        if outage == 429:
            raise ResManError("Rate limit exceeded", status=429, headers={"Retry-After": "1"})
        if outage == 503:
            raise ResManError("The service is temporarily unavailable", status=503)
        given = (form.get("IntegrationPartnerID", ""), form.get("ApiKey", ""))
        if not all(
            secrets.compare_digest(a.encode(), b.encode())
            for a, b in zip(given, (self.key.integration_partner_id, self.key.api_key), strict=True)
        ):
            raise ResManError("Invalid IntegrationPartnerID or ApiKey")
        if form.get("AccountID", "").lower() != self.key.account_id.lower():
            raise ResManError(f"Invalid AccountID {form.get('AccountID', '')!r}")
        if method in self.key.denied:
            raise ResManError(f"Integration partner is not authorized for method {method}")

    def property(self, form: Mapping[str, str]) -> str:
        """The PropertyID a property-scoped method names (GUIDs compare case-insensitively)."""
        given = form.get("PropertyID", "").strip().lower()
        if not given:
            raise ResManError("PropertyID is required")
        if given not in self.properties:
            raise ResManError(f"PropertyID {given} was not found for this account")
        return given

    def resident(self, property_id: str, person_id: str) -> Record | None:
        return next((r for r in self.residents[property_id] if r["PersonID"] == person_id), None)

    def counts(self) -> dict[str, Any]:
        with self.lock:
            return {
                "properties": len(self.properties),
                "units": sum(len(u) for u in self.units.values()),
                "residents": sum(len(r) for r in self.residents.values()),
                "ledger": sum(len(t) for t in self.ledger.values()),
                "recurring": sum(len(t) for t in self.recurring.values()),
                "pending": len(self.pending),
            }
