"""The emulator's in-memory state: one table per collection, plus auth, faults and limits.

Stored records are the native wire dicts and are never mutated in place: an update stores a new
dict, so a page being serialised outside the lock cannot change under a concurrent write.
Listing costs only the records it scans (ids are kept sorted; a cursor bisects into them), so a
full paginated read of a million-record tenant stays linear.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pmsgate.emulators.sample.auth import (
    DEFAULT_TOKEN_LIFETIME_S,
    SampleCredentials,
    TokenBook,
    require_token,
)
from pmsgate.emulators.sample.collections import ALLOCATION_ID_BASE, COLLECTIONS, CollectionSpec
from pmsgate.emulators.sample.query import ListQuery
from pmsgate.emulators.sample.wire import FaultError, encode_cursor, parse_stamp, parse_us_date
from pmsgate.emulators.store import GatedStore

Record = dict[str, Any]
# Ledger writes look up a tenancy's charges and receipts; index those by tenancy.
_INDEXED: dict[str, tuple[str, ...]] = {"charges": ("tenancyId",), "receipts": ("tenancyId",)}


@dataclass(frozen=True)
class _Row:
    data: Record
    changed_on: datetime
    posted_on: date | None


class Table:
    def __init__(self, spec: CollectionSpec, index: tuple[str, ...] = ()) -> None:
        self.spec = spec
        self._rows: dict[int, _Row] = {}
        self._ids: list[int] = []
        self._index: dict[str, defaultdict[Any, set[int]]] = {f: defaultdict(set) for f in index}
        self._next_id = spec.id_base

    def __len__(self) -> int:
        return len(self._ids)

    def new_id(self) -> int:
        return self._next_id

    def put(self, data: Record) -> int:
        """Insert or replace by the record's id field."""
        record_id: int = data[self.spec.id_field]
        posted = data.get("postedOn")
        row = _Row(data, parse_stamp(data["changedOn"]), parse_us_date(posted) if posted else None)
        previous = self._rows.get(record_id)
        if previous is None:
            if not self._ids or record_id > self._ids[-1]:
                self._ids.append(record_id)
            else:
                insort(self._ids, record_id)
            self._next_id = max(self._next_id, record_id + 1)
        for field, index in self._index.items():
            if previous is not None:
                index[previous.data.get(field)].discard(record_id)
            index[data.get(field)].add(record_id)
        self._rows[record_id] = row
        return record_id

    def get(self, record_id: int) -> Record | None:
        row = self._rows.get(record_id)
        return None if row is None else row.data

    def where(self, field: str, value: Any) -> list[Record]:
        return [self._rows[i].data for i in sorted(self._index[field].get(value, ()))]

    def records(self) -> Iterator[Record]:
        return (self._rows[i].data for i in list(self._ids))

    def page(self, query: ListQuery) -> tuple[list[Record], str | None]:
        start = 0 if query.after_id is None else bisect_right(self._ids, query.after_id)
        found: list[Record] = []
        for position in range(start, len(self._ids)):  # no slice: that would copy the tail
            row = self._rows[self._ids[position]]
            if not query.matches(row.data, row.changed_on, row.posted_on):
                continue
            if len(found) == query.page_size:  # one more match exists: there is a next page
                last: int = found[-1][self.spec.id_field]
                return found, encode_cursor(last)
            found.append(row.data)
        return found, None


class SampleStore(GatedStore):
    def __init__(
        self,
        data: Mapping[str, list[Record]],
        *,
        credentials: SampleCredentials | None = None,
        token_lifetime_s: float = DEFAULT_TOKEN_LIFETIME_S,
        requests_per_second: float | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(requests_per_second)
        self.credentials = credentials
        self.tokens = TokenBook(token_lifetime_s)
        self.now = now
        self.tables = {name: Table(spec, _INDEXED.get(name, ())) for name, spec in COLLECTIONS.items()}
        for name, records in data.items():
            table = self.tables[name]
            for record in records:
                table.put(record)
        allocation_ids = [
            a["allocationId"] for r in self.tables["receipts"].records() for a in r["appliedTo"]
        ]
        self._next_allocation_id = max(allocation_ids, default=ALLOCATION_ID_BASE - 1) + 1

    def table(self, name: str) -> Table:
        table = self.tables.get(name)
        if table is None:
            raise FaultError(
                404, "NOT_FOUND", f"no collection {name!r}; collections: {', '.join(self.tables)}"
            )
        return table

    def admit(
        self, authorization: str | None, *, collection: str | None = None, authenticate: bool = True
    ) -> None:
        """Gatekeeping every /api/v2 request passes, in a real gateway's order: rate limits and
        outages before authentication."""
        outage = self.outage()
        if outage == 429:
            raise FaultError(429, "RATE_LIMITED", "too many requests", headers={"Retry-After": "1"})
        if outage == 503:
            raise FaultError(503, "UNAVAILABLE", "the service is temporarily unavailable")
        if not authenticate:
            return
        require_token(self.tokens, authorization)
        if collection and self.credentials and collection in self.credentials.denied_collections:
            raise FaultError(403, "FORBIDDEN", f"this login may not read {collection}")

    def next_allocation_id(self) -> int:
        with self.lock:
            value = self._next_allocation_id
            self._next_allocation_id += 1
            return value

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {name: len(table) for name, table in self.tables.items()}
