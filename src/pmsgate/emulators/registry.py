"""The explicit registry of emulators, for `pmsgate emulate <name>`, tests and benchmarks.

Each emulator says how to build its app and which credentials an integration should use to
reach it (its first line of output when served alone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.kit.plugins import LazyRegistry


@dataclass(frozen=True)
class EmulatorDefinition:
    name: str  # as typed on the command line: "sample", "buildium", …
    vendors: tuple[Vendor, ...]
    # The vendor's app factory, called as factory(records=…, seed=…) with its defaults otherwise.
    factory: Callable[..., Any]
    # The credentials (Propexo's shape for the vendor) that the app accepts.
    credentials: Callable[[Any], dict[str, Any]]
    # Appended to the server's URL to make the integration's base URL (e.g. "/v1").
    base_path: str = ""

    def create_app(self, records: int, seed: int) -> Any:
        """The ASGI app; `records` is roughly the number of residents, `seed` fixes the data."""
        return self.factory(records=records, seed=seed)


# Each emulator's package registers it when imported, the first time it is asked for: `serve`
# mounts the sample PMS alone.
_NAMES = ("sample", "buildium", "propertyware", "rentmanager", "rentvine", "entrata", "resman", "yardi")
_EMULATORS: LazyRegistry[str, EmulatorDefinition] = LazyRegistry(
    {f"pmsgate.emulators.{name}.definition": (name,) for name in _NAMES}
)


def register(definition: EmulatorDefinition) -> None:
    _EMULATORS.register(definition.name, definition)


def emulator(name: str) -> EmulatorDefinition:
    definition = _EMULATORS.get(name)
    if definition is None:
        raise KeyError(f"no emulator {name!r}; known: {', '.join(sorted(_EMULATORS.all()))}")
    return definition


def names() -> list[str]:
    return sorted(_EMULATORS.all())
