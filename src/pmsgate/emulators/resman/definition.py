"""Registers the ResMan emulator for `pmsgate emulate resman`."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.emulators.registry import EmulatorDefinition, register
from pmsgate.emulators.resman.app import create_resman_app


def credentials(app: Any) -> dict[str, Any]:
    """Propexo's ResMan credentials for the partner key the app accepts (the caller adds baseUrl)."""
    key = app.state.store.key
    return {
        "integrationPartnerId": key.integration_partner_id,
        "apiKey": key.api_key,
        "accountId": key.account_id,
    }


register(EmulatorDefinition("resman", (Vendor.RESMAN,), create_resman_app, credentials))
