"""The connect page's live credential check: the connector asks the PMS before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors import connect
from pmsgate.connectors.registry import ConnectorContext, definition_for
from pmsgate.integrations.access import first_error
from pmsgate.integrations.tasks import probe_data_access
from pmsgate.kit.timeutil import utcnow


@dataclass(frozen=True)
class LiveCheck:
    ok: bool
    problem: str | None
    data_access: dict[str, Any] = field(default_factory=dict)
    checked_at: datetime = field(default_factory=utcnow)


def check_credentials_live(
    customer_id: str, vendor: Vendor, base_url: str | None, credentials: dict[str, Any]
) -> LiveCheck:
    resolved = connect.resolve_base_url(vendor, base_url, credentials)
    if resolved is None:
        return LiveCheck(False, "The PMS address is missing.")
    context = ConnectorContext(
        integration_id=f"connect:{customer_id}",
        vendor=vendor,
        base_url=resolved,
        credentials=credentials,
        budget=definition_for(vendor).default_budget,
    )
    try:
        connector = connect.default_builder(context)
    except (ValueError, KeyError) as exc:
        return LiveCheck(False, f"These credentials cannot be used: {exc}")
    can_authenticate, models = probe_data_access(connector, context.integration_id, vendor)
    if not can_authenticate:
        message = first_error(models)
        return LiveCheck(False, f"The PMS refused these credentials: {message or 'authentication failed'}")
    return LiveCheck(True, None, dict(models))
