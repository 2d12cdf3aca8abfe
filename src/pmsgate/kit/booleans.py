"""Booleans written as words: query parameters (`?is_open=yes`) and vendors' XML text."""

from __future__ import annotations

from typing import Any

TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})


def boolean_word(value: Any) -> bool | None:
    """The boolean `value` is or spells (true/false, 1/0, yes/no; any case, spaces around);
    None when it is none of those (each caller says why that is wrong in its own terms)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None
