"""All SQL of customers and API keys."""

from __future__ import annotations

from sqlalchemy import select

from pmsgate.kit.repository import Repository
from pmsgate.models.customers import ApiKey, Customer


class CustomerRepository(Repository):
    def get(self, customer_id: str) -> Customer | None:
        return self.session.get(Customer, customer_id)

    def all(self) -> list[Customer]:
        return list(self.session.scalars(select(Customer).order_by(Customer.created_at)))

    def active_key_by_hash(self, key_hash: str) -> tuple[ApiKey, Customer] | None:
        row = self.session.execute(
            select(ApiKey, Customer)
            .join(Customer, Customer.id == ApiKey.customer_id)
            .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
        ).first()
        return (row[0], row[1]) if row else None

    def keys_of(self, customer_id: str) -> list[ApiKey]:
        return list(self.session.scalars(select(ApiKey).where(ApiKey.customer_id == customer_id)))
