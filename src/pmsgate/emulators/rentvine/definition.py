"""Registers Rentvine for `pmsgate emulate rentvine`: it accepts one API key and secret."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.emulators.registry import EmulatorDefinition, register
from pmsgate.emulators.rentvine.app import BASE_PATH, create_rentvine_app
from pmsgate.emulators.rentvine.store import RentvineStore


def credentials(app: Any) -> dict[str, Any]:
    """Propexo's `Rentvine` credentials shape; pair it with the server URL + /api/manager."""
    store: RentvineStore = app.state.store
    login = store.login
    return {"apiKey": login.api_key, "apiSecret": login.api_secret, "companyId": login.company_id}


register(
    EmulatorDefinition("rentvine", (Vendor.RENTVINE,), create_rentvine_app, credentials, base_path=BASE_PATH)
)
