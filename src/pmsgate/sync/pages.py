"""Pages a complete read met before, unchanged: found by digest, not mapped again.

A complete read of a model (every record, from its first page) records, per page it stored or
found unchanged, the digest of the vendor's page (`connectors.base.KnownPages`: the native rows,
the connector's code, the disabled properties) and the keys of the rows the page holds. The next
complete read of the model is told those digests; a connector that digests its pages hands a
known page over unmapped, and the engine adds the page's stored keys to the read's seen set
(sync/seen.py) instead of mapping, hashing and looking up its records. So an unchanged re-sync
costs the reading of the pages, not their mapping.

That is right only while the stored rows are still what those pages mapped to, so a page's
digest is dropped:
- when anything but the read that recorded it writes a row of a table it holds keys of (an
  incremental sync, a write job's read-back, another model's read of shared child records);
- when its read ends and another page of the same read holds one of its keys (the later page
  wrote that row; without it the earlier page would map the row differently);
- when a later complete read of its model ends (that read's pages replace it).
Only the pages of the read that set the model's seen stamp (completed) are offered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import NamedTuple

from sqlalchemy import ColumnElement, Delete, and_, bindparam, delete, func, or_, select

from pmsgate import __version__
from pmsgate.connectors.base import KnownPages
from pmsgate.kit.ids import new_id
from pmsgate.kit.repository import Repository
from pmsgate.models.records import PAGE_DIGESTS
from pmsgate.sync.repository import SyncRepository
from pmsgate.sync.seen import KEY_SPACE, in_range, key_ranges, unpacked

# The code a page's stored rows depend on besides its native rows: any change to it (an
# upgrade, a patched mapping) gives every page a new digest, so pages are mapped again.
_CODE = ("connectors", "canonical", "kit", "sync")


@cache
def code_fingerprint() -> bytes:
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    root = files("pmsgate")
    for package in _CODE:
        for path in sorted(_sources(root.joinpath(package)), key=str):
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.digest()


def _sources(folder: Traversable) -> Iterable[Traversable]:
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _sources(entry)
        elif entry.name.endswith(".py"):
            yield entry


def context(vendor: str, disabled_property_ids: Iterable[str]) -> bytes:
    """What besides its rows decides what a page of this integration maps to and stores."""
    return b"\x1f".join(
        [code_fingerprint(), vendor.encode(), *sorted(i.encode() for i in disabled_property_ids)]
    )


class Part(NamedTuple):
    """The rows of one model a page holds: their keys and the rows not stored (disabled)."""

    keys_model: str
    packed: bytes
    skipped: int

    @property
    def rows(self) -> int:
        return len(self.packed) // 8


class Reader(NamedTuple):
    """A complete read: its model and its start (the model's stamp once it completes)."""

    model: str
    started: datetime


class PageDigests(Repository):
    def offered(
        self, integration_id: str, model: str, vendor: str, disabled_property_ids: Iterable[str]
    ) -> tuple[KnownPages, datetime | None]:
        """What a complete read of `model` starting now is told, and the stamp its pages are
        found under."""
        stamp = SyncRepository.from_session(self.session).stamp_of(integration_id, model)
        known = KnownPages(context(vendor, disabled_property_ids), self.known(integration_id, model, stamp))
        return known, stamp

    def known(self, integration_id: str, reader_model: str, stamp: datetime | None) -> frozenset[str]:
        """The digests of the pages the read that set `stamp` recorded."""
        if stamp is None:
            return frozenset()
        rows = self.session.scalars(
            select(PAGE_DIGESTS.c.digest)
            .where(*_recorded_by(integration_id, Reader(reader_model, stamp)))
            .distinct()
        )
        return frozenset(rows)

    def parts(self, integration_id: str, reader_model: str, stamp: datetime, digest: str) -> list[Part]:
        """The parts of one page with this digest recorded by the read that set `stamp`; none if
        it was dropped since the read began."""
        rows = self.session.execute(
            select(
                PAGE_DIGESTS.c.page_id,
                PAGE_DIGESTS.c.keys_model,
                PAGE_DIGESTS.c.packed,
                PAGE_DIGESTS.c.skipped,
            )
            .where(
                *_recorded_by(integration_id, Reader(reader_model, stamp)),
                PAGE_DIGESTS.c.digest == digest,
            )
            .order_by(PAGE_DIGESTS.c.page_id, PAGE_DIGESTS.c.id)
        ).all()
        first = rows[0].page_id if rows else None
        return [Part(r.keys_model, r.packed, r.skipped) for r in rows if r.page_id == first]

    def record(self, integration_id: str, reader: Reader, digest: str, parts: Sequence[Part]) -> None:
        page_id = new_id("page")
        self.insert_rows(
            PAGE_DIGESTS,
            [
                {
                    "integration_id": integration_id,
                    "read_model": reader.model,
                    "read_started": reader.started,
                    "digest": digest,
                    "page_id": page_id,
                    "keys_model": part.keys_model,
                    "packed": part.packed,
                    "skipped": part.skipped,
                }
                for part in parts
            ],
        )

    def held_by_others(self, integration_id: str, reader: Reader) -> set[str]:
        """The tables whose keys pages of reads other than `reader` hold. While a complete read
        lasts no other read records pages of its integration (one live run per integration), so
        this stays true for it but for the tables it drops pages of."""
        rows = self.session.scalars(
            select(PAGE_DIGESTS.c.keys_model)
            .where(
                PAGE_DIGESTS.c.integration_id == integration_id,
                or_(
                    PAGE_DIGESTS.c.read_started != reader.started,
                    PAGE_DIGESTS.c.read_model != reader.model,
                ),
            )
            .distinct()
        )
        return set(rows)

    def drop_holding(self, integration_id: str, keys_model: str, writer: Reader | None) -> None:
        """Rows of `keys_model` were written by `writer` (None: not by a complete read): every
        page holding keys of that table, recorded by another read, is dropped."""
        params: dict[str, object] = {"integration_id": integration_id, "keys_model": keys_model}
        if writer is None:
            self.session.execute(_DROP_HOLDING, params)
        else:
            params |= {"started": writer.started, "model": writer.model}
            self.session.execute(_DROP_HOLDING_OTHERS, params)

    def close(self, integration_id: str, reader: Reader) -> None:
        """A complete read ended: the pages of the model's earlier reads go, and so do this
        read's pages that share a key with another of its pages."""
        self.session.execute(
            delete(PAGE_DIGESTS).where(
                PAGE_DIGESTS.c.integration_id == integration_id,
                PAGE_DIGESTS.c.read_model == reader.model,
                PAGE_DIGESTS.c.read_started != reader.started,
            )
        )
        own = _recorded_by(integration_id, reader)
        size = func.coalesce(func.sum(func.length(PAGE_DIGESTS.c.packed)), 0)
        keys = int(self.session.scalar(select(size).where(*own)) or 0) // 8
        shared: set[str] = set()
        for low, high in key_ranges(keys // KEYS_PER_PASS + 1):
            rows = self.session.execute(
                select(PAGE_DIGESTS.c.page_id, PAGE_DIGESTS.c.keys_model, PAGE_DIGESTS.c.packed).where(*own),
                # streamed, 100 pages' keys at a time (~200 KB; 500 held ~5 MB in rows and driver buffers)
                execution_options={"yield_per": 100},
            )
            shared |= _pages_sharing_keys(((r.page_id, r.keys_model, r.packed) for r in rows), low, high)
        ordered = sorted(shared)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            self.session.execute(delete(PAGE_DIGESTS).where(PAGE_DIGESTS.c.page_id.in_(chunk)))


def _recorded_by(integration_id: str, reader: Reader) -> tuple[ColumnElement[bool], ...]:
    """The conditions for the pages `reader` recorded."""
    return (
        PAGE_DIGESTS.c.integration_id == integration_id,
        PAGE_DIGESTS.c.read_model == reader.model,
        PAGE_DIGESTS.c.read_started == reader.started,
    )


def _drop_holding(others: bool) -> Delete:
    """Built once: a statement built per page cost more than running it (~2 ms of 4 per page)."""
    holding = select(PAGE_DIGESTS.c.page_id).where(
        PAGE_DIGESTS.c.integration_id == bindparam("integration_id"),
        PAGE_DIGESTS.c.keys_model == bindparam("keys_model"),
    )
    if others:
        started, writer_started = (
            PAGE_DIGESTS.c.read_started,
            bindparam("started", type_=PAGE_DIGESTS.c.read_started.type),
        )
        holding = holding.where(  # three index ranges, never the writer's own pages
            or_(
                started < writer_started,
                started > writer_started,
                and_(started == writer_started, PAGE_DIGESTS.c.read_model != bindparam("model")),
            )
        )
    return delete(PAGE_DIGESTS).where(PAGE_DIGESTS.c.page_id.in_(holding))


_DROP_HOLDING = _drop_holding(others=False)
_DROP_HOLDING_OTHERS = _drop_holding(others=True)


# The most keys one pass of `PageDigests.close` holds (~80 bytes each in its dict, ~5 MB): a
# larger model is checked in key ranges, one pass over its pages each, so the check's memory
# does not grow with the model (one pass up to 65,536 rows, 16 at a million).
KEYS_PER_PASS = 65_536


def _pages_sharing_keys(
    rows: Iterable[tuple[str, str, bytes]], low: int = 0, high: int = KEY_SPACE
) -> set[str]:
    """Ids of the pages with a (model, key) in [low, high) that another page also has. Memory
    is one dict entry per such key (and one page's keys at a time)."""
    owners: dict[str, dict[int, str]] = {}
    shared: set[str] = set()
    for page_id, keys_model, packed in rows:
        keys = in_range(unpacked(packed), low, high)
        owner = owners.setdefault(keys_model, {})
        for key in owner.keys() & keys:  # set operations in C: the loop runs only on a share
            if owner[key] != page_id:
                shared.update((page_id, owner[key]))
        owner.update(dict.fromkeys(keys, page_id))
    return shared
