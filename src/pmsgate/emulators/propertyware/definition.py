"""Registers the Propertyware emulator for `pmsgate emulate propertyware` (PROPERTYWARE_REST)."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.emulators.propertyware.app import BASE_PATH, create_propertyware_app
from pmsgate.emulators.propertyware.store import PwStore
from pmsgate.emulators.registry import EmulatorDefinition, register


def credentials(app: Any) -> dict[str, Any]:
    """Propexo's "Propertyware REST" credentials for the key the app accepts (put the printed
    base_url in `baseUrl`)."""
    store: PwStore = app.state.store
    return {
        "clientId": store.key.client_id,
        "clientSecret": store.key.client_secret,
        "systemId": store.key.system_id,
    }


register(
    EmulatorDefinition(
        "propertyware", (Vendor.PROPERTYWARE_REST,), create_propertyware_app, credentials, base_path=BASE_PATH
    )
)
