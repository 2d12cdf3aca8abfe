"""The Rentvine connector: reads and writes Rentvine's manager API (or the emulator).

Auth is HTTP Basic with the API key and secret on every request (no session). Paging is by page
number; the resume token is `{"page": <next>}`, so a stream resumed from a committed page's
token continues exactly after it. Incremental reads pass `dateTimeModifiedMin` where Rentvine
has it and `datePostedMin` on ledger streams (see `connectors.base`); the other streams read
everything (the upsert makes that harmless). A native row that cannot be mapped is reported in
`Page.skipped`, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, tzinfo
from functools import partial
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.declared import DeclaredConnector
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.rentvine import mapping_ledger as ml
from pmsgate.connectors.rentvine.client import RentvineClient, error_message
from pmsgate.connectors.rentvine.credentials import RentvineCredentials
from pmsgate.connectors.rentvine.fields import entity, local_stamp
from pmsgate.connectors.rentvine.streams import MAX_PAGE_SIZE, MODELS, PARENT_OF, STREAMS, FanOut, Stream
from pmsgate.connectors.rentvine.writes import RentvineWrites
from pmsgate.connectors.streaming import map_records, numeric_ids
from pmsgate.connectors.throttle import TokenBucket
from pmsgate.kit.timeutil import utcnow

# Leases whose recurring charges are read at the same time (each request still waits for its
# token of the integration's budget, 5/s by default).
LEASE_FETCHES = 4

Mapper = Callable[[Any], Sequence[CanonicalRecord]]


class RentvineConnector(DeclaredConnector, vendor_name="Rentvine", models=MODELS, parent_of=PARENT_OF):
    def __init__(self, context: ConnectorContext, *, bucket: TokenBucket | None = None) -> None:
        self.vendor = context.vendor
        credentials = RentvineCredentials.model_validate(context.credentials)
        self.http = context.vendor_http(credentials, bucket=bucket, error_message=error_message)
        self.client = RentvineClient(self.http)
        self.tz = credentials.tz  # the company's clock: Rentvine's timestamps carry no offset
        self._writes = RentvineWrites(self.client)

    def check_credentials(self) -> None:
        self.client.rows("/properties/export", {"page": 1, "pageSize": 1})

    def data_access(self) -> dict[Model, bool]:
        """A one-row probe of each endpoint; 403 is what a role without that permission gets."""
        probes = {model: [stream.path] for model, stream in STREAMS.items()}

        def probe(paths: list[str]) -> None:  # stops at the first endpoint refused
            for path in paths:
                self.client.rows(path, {"page": 1, "pageSize": 1})

        return self.access({model: [partial(probe, paths)] for model, paths in probes.items()})

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        stream = self.stream_of(STREAMS, request.model)
        params = _params(stream, request, self.tz)
        if params is None:  # only properties this PMS cannot have: nothing to read
            yield Page(records=[], resume_token=None)
            return
        size = params["pageSize"]
        page = int((request.resume_token or {}).get("page", 1))
        while True:
            rows = self.client.rows(stream.path, {**params, "page": page})
            if stream.fan_out is FanOut.RECURRING_PER_LEASE:
                records, skipped = self._recurring_page(rows)
            else:
                assert stream.mapper is not None
                mapper = partial(stream.mapper, tz=self.tz) if stream.zoned else stream.mapper
                records, skipped = _map_rows(stream, mapper, rows)
            more = len(rows) >= size
            yield Page(records=records, resume_token={"page": page + 1} if more else None, skipped=skipped)
            if not more:
                return
            page += 1

    def _recurring_page(self, rows: list[Any]) -> tuple[list[CanonicalRecord], list[dict[str, Any]]]:
        """Recurring charges live under each lease: the page's leases are read concurrently
        (LEASE_FETCHES at a time; every request still takes its token from the integration's
        budget, so the vendor's rate limit holds) and mapped in the leases' order."""
        stream = STREAMS[Model.RECURRING_RESIDENT_CHARGES]
        today = utcnow().date()
        leases: list[tuple[str, str]] = []
        for row in rows:
            try:
                lease = entity(row, "lease")
                leases.append((str(lease["leaseID"]), str(lease["propertyID"])))
            except (ValueError, KeyError):
                continue  # the lease stream reports malformed leases

        def charges_of(lease_id: str) -> list[Any]:
            return self.client.all_rows(f"/leases/{lease_id}/recurring-charges", {}, MAX_PAGE_SIZE)

        records: list[CanonicalRecord] = []
        skipped: list[dict[str, Any]] = []
        with ThreadPoolExecutor(max_workers=LEASE_FETCHES, thread_name_prefix="rentvine-lease") as pool:
            fetched = pool.map(charges_of, [lease_id for lease_id, _ in leases])
            for (_, property_id), charges in zip(leases, fetched, strict=True):
                mapped, bad = _map_rows(stream, _recurring_mapper(property_id, today), charges)
                records.extend(mapped)
                skipped.extend(bad)
        return records, skipped


def _recurring_mapper(property_id: str, today: date) -> Mapper:
    return lambda row: [ml.map_recurring(row, property_id, today)]


def _params(stream: Stream, request: ReadRequest, tz: tzinfo) -> dict[str, Any] | None:
    """A list's query; times and days are the company's (`tz`), as Rentvine stores them."""
    params: dict[str, Any] = {"pageSize": max(1, min(MAX_PAGE_SIZE, request.page_size))}
    if stream.modified and request.modified_since is not None:
        params["dateTimeModifiedMin"] = local_stamp(request.modified_since, tz)
    if stream.window_param and request.window_start is not None:
        params[stream.window_param] = request.window_start.astimezone(tz).date().isoformat()
    if stream.type_ids:
        params["transactionTypeIDs[]"] = [str(t) for t in stream.type_ids]
    if request.x_property_ids is not None and stream.by_property:
        ids = numeric_ids(request.x_property_ids)
        if not ids:
            return None
        params["propertyIDs[]"] = ids
    return params


def _map_rows(
    stream: Stream, mapper: Mapper, rows: list[Any]
) -> tuple[list[CanonicalRecord], list[dict[str, Any]]]:
    def x_id(row: Any) -> Any:  # rows wrap the record: {"lease": {"leaseID": …}, …}
        inner = row.get(stream.entity) if isinstance(row, dict) else None
        return inner.get(stream.id_field) if isinstance(inner, dict) else None

    return map_records(stream.model, rows, mapper, x_id=x_id, objects_only=False)
