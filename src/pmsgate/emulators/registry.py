"""The explicit registry of emulators, for `pmsgate emulate <name>`, tests and benchmarks.

Each emulator says how to build its app and which credentials an integration should use to
reach it (its first line of output when served alone).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pmsgate.canonical.enums import Vendor


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


_EMULATORS: dict[str, EmulatorDefinition] = {}
_BUILTIN = (
    "pmsgate.emulators.sample.definition",
    "pmsgate.emulators.buildium.definition",
    "pmsgate.emulators.propertyware.definition",
    "pmsgate.emulators.rentmanager.definition",
    "pmsgate.emulators.rentvine.definition",
    "pmsgate.emulators.entrata.definition",
    "pmsgate.emulators.resman.definition",
    "pmsgate.emulators.yardi.definition",
)


def register(definition: EmulatorDefinition) -> None:
    _EMULATORS[definition.name] = definition


@functools.cache
def _load() -> None:
    for module in _BUILTIN:
        importlib.import_module(module)


def emulator(name: str) -> EmulatorDefinition:
    module = f"pmsgate.emulators.{name}.definition"
    if name not in _EMULATORS and module in _BUILTIN:
        importlib.import_module(module)  # only the one asked for: `serve` mounts sample alone
    if name not in _EMULATORS:
        _load()
    try:
        return _EMULATORS[name]
    except KeyError:
        raise KeyError(f"no emulator {name!r}; known: {', '.join(sorted(_EMULATORS))}") from None


def names() -> list[str]:
    _load()
    return sorted(_EMULATORS)
