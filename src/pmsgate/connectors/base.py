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

from collections.abc import Iterator, Sequence
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


@dataclass
class Page:
    """One page of one stream. `records` may hold child records (allocations of payments,
    residents of leases) besides the stream's own model. `resume_token` continues after this
    page; None means the stream is finished."""

    records: Sequence[CanonicalRecord]
    resume_token: ResumeToken
    skipped: list[dict[str, Any]] = field(default_factory=list)  # malformed native records


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
