"""Where deep pages of a sorted list start: rows' positions remembered per version of the data.

A page at offset N reads N index entries before its first row (SQLite 35-41 ms, PostgreSQL
60-80 ms at offset 500,000 of 1,000,000 charges), so a client paging through a whole list by
offset read n²/2 entries. Each deep page now remembers the sort key and id of its first row and
of the row after it (a page is read one row long): the position of each in the list, under the
list's statement (its SQL and bound values, without offset and limit) and the versions of its
integrations' data. A later page at or a little beyond a remembered position seeks that row's
keys in the sort index and skips only the rest: the next page of a client paging in order
skips nothing.

The versions are those of records/counts.py: every transaction that writes the rows moves them,
so a position is used only while nothing that placed it can have changed; the same remark on
READ COMMITTED applies (a position kept under version V may already reflect the commit that
made V + 1, which any reader after that commit sees too). Per process, bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

Keys = tuple[object, ...]  # the sort column's value and the id, as the driver returned them


class AnchorCache:
    """For each of the last `max_lists` lists, up to `per_list` positions -> keys of the row there."""

    def __init__(self, max_lists: int = 512, per_list: int = 32) -> None:
        self.max_lists = max_lists
        self.per_list = per_list
        self._lock = threading.Lock()
        self._lists: OrderedDict[Hashable, OrderedDict[int, Keys]] = OrderedDict()

    def nearest(self, key: Hashable, offset: int, reach: int) -> tuple[int, Keys] | None:
        """The remembered position at or below `offset`, at most `reach` rows before it, closest first."""
        with self._lock:
            positions = self._lists.get(key)
            if positions is None:
                return None
            self._lists.move_to_end(key)
            best = max((p for p in positions if offset - reach <= p <= offset), default=None)
            return None if best is None else (best, positions[best])

    def remember(self, key: Hashable, position: int, keys: Keys) -> None:
        with self._lock:
            positions = self._lists.get(key)
            if positions is None:
                positions = self._lists[key] = OrderedDict()
                while len(self._lists) > self.max_lists:
                    self._lists.popitem(last=False)
            else:
                self._lists.move_to_end(key)
            positions[position] = keys
            positions.move_to_end(position)
            while len(positions) > self.per_list:
                positions.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._lists.clear()


ANCHORS = AnchorCache()
