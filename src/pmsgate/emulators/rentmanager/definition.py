"""Registers the Rent Manager emulator for `pmsgate emulate rentmanager`."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.emulators.registry import EmulatorDefinition, register
from pmsgate.emulators.rentmanager.app import create_rentmanager_app
from pmsgate.emulators.rentmanager.store import RMStore


def credentials(app: Any) -> dict[str, Any]:
    """Propexo's RentManagerSandbox shape (the emulator also accepts the partner token)."""
    store: RMStore = app.state.store
    login = store.login
    return {"Username": login.username, "Password": login.password, "companyId": login.company_id}


register(EmulatorDefinition("rentmanager", (Vendor.RENTMANAGER,), create_rentmanager_app, credentials))
