"""Console sessions (a signed-in browser) and connect links (a one-time credential page)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pmsgate.kit.sqltypes import UTCDateTime
from pmsgate.models.base import Base, Keyed


class ConsoleSession(Base):
    """A browser signed in with an API key (customer) or the operator token. Only the SHA-256
    digest of the cookie's token is stored, so a database reader cannot sign in."""

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256(cookie token)
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), nullable=True, index=True
    )
    is_operator: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ConnectLink(Keyed, Base):
    """A single-use, expiring link a property manager opens to connect their PMS."""

    __tablename__ = "connect_links"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    vendor: Mapped[str | None] = mapped_column(String(32), nullable=True)
    integration_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    redirect_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    integration_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
