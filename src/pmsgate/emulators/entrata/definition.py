"""Registers the Entrata emulator for `pmsgate emulate entrata`."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.emulators.entrata.app import BASE_PATH, create_entrata_app
from pmsgate.emulators.registry import EmulatorDefinition, register


def credentials(app: Any) -> dict[str, Any]:
    """Propexo's Entrata credentials for the key the app accepts (the caller adds baseUrl)."""
    return {"apiKey": app.state.store.key.api_key, "companyId": "emulator"}


register(
    EmulatorDefinition("entrata", (Vendor.ENTRATA,), create_entrata_app, credentials, base_path=BASE_PATH)
)
