"""An emulator of Propertyware's REST "Open API" (PROPERTYWARE_REST); see docs/vendors/propertyware.md."""

from pmsgate.emulators.propertyware.app import BASE_PATH, create_propertyware_app
from pmsgate.emulators.propertyware.store import DEFAULT_KEY, ApiKey, PwStore

__all__ = ["BASE_PATH", "DEFAULT_KEY", "ApiKey", "PwStore", "create_propertyware_app"]
