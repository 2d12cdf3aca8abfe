"""Definitions that packages register when imported, each package imported the first time one
of its keys is asked for: a process holds only the packages it uses (the connectors of the
vendors it syncs, the one emulator `serve` mounts)."""

from __future__ import annotations

import importlib
from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LazyRegistry(Generic[K, V]):
    def __init__(self, packages: Mapping[str, tuple[K, ...]]) -> None:
        """`packages`: each package (module path) and the keys it registers when imported."""
        self.packages = packages
        self._package_of = {key: package for package, keys in packages.items() for key in keys}
        self._entries: dict[K, V] = {}
        self._all_loaded = False

    def register(self, key: K, value: V) -> None:
        self._entries[key] = value

    def get(self, key: K) -> V | None:
        """The definition of `key`, its package imported if it was not yet; None if no package
        registers it."""
        if key not in self._entries and key in self._package_of:
            importlib.import_module(self._package_of[key])
        return self._entries.get(key)

    def all(self) -> dict[K, V]:
        """Every definition (every package imported)."""
        if not self._all_loaded:
            for package in self.packages:
                importlib.import_module(package)
            self._all_loaded = True
        return dict(self._entries)
