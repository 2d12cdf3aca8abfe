"""The RESMAN connector: reads ResMan's classic API property by property and posts ledger
transactions through `MITS/PostResidentTransactions2_0` (writes in `writes.py`, their rules in
`rules.py`). See `streams.py` for what is read how, `client.py` for the wire and its errors.

A native record that cannot be mapped is reported in `Page.skipped`, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from pmsgate.canonical.records import NO_PROPERTY, CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.declared import DeclaredConnector
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.resman import mits
from pmsgate.connectors.resman.client import ResManClient, ResManHttp
from pmsgate.connectors.resman.credentials import ResManCredentials
from pmsgate.connectors.resman.streams import (
    MODELS,
    PARENT_OF,
    PROPERTIES_KEY,
    PROPERTIES_METHOD,
    STREAMS,
    Stream,
)
from pmsgate.connectors.resman.writes import ResManWrites
from pmsgate.connectors.streaming import MALFORMED, Skipped, map_records
from pmsgate.connectors.throttle import TokenBucket
from pmsgate.kit.timeutil import utcnow


class ResManConnector(DeclaredConnector, vendor_name="ResMan", models=MODELS, parent_of=PARENT_OF):
    def __init__(self, context: ConnectorContext, *, bucket: TokenBucket | None = None) -> None:
        self.vendor = context.vendor
        credentials = ResManCredentials.model_validate(context.credentials)
        self.http = ResManHttp(
            context.base_url,
            bucket=context.bucket_or_shared(bucket),
            retry=context.retry,
            secrets=credentials.secrets(),
            transport=context.transport,
        )
        self.client = ResManClient(self.http, credentials.form())
        self._writes = ResManWrites(self.client)

    def check_credentials(self) -> None:
        self.client.call(PROPERTIES_METHOD)

    def property_ids(self, wanted: frozenset[str] | None = None) -> list[str]:
        """The account's PropertyIDs in order (those of `wanted` only, when given)."""
        rows = self.client.rows(PROPERTIES_METHOD, PROPERTIES_KEY)
        found = sorted(
            {str(row["PropertyID"]) for row in rows if isinstance(row, dict) and row.get("PropertyID")}
        )
        return found if wanted is None else [p for p in found if p in wanted]

    def data_access(self) -> dict[Model, bool]:
        first: list[str] = []

        def probe(stream: Stream) -> None:
            if not stream.per_property:
                self.client.call(stream.method)
                return
            if not first:
                first.extend(self.property_ids()[:1] or [""])
            self._rows(stream, first[0], ReadRequest(model=stream.model))

        return self.access({model: [partial(probe, stream)] for model, stream in STREAMS.items()})

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        stream = self.stream_of(STREAMS, request.model)
        if not stream.per_property:
            records, skipped = self._map(stream, self._rows(stream, None, request), NO_PROPERTY)
            yield from _pages(records, skipped, request.page_size, here={"property": 0}, after=None)
            return
        properties = (
            [] if request.x_property_ids == frozenset() else self.property_ids(request.x_property_ids)
        )
        start = int((request.resume_token or {}).get("property", 0))
        seen: set[str] = set()
        for index in range(start, len(properties)):
            property_id = properties[index]
            records, skipped = self._map(stream, self._rows(stream, property_id, request), property_id)
            if stream.account_wide:
                records = [rec for rec in records if rec.x_id not in seen]
                seen.update(rec.x_id for rec in records)
            after = None if index + 1 >= len(properties) else {"property": index + 1}
            yield from _pages(records, skipped, request.page_size, here={"property": index}, after=after)
        if start >= len(properties):
            yield Page(records=[], resume_token=None)

    def _rows(self, stream: Stream, property_id: str | None, request: ReadRequest) -> list[Any]:
        params: dict[str, Any] = dict(stream.params(request, utcnow().date()))
        if property_id is not None:
            params["PropertyID"] = property_id
        if not stream.mits:
            rows = self.client.rows(stream.method, stream.key, params)
        else:
            text = self.client.document(stream.method, stream.key, params)
            rows = [] if text is None else [t for t in mits.transactions(text) if t["Kind"] in stream.kinds]
        if stream.grouped_by is not None:
            groups: dict[str, list[Any]] = {}
            for row in rows:
                key = row.get(stream.grouped_by) if isinstance(row, dict) else None
                if key not in (None, ""):
                    groups.setdefault(str(key), []).append(row)
            return [{"rows": group, stream.grouped_by: key} for key, group in groups.items()]
        return rows

    @staticmethod
    def _map(
        stream: Stream, rows: list[Any], property_id: str
    ) -> tuple[list[CanonicalRecord], list[Skipped]]:
        # A malformed amount can surface as decimal's InvalidOperation (an ArithmeticError).
        return map_records(
            stream.model,
            rows,
            lambda raw: stream.mapper(raw, property_id),
            x_id=stream.x_id,
            malformed=(*MALFORMED, ArithmeticError),
        )


def _pages(
    records: list[CanonicalRecord],
    skipped: list[Skipped],
    size: int,
    *,
    here: dict[str, Any],
    after: dict[str, Any] | None,
) -> Iterator[Page]:
    """One property's records in pages of `size`: pages before the last resume at this property
    (`here`), the last one after it (`after`)."""
    size = max(1, size)
    chunks = [records[i : i + size] for i in range(0, len(records), size)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        last = number == len(chunks)
        yield Page(records=chunk, resume_token=after if last else here, skipped=skipped if last else [])
