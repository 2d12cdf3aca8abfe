"""The keys of the rows a complete read of a model saw without writing them, kept compactly.

A record's stable id ends in 24 hex digits of a SHA-256 (kit/ids.py); its last 16 are the
64-bit key kept here: 8 bytes per row in an `array('Q')` (8 MB per million rows), sorted in
runs of 65,536 as they come (a temporary list of one run at a time) and merged once at the
end, so membership is a binary search. Each committed batch of pages stores the
keys it added (`seen_keys`, 8 bytes per row in one blob per batch), so a read resumed from its
checkpoint in another slice or process reloads the set instead of losing it. Two ids share a
key with probability ~n²/2⁶⁵ (about 3·10⁻⁸ for a million rows); the cost of that would be one
vendor-deleted row read as seen.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from datetime import datetime

_RUN = 65_536


def key_of(record_id: str) -> int:
    return int(record_id[-16:], 16)


def packed_keys(record_ids: Iterable[str]) -> bytes:
    """The keys of these ids as stored (`seen_keys`, `page_digests`): 8 bytes each."""
    return array("Q", (key_of(i) for i in record_ids)).tobytes()


def unpacked(data: bytes) -> array[int]:
    keys = array("Q")
    keys.frombytes(data)
    return keys


class SeenKeys:
    """Keys of one model's read, and when that read started (its stamp if it completes)."""

    def __init__(self, started: datetime) -> None:
        self.started = started
        self._pending = array("Q")
        self._runs: list[array[int]] = []
        self._sorted: array[int] | None = None
        self._unsaved = array("Q")

    def add(self, record_id: str) -> None:
        key = key_of(record_id)
        self._pending.append(key)
        self._unsaved.append(key)
        if len(self._pending) >= _RUN:
            self._flush()

    def add_packed(self, data: bytes) -> None:
        """Keys as `unsaved()` packs them (a known page's stored keys, sync/pages.py)."""
        keys = unpacked(data)
        self._unsaved.extend(keys)
        self._extend(keys)

    def unsaved(self) -> bytes:
        """The keys added since the last call, as stored with their batch (`seen_keys`)."""
        data = self._unsaved.tobytes()
        self._unsaved = array("Q")
        return data

    def load(self, data: bytes) -> None:
        """Keys saved by an earlier slice of this read."""
        self._extend(unpacked(data))

    def _extend(self, keys: array[int]) -> None:
        for start in range(0, len(keys), _RUN):
            self._pending.extend(keys[start : start + _RUN])
            if len(self._pending) >= _RUN:
                self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._runs.append(array("Q", sorted(self._pending)))
            self._pending = array("Q")
        self._sorted = None

    def __len__(self) -> int:
        return len(self._pending) + sum(len(run) for run in self._runs)

    def frozen(self) -> array[int]:
        """All keys, sorted (merged once)."""
        if self._sorted is None or self._pending:
            self._flush()
            if not self._runs:
                merged = array("Q")
            else:
                merged = self._runs[0] if len(self._runs) == 1 else array("Q", heapq.merge(*self._runs))
            self._runs = [merged]
            self._sorted = merged
        return self._sorted

    def __contains__(self, record_id: object) -> bool:
        if not isinstance(record_id, str):
            return False
        keys = self.frozen()
        key = key_of(record_id)
        index = bisect_left(keys, key)
        return index < len(keys) and keys[index] == key
