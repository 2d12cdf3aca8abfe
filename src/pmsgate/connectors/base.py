"""The connector interface.

A connector streams canonical records page by page (never a whole tenant in memory) and
performs writes. The sync engine commits each page with its `resume_token`, so a run that
dies resumes at the page after the last committed one.

Incremental rules, shared by every connector:
- `modified_since`: ask only for records the vendor changed at or after this instant
  (inclusive; the engine passes the previous run's start minus an overlap window and dedupes
  by primary key, so late commits at the vendor are not missed).
- `window_start`: for ledger models (charges, payments) only transactions dated on or after
  it; a back-sync passes 50 years back.
- A vendor that cannot filter returns everything; the upsert makes that harmless.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model

ResumeToken = dict[str, Any] | None


@dataclass(frozen=True)
class ReadRequest:
    model: Model
    modified_since: datetime | None = None
    window_start: datetime | None = None
    resume_token: ResumeToken = None
    page_size: int = 250
    x_property_ids: frozenset[str] | None = None  # None = every property
    known_pages: KnownPages | None = None  # a complete read: pages it may leave unmapped


@dataclass(frozen=True)
class KnownPages:
    """What the sync engine tells a complete read about the pages it met before: `context`
    (the mapping code and anything else that decides what a page maps to) and the digests of
    the pages stored or found unchanged by the last complete read. A connector whose pages map
    from their native rows alone digests each page (`streaming.mapped_page`) and, for a known
    digest, hands the page over unmapped: the engine maps it only if the page's rows changed
    in the store since."""

    context: bytes
    digests: frozenset[str]

    def digest(self, model: Model, native: bytes) -> str:
        h = hashlib.blake2b(self.context, digest_size=16)
        h.update(model.value.encode())
        h.update(native)
        return h.hexdigest()


@dataclass
class Page:
    """One page of one stream. `records` may hold child records (allocations of payments,
    residents of leases) besides the stream's own model. `resume_token` continues after this
    page; None means the stream is finished.

    `digest` is set by connectors that digest their pages (a complete read only). A page with
    `mapping` was not mapped (`records` is empty): its digest is one the last complete read
    met; the engine uses the stored keys of that page, or calls `mapping()` for the records."""

    records: Sequence[CanonicalRecord]
    resume_token: ResumeToken
    skipped: list[dict[str, Any]] = field(default_factory=list)  # malformed native records
    digest: str | None = None
    mapping: Callable[[], tuple[Sequence[CanonicalRecord], list[dict[str, Any]]]] | None = None


@runtime_checkable
class Connector(Protocol):
    vendor: Vendor

    def supported_models(self) -> frozenset[Model]: ...

    def check_credentials(self) -> None:
        """A cheap authenticated call; raises AuthError when the vendor refuses."""

    def data_access(self) -> dict[Model, bool]:
        """Which models these credentials can read."""

    def stream(self, request: ReadRequest) -> Iterator[Page]: ...

    def close(self) -> None: ...
