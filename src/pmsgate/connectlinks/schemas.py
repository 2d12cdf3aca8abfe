"""Request and response shapes of `POST /v1/admin/connect-links/` (a pmsgate extension)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from pmsgate.canonical.enums import Vendor
from pmsgate.kit.inputs import StrictBody


class ConnectLinkCreate(StrictBody):
    vendor: Vendor | None = Field(default=None, description="Fix the PMS; unset lets the user pick")
    integration_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="Name of the integration to create"
    )
    redirect_url: str | None = Field(
        default=None,
        max_length=2000,
        description="Where the browser goes afterwards, with `integration_id` and `connect_link_id` added",
    )
    expires_in_days: int | None = Field(
        default=None, ge=1, le=90, description="Lifetime of the link (default PMSGATE_CONNECT_LINK_DAYS)"
    )


class ConnectLinkOut(BaseModel):
    id: str
    url: str = Field(description="Open once; the link is the secret, share it like a password")
    vendor: Vendor | None
    integration_name: str | None
    redirect_url: str | None
    expires_at: datetime
    used_at: datetime | None = None
    integration_id: str | None = None


class ConnectLinkCreated(BaseModel):
    result: ConnectLinkOut
