"""The keys of the rows a complete read of a model saw without writing them, kept compactly.

A record's stable id ends in 24 hex digits of a SHA-256 (kit/ids.py); its last 16 are the
64-bit key kept here: 8 bytes per row. Each committed batch of pages stores the keys it added
(`seen_keys`, one blob per batch), so a read resumed from its checkpoint in another slice or
process reloads them instead of losing them. A read holds its keys in memory up to
`HELD_KEYS` (8 MB); past that it holds none and the end of the read checks its stored rows in
passes over ranges of the key space, each range's keys read back from `seen_keys`: memory
stays bounded whatever the model's size, at the cost of one scan of the model's rows per range
(`SeenKeys.passes`). Held keys sit in 256 `array('Q')`s by the key's top byte, each sorted
apart once the read asks: sorting copies 1/256 of the keys at a time, never the whole set.
Two ids share a key with probability ~n²/2⁶⁵ (about 3·10⁻⁸ for a million rows); the cost of
that would be one vendor-deleted row read as seen.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import pairwise

KEY_SPACE = 1 << 64
_BUCKETS = 256  # by a key's top byte (keys are uniform: SHA-256 digits)

# The most keys a read holds in memory (8 bytes each, 8 MB), and so the most one pass of the
# end-of-read check holds: a model of up to ~a million rows is checked in one pass, 2.5 million
# in three.
HELD_KEYS = 1 << 20


def key_of(record_id: str) -> int:
    return int(record_id[-16:], 16)


def packed_keys(record_ids: Iterable[str]) -> bytes:
    """The keys of these ids as stored (`seen_keys`, `page_digests`): 8 bytes each."""
    return array("Q", (key_of(i) for i in record_ids)).tobytes()


def unpacked(data: bytes) -> array[int]:
    keys = array("Q")
    keys.frombytes(data)
    return keys


def key_ranges(count: int) -> list[tuple[int, int]]:
    """The 64-bit key space cut into `count` contiguous ranges [low, high)."""
    bounds = [index * KEY_SPACE // count for index in range(count + 1)]
    return list(pairwise(bounds))


def in_range(keys: array[int], low: int, high: int) -> Iterable[int]:
    """The keys in [low, high) (all of them for the whole key space)."""
    if low == 0 and high == KEY_SPACE:
        return keys
    ordered = sorted(keys)
    return ordered[bisect_left(ordered, low) : bisect_left(ordered, high)]


class KeySet:
    """A set of 64-bit keys in 256 arrays by top byte, each sorted when next asked."""

    def __init__(self) -> None:
        self._buckets = [array("Q") for _ in range(_BUCKETS)]
        self._sorted = True

    def add(self, key: int) -> None:
        self._buckets[key >> 56].append(key)
        self._sorted = False

    def extend(self, keys: Iterable[int]) -> None:
        buckets = self._buckets
        for key in keys:
            buckets[key >> 56].append(key)
        self._sorted = False

    def __len__(self) -> int:
        return sum(map(len, self._buckets))

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, int):
            return False
        self._sort()
        bucket = self._buckets[key >> 56]
        index = bisect_left(bucket, key)
        return index < len(bucket) and bucket[index] == key

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


class KeyPass:
    """One pass of the end-of-read check: the read's keys in [low, high)."""

    def __init__(self, low: int, high: int, keys: KeySet) -> None:
        self.low, self.high, self.keys = low, high, keys

    def hex_bounds(self) -> tuple[str | None, str | None]:
        """The range as bounds on an id's last 16 hex digits, compared as text (lowercase,
        fixed width: the text order is the keys' order); None where the range is open."""
        return (
            f"{self.low:016x}" if self.low > 0 else None,
            f"{self.high:016x}" if self.high < KEY_SPACE else None,
        )

    def split(self, record_ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """Of these ids, those with a key in this pass's range: (seen, not seen)."""
        seen: list[str] = []
        unseen: list[str] = []
        low, high, keys = self.low, self.high, self.keys
        for record_id in record_ids:
            key = key_of(record_id)
            if low <= key < high:
                (seen if key in keys else unseen).append(record_id)
        return seen, unseen


class SeenKeys:
    """Keys of one model's read, and when that read started (its stamp if it completes)."""

    def __init__(self, started: datetime) -> None:
        self.started = started
        self._held: KeySet | None = KeySet()  # None once more than HELD_KEYS: read back in passes
        self._count = 0
        self._unsaved = array("Q")
        self._released = False

    def add(self, record_id: str) -> None:
        key = key_of(record_id)
        self._unsaved.append(key)
        self._count += 1
        if self._held is not None:
            self._held.add(key)
            self._bound()

    def add_packed(self, data: bytes) -> None:
        """Keys as `unsaved()` packs them (a known page's stored keys, sync/pages.py)."""
        keys = unpacked(data)
        self._unsaved.extend(keys)
        self.load(keys)

    def unsaved(self) -> bytes:
        """The keys added since the last call, as stored with their batch (`seen_keys`)."""
        data = self._unsaved.tobytes()
        self._unsaved = array("Q")
        return data

    def load(self, data: bytes | array[int]) -> None:
        """Keys saved by an earlier slice of this read (or a known page's, via `add_packed`)."""
        keys = unpacked(data) if isinstance(data, bytes) else data
        self._count += len(keys)
        if self._held is not None:
            self._held.extend(keys)
            self._bound()

    def _bound(self) -> None:
        if self._count > HELD_KEYS:
            self._held = None

    def __len__(self) -> int:
        return self._count

    def release(self) -> None:
        """The read is closed (its rows checked): its keys' memory goes now, before the rest of
        the close (the page check) allocates its own, not when the engine lets go of the object."""
        self._held = None
        self._unsaved = array("Q")
        self._count = 0
        self._released = True

    @property
    def held(self) -> bool:
        """Whether the keys are all in memory (else `passes` reads the saved ones back)."""
        return self._held is not None

    def passes(self, saved: Callable[[], Iterable[bytes]]) -> Iterator[KeyPass]:
        """The end-of-read check in passes over the key space: one, over all of it, while the
        keys are held; else ranges of about `HELD_KEYS` keys each, each built from `saved()`
        (the read's stored batches, read once per range) and the keys not saved yet."""
        if self._released:
            raise RuntimeError("the seen keys of a closed read were released")
        if self._held is not None:
            yield KeyPass(0, KEY_SPACE, self._held)
            return
        for low, high in key_ranges(self._count // HELD_KEYS + 1):
            current = self._range(low, high, saved)
            yield current
            current.keys = KeySet()  # a pass at a time: not the last range's keys beside the next's

    def _range(self, low: int, high: int, saved: Callable[[], Iterable[bytes]]) -> KeyPass:
        keys = KeySet()
        for data in saved():
            keys.extend(in_range(unpacked(data), low, high))
        keys.extend(in_range(self._unsaved, low, high))
        return KeyPass(low, high, keys)
