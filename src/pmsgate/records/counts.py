"""Filtered totals counted once per version of the data they count.

A filtered list's `total` is exact, so each page of it counted the matching index entries
again: paging through a half-year of 1,000,000 charges (166,218 matches, 100 a page) counted
166,218 entries 1,663 times, 25-60 ms each on PostgreSQL. Every transaction that writes a
model's rows of an integration (or its seen stamp) moves `record_counts.version`
(sync/repository.py `add_counts`), and the list reads the versions of its integrations in the
query that resolves them; a count is kept under the statement (its SQL and every bound value)
and those versions, so it is used again only while nothing it counted could have changed.

Under PostgreSQL's READ COMMITTED the versions and the count are two statements: a count kept
under version V may already include the commit that made V + 1 — which any reader after that
commit sees too. A rolled-back write changes neither rows nor version. Per process, bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


def statement_key(statement: Any) -> Hashable | None:
    """What identifies a statement's result: SQLAlchemy's cache key of its structure and the
    values bound to it; None when the statement cannot be keyed (or a value cannot be hashed:
    such a count is simply not kept)."""
    key = statement._generate_cache_key()
    if key is None:
        return None
    found = key.key, tuple(_hashable(bound.effective_value) for bound in key.bindparams)
    try:
        hash(found)
    except TypeError:
        return None
    return found


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list | tuple):  # an expanding IN's values
        return tuple(_hashable(v) for v in value)
    return value  # type: ignore[no-any-return]


class CountCache:
    """The last `max_entries` counts, by (store, versions, statement key)."""

    def __init__(self, max_entries: int = 1024) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, int] = OrderedDict()

    def count(self, key: Hashable | None, counting: Callable[[], int]) -> int:
        if key is None:
            return counting()
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        counted = counting()
        with self._lock:
            self._entries[key] = counted
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return counted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


COUNTS = CountCache()
