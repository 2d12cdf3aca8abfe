"""The keys of the rows a complete read of a model saw without writing them, kept compactly.

A record's stable id ends in 24 hex digits of a SHA-256 (kit/ids.py); its last 16 are the
64-bit key kept here: 8 bytes per row (8 MB per million rows), in 256 `array('Q')`s by the
key's top byte. Membership is a binary search in one of them, each sorted apart once the
read asks: sorting copies 1/256 of the keys at a time, never the whole set (merging sorted
runs into one array held the set twice over at the end of a large model). Each committed
batch of pages stores the keys it added (`seen_keys`, 8 bytes per row in one blob per batch),
so a read resumed from its checkpoint in another slice or process reloads the set instead of
losing it. Two ids share a key with probability ~n²/2⁶⁵ (about 3·10⁻⁸ for a million rows);
the cost of that would be one vendor-deleted row read as seen.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from datetime import datetime

_BUCKETS = 256  # by a key's top byte (keys are uniform: SHA-256 digits)


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
        self._buckets = [array("Q") for _ in range(_BUCKETS)]
        self._sorted = True
        self._unsaved = array("Q")

    def add(self, record_id: str) -> None:
        key = key_of(record_id)
        self._buckets[key >> 56].append(key)
        self._unsaved.append(key)
        self._sorted = False

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
        buckets = self._buckets
        for key in keys:
            buckets[key >> 56].append(key)
        if keys:
            self._sorted = False

    def __len__(self) -> int:
        return sum(map(len, self._buckets))

    def sorted_keys(self) -> Iterator[int]:
        """All keys in ascending order."""
        self._sort()
        for bucket in self._buckets:
            yield from bucket

    def _sort(self) -> None:
        if not self._sorted:
            for index, bucket in enumerate(self._buckets):
                self._buckets[index] = array("Q", sorted(bucket))
            self._sorted = True

    def __contains__(self, record_id: object) -> bool:
        if not isinstance(record_id, str):
            return False
        self._sort()
        key = key_of(record_id)
        bucket = self._buckets[key >> 56]
        index = bisect_left(bucket, key)
        return index < len(bucket) and bucket[index] == key
