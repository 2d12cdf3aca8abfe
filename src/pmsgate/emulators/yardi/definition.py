"""Registers the Yardi emulator for `pmsgate emulate yardi`."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.emulators.registry import EmulatorDefinition, register
from pmsgate.emulators.yardi.app import create_yardi_app


def credentials(app: Any) -> dict[str, Any]:
    """The Yardi credentials the app accepts (the caller adds baseUrl)."""
    return dict(app.state.store.login.credentials())


register(EmulatorDefinition("yardi", (Vendor.YARDI,), create_yardi_app, credentials))
