"""Rows to response dicts: the attributes a response exposes, named once."""

from __future__ import annotations

from typing import Any


def attributes(row: Any, *names: str) -> dict[str, Any]:
    """`{name: row.name}` for each name, in that order."""
    return {name: getattr(row, name) for name in names}
