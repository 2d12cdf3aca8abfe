"""The BUILDIUM connector: reads Buildium's Open API v1 and writes lease transactions
(writes in `writes.py`, their rules in `rules.py`).

Resume tokens: list streams `{"window": w, "offset": n}`; ledger streams `{"lease": i, "window": w,
"offset": n}` (the i-th lease in Id order, the w-th date window, the offset in it); recurring as
lists. Buildium refuses date ranges longer than 365 days: `lastupdatedfrom` reads reaching further
back go window by window (`windows.py`); a ledger read whose window starts further back (a
back-sync) reads each lease's whole ledger without a date filter, one request per lease (a page per
1000 transactions), and drops what is older. A native record that cannot be mapped is reported in
`Page.skipped`, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date
from functools import partial
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.buildium.client import MAX_LIMIT, BuildiumClient, error_message
from pmsgate.connectors.buildium.credentials import BuildiumCredentials
from pmsgate.connectors.buildium.ledger import LeaseKey, lease_key, map_recurring, map_transaction
from pmsgate.connectors.buildium.streams import (
    LEASES_PATH,
    LEDGER_STREAMS,
    LIST_STREAMS,
    MODELS,
    ORDER,
    PARENT_OF,
    RECURRING_PATH,
    LedgerStream,
)
from pmsgate.connectors.buildium.windows import MAX_SPAN, instant_windows, stamp
from pmsgate.connectors.buildium.writes import BuildiumWrites
from pmsgate.connectors.declared import DeclaredConnector
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.streaming import MALFORMED, map_records, mapped_page
from pmsgate.connectors.throttle import TokenBucket
from pmsgate.kit.timeutil import utcnow

# A malformed amount can surface as decimal's InvalidOperation (an ArithmeticError).
MAPPING_ERRORS = (*MALFORMED, ArithmeticError)

Mapper = Callable[[dict[str, Any]], Sequence[CanonicalRecord]]


class BuildiumConnector(DeclaredConnector, vendor_name="Buildium", models=MODELS, parent_of=PARENT_OF):
    def __init__(self, context: ConnectorContext, *, bucket: TokenBucket | None = None) -> None:
        self.vendor = context.vendor
        credentials = BuildiumCredentials.model_validate(context.credentials)
        self.http = context.vendor_http(credentials, bucket=bucket, error_message=error_message)
        self.client = BuildiumClient(self.http)
        self._writes = BuildiumWrites(self.client)

    def check_credentials(self) -> None:
        self.client.page("/v1/glaccounts", {}, 0, 1)

    def data_access(self) -> dict[Model, bool]:
        probes = {
            **{model: stream.path for model, stream in LIST_STREAMS.items()},
            **dict.fromkeys(LEDGER_STREAMS, LEASES_PATH),
            Model.RECURRING_RESIDENT_CHARGES: RECURRING_PATH,
        }
        return self.access(
            {model: [partial(self.client.page, path, {}, 0, 1)] for model, path in probes.items()}
        )

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        if request.model in LIST_STREAMS:
            stream = LIST_STREAMS[request.model]
            params = _filters(request, by_property=stream.by_property)
            yield from self._paged(
                stream.path, params, request, stream.mapper, incremental=stream.incremental
            )
        elif request.model in LEDGER_STREAMS:
            yield from self._ledger(LEDGER_STREAMS[request.model], request)
        elif request.model is Model.RECURRING_RESIDENT_CHARGES:
            yield from self._recurring(request)
        else:
            raise self.no_stream(request.model)

    def _paged(
        self, path: str, params: dict[str, Any], request: ReadRequest, mapper: Mapper, *, incremental: bool
    ) -> Iterator[Page]:
        token = request.resume_token or {}
        window, offset = int(token.get("window", 0)), int(token.get("offset", 0))
        ranges = _updated_windows(request) if incremental else [{}]
        limit = min(MAX_LIMIT, request.page_size)
        while window < len(ranges):
            data, total = self.client.page(path, {**params, **ranges[window]}, offset, limit)
            offset += len(data)
            if not data or offset >= total:
                window, offset = window + 1, 0
            done = window >= len(ranges)
            # These mappers read the row alone: a complete read may leave a known page unmapped.
            yield mapped_page(
                request,
                request.model,
                data,
                mapper,
                x_id="Id",
                resume_token=None if done else {"window": window, "offset": offset},
                malformed=MAPPING_ERRORS,
            )

    def _leases(self, request: ReadRequest) -> list[LeaseKey]:
        params: dict[str, Any] = {"orderby": ORDER}
        if request.x_property_ids is not None:
            params["propertyids"] = sorted(request.x_property_ids)
        return [lease_key(raw) for raw in self.client.every(LEASES_PATH, params) if isinstance(raw, dict)]

    def _ledger(self, stream: LedgerStream, request: ReadRequest) -> Iterator[Page]:
        token = request.resume_token or {}
        position, window = int(token.get("lease", 0)), int(token.get("window", 0))
        offset = int(token.get("offset", 0))
        leases = [] if request.x_property_ids == frozenset() else self._leases(request)
        params: dict[str, Any] = {
            "transactiontypes": list(stream.transaction_types),
            "orderby": "Date asc,Id asc",
        }
        ranges, floor = _transaction_windows(request), _ledger_floor(request)
        limit = min(MAX_LIMIT, request.page_size)
        while position < len(leases):
            lease = leases[position]
            path = f"/v1/leases/{lease.lease_id}/transactions"
            data, total = self.client.page(path, {**params, **ranges[window]}, offset, limit)
            offset += len(data)
            kept = [raw for raw in data if not _older_than(raw, floor)]
            records, skipped = map_page(stream.model, kept, _transactions_of(lease))
            if not data or offset >= total:
                window, offset = window + 1, 0
                if window >= len(ranges):
                    position, window = position + 1, 0
            last = position >= len(leases)
            yield Page(
                records, None if last else {"lease": position, "window": window, "offset": offset}, skipped
            )
        if not leases:
            yield Page(records=[], resume_token=None)

    def _recurring(self, request: ReadRequest) -> Iterator[Page]:
        leases = {lease.lease_id: lease for lease in self._leases(request)}
        params = _filters(request, by_property=False)

        def mapper(raw: dict[str, Any]) -> Sequence[CanonicalRecord]:
            lease = leases.get(str(raw.get("LeaseId")))
            if lease is None:  # a lease of a property not asked for (or deleted since)
                return []
            return map_recurring(raw, lease)

        yield from self._paged(
            RECURRING_PATH, {**params, "orderby": ORDER}, request, mapper, incremental=True
        )


def _transactions_of(lease: LeaseKey) -> Mapper:
    return lambda raw: map_transaction(raw, lease)


def _filters(request: ReadRequest, *, by_property: bool) -> dict[str, Any]:
    params: dict[str, Any] = {"orderby": ORDER}
    if by_property and request.x_property_ids is not None:
        params["propertyids"] = sorted(request.x_property_ids)
    return params


def _updated_windows(request: ReadRequest) -> list[dict[str, Any]]:
    """The lastupdatedfrom(/lastupdatedto) filters an incremental read walks (one empty one when
    the read is not incremental)."""
    if request.modified_since is None:
        return [{}]
    found = []
    for start, end in instant_windows(request.modified_since, utcnow()):
        bounds = {"lastupdatedfrom": stamp(start)}
        if end is not None:
            bounds["lastupdatedto"] = stamp(end)
        found.append(bounds)
    return found


def _transaction_windows(request: ReadRequest) -> list[dict[str, Any]]:
    """The transactiondatefrom filter of a ledger read: one open window from the run's window
    start when it lies within Buildium's 365 days, else none at all (see `_ledger_floor`)."""
    floor = _ledger_floor(request)
    if floor is None or utcnow().date() - floor > MAX_SPAN:
        return [{}]
    return [{"transactiondatefrom": floor.isoformat()}]


def _ledger_floor(request: ReadRequest) -> date | None:
    """The earliest transaction date a ledger read keeps, None = every transaction.

    A window start more than 365 days back (a back-sync reaches 50 years) would take one request
    per 365-day window per lease, ~50 per lease; a lease's whole ledger is one request (or a few
    pages) without any date filter, which Buildium allows (the 365-day rule binds only a range).
    So such a read asks for the whole ledger and drops what is dated before the window start."""
    if request.window_start is None:
        return None
    return request.window_start.astimezone(UTC).date()


def _older_than(raw: Any, floor: date | None) -> bool:
    """Whether a transaction is dated before `floor` (a row without a readable date is kept, so
    the mapper reports it)."""
    if floor is None or not isinstance(raw, dict) or not isinstance(raw.get("Date"), str):
        return False
    try:
        return date.fromisoformat(raw["Date"][:10]) < floor
    except ValueError:
        return False


def map_page(
    model: Model, data: list[Any], mapper: Mapper
) -> tuple[list[CanonicalRecord], list[dict[str, Any]]]:
    return map_records(model, data, mapper, x_id="Id", malformed=MAPPING_ERRORS)
