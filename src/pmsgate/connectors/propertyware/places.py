"""Where a Propertyware record belongs when it does not say so itself.

Buildings are pmsgate's properties. Leases name their building and unit, but contacts, charges,
credit memos, adjustments and auto charges name only a lease (and a portfolio), so the connector
keeps a small index lease -> (building, unit, primary contact) and contact -> lease, built from
`GET /leases` and completed one lease at a time (`GET /leases/{id}`) for leases created since.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pmsgate.connectors.parsing import MappingError, Native
from pmsgate.connectors.propertyware.fields import ident, optional_ident


@dataclass(frozen=True)
class LeaseInfo:
    building_id: str
    unit_id: str | None
    primary_contact_id: str | None


@dataclass
class Places:
    leases: dict[str, LeaseInfo] = field(default_factory=dict)
    contacts: dict[str, str] = field(default_factory=dict)  # contact id -> its latest lease id

    def add_lease(self, raw: Native) -> None:
        """Index one native lease; a lease without a building is ignored (nothing can hang on it)."""
        try:
            lease_id, building_id = ident(raw, "id"), ident(raw, "buildingID")
        except MappingError:
            return
        contacts = [c for c in raw.get("contacts") or [] if isinstance(c, Mapping)]
        primary = next((c for c in contacts if c.get("primary")), contacts[0] if contacts else None)
        self.leases[lease_id] = LeaseInfo(
            building_id=building_id,
            unit_id=optional_ident(raw, "unitID"),
            primary_contact_id=None if primary is None else optional_ident(primary, "id"),
        )
        for contact in contacts:
            contact_id = optional_ident(contact, "id")
            if contact_id is None:
                continue
            known = self.contacts.get(contact_id)
            # A tenant on several leases (a renewal) belongs where the newest lease is.
            if known is None or int(lease_id) > int(known):
                self.contacts[contact_id] = lease_id

    def lease(self, lease_id: str | None) -> LeaseInfo:
        info = None if lease_id is None else self.leases.get(lease_id)
        if info is None:
            raise MappingError(f"lease {lease_id} is unknown, so its building is too")
        return info

    def contact_lease(self, contact_id: str) -> tuple[str, LeaseInfo]:
        lease_id = self.contacts.get(contact_id)
        if lease_id is None:
            raise MappingError(f"contact {contact_id} is on no lease, so it belongs to no building")
        return lease_id, self.lease(lease_id)


def lease_ids_in(data: list[Any], field_name: str = "leaseID") -> set[str]:
    return {str(r[field_name]) for r in data if isinstance(r, dict) and isinstance(r.get(field_name), int)}
