"""Registers the Buildium emulator for `pmsgate emulate buildium`."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.emulators.buildium.app import create_buildium_app
from pmsgate.emulators.registry import EmulatorDefinition, register


def credentials(app: Any) -> dict[str, Any]:
    """Propexo's Buildium credentials for the key the app accepts (the caller adds baseUrl)."""
    key = app.state.store.key
    return {"clientId": key.client_id, "secret": key.secret}


register(EmulatorDefinition("buildium", (Vendor.BUILDIUM,), create_buildium_app, credentials))
