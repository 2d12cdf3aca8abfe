"""Customers (tenants of pmsgate) and their API keys (stored as SHA-256 digests only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pmsgate.kit.sqltypes import UTCDateTime
from pmsgate.models.base import Base, Keyed, Timestamped


class Customer(Keyed, Timestamped, Base):
    __tablename__ = "customers"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    rate_limit_per_minute: Mapped[int | None] = mapped_column(nullable=True)


class ApiKey(Keyed, Timestamped, Base):
    __tablename__ = "api_keys"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    # High-entropy random keys: a plain SHA-256 is enough (no need for a slow KDF).
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    key_prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
