"""The YARDI connector: reads Yardi Voyager's SOAP interfaces (streams in `streams.py`) and
writes charges and receipts (writes in `writes.py`, their rules in `rules.py`).

Resume tokens: `{"task": n}`, the n-th call of the stream's plan (a property, or a property and
a 31-day window, in a stable order). A native record that cannot be mapped is reported in
`Page.skipped`, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from lxml import etree

from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.declared import DeclaredConnector
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.streaming import MALFORMED, map_records
from pmsgate.connectors.throttle import TokenBucket
from pmsgate.connectors.yardi import mapping as m
from pmsgate.connectors.yardi.credentials import YardiCredentials
from pmsgate.connectors.yardi.service import BILLING
from pmsgate.connectors.yardi.soap import YardiSoap
from pmsgate.connectors.yardi.streams import (
    EPOCH,
    MAX_WINDOWS,
    MODELS,
    PARENT_OF,
    STREAMS,
    WHOLE_LEDGER,
    WINDOW_DAYS,
    Row,
    Stream,
)
from pmsgate.connectors.yardi.writes import YardiWrites

Window = tuple[date, date] | None  # None: the whole ledger
# ModifiedSinceDate has no offset and Voyager compares it in its server's time zone (US hosts,
# up to 10 hours behind UTC): asking from a day earlier never misses a change; the upsert
# dedupes what is read twice.
ZONE_SLACK = timedelta(hours=24)
_ID_FIELDS = ("TransactionID", "ResidentCode", "TenantCode", "ChargeID", "UnitCode", "AccountNumber", "Code")


def windows(start: datetime | None, today: date) -> list[Window]:
    """The 31-day windows (inclusive days) from `start` to a window past today; [None] (the
    whole ledger) without a start or when there would be more than MAX_WINDOWS."""
    if start is None:
        return [None]
    first, last = start.astimezone(UTC).date(), today + timedelta(days=WINDOW_DAYS)
    found: list[Window] = []
    while first <= last:
        end = first + timedelta(days=WINDOW_DAYS - 1)
        found.append((first, end))
        first = end + timedelta(days=1)
    return found if len(found) <= MAX_WINDOWS else [None]


def native_id(row: Row) -> str | None:
    node = row[0]
    values = m.fields(node)
    for detail in m.children(node, "Detail"):
        values.update(m.fields(detail))
    return next((values[name] for name in _ID_FIELDS if values.get(name)), None)


class YardiConnector(DeclaredConnector, vendor_name="Yardi", models=MODELS, parent_of=PARENT_OF):
    http: YardiSoap

    def __init__(self, context: ConnectorContext, *, bucket: TokenBucket | None = None) -> None:
        self.vendor = context.vendor
        credentials = YardiCredentials.model_validate(context.credentials)
        self.http = YardiSoap(
            context.base_url,
            credentials,
            bucket=context.bucket_or_shared(bucket),
            retry=context.retry,
            transport=context.transport,
        )
        self._writes = YardiWrites(self.http)

    def check_credentials(self) -> None:
        self.http.call(BILLING, "GetPropertyConfigurations")

    def property_codes(self, wanted: frozenset[str] | None = None) -> list[str]:
        document = self.http.call(BILLING, "GetPropertyConfigurations")
        codes = [m.fields(node).get("Code") or "" for node in m.descendants(document, "Property")]
        return sorted(c for c in codes if c and (wanted is None or c in wanted))

    def data_access(self) -> dict[Model, bool]:
        first = self.property_codes()[:1]
        probes: dict[Model, list[Any]] = {}
        for model, stream in STREAMS.items():
            if stream.by_property and not first:  # no property to ask about: nothing refused
                probes[model] = []
                continue
            params = self._params(stream, first[0] if first else None, (date.today(), date.today()), None)
            probes[model] = [partial(self.http.call, stream.interface, stream.operation, **params)]
        return self.access(probes)

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        stream = self.stream_of(STREAMS, request.model)
        if stream.by_property:
            spans = windows(request.window_start, datetime.now(UTC).date()) if stream.windowed else [None]
            plan = [(code, span) for code in self.property_codes(request.x_property_ids) for span in spans]
        else:
            plan = [("", None)]
        task = int((request.resume_token or {}).get("task", 0))
        if task >= len(plan):
            yield Page(records=[], resume_token=None)
            return
        while task < len(plan):
            code, span = plan[task]
            records, skipped = self._read(stream, code, span, request)
            task += 1
            yield Page(records, None if task >= len(plan) else {"task": task}, skipped)

    def _params(
        self, stream: Stream, code: str | None, span: Window, request: ReadRequest | None
    ) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if code and stream.by_property:
            params["YardiPropertyId"] = code
        if stream.incremental:
            since = request.modified_since if request is not None else None
            params["ModifiedSinceDate"] = (
                (since.astimezone(UTC) - ZONE_SLACK).replace(tzinfo=None)
                if since
                else datetime.fromisoformat(EPOCH)
            )
        if stream.windowed and span is not None:
            params["FromDate"] = datetime.combine(span[0], datetime.min.time())
            params["ToDate"] = datetime.combine(span[1], datetime.min.time())
        if stream.lease_charges:
            params["PostMonth"] = datetime.combine(
                datetime.now(UTC).date().replace(day=1), datetime.min.time()
            )
        return params

    def _read(
        self, stream: Stream, code: str | None, span: Window, request: ReadRequest
    ) -> tuple[list[Any], list[dict[str, Any]]]:
        operation = stream.operation
        if stream.windowed and span is None:
            operation = WHOLE_LEDGER
        document = self.http.call(stream.interface, operation, **self._params(stream, code, span, request))
        rows = stream.rows(document) if isinstance(document, etree._Element) else []
        start = (
            request.window_start.astimezone(UTC).date() if stream.windowed and request.window_start else None
        )

        def mapper(row: Row) -> list[Any]:
            found = stream.mapper(row[0], row[1], code or "")
            if start is None:
                return found
            return [r for r in found if _dated_from(r, start)]

        return map_records(
            request.model,
            rows,
            mapper,
            x_id=native_id,
            objects_only=False,
            malformed=(*MALFORMED, ArithmeticError),
        )


def _dated_from(record: Any, start: date) -> bool:
    """Whether a ledger record is dated on or after `start` (the whole-ledger read's filter)."""
    moment = getattr(record, "transaction_date", None)
    return moment is None or moment.date() >= start
