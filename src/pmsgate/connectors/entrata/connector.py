"""The ENTRATA connector: reads Entrata's JSON-RPC API service by service and writes lease AR
transactions and scheduled charges (writes in `writes.py`, their rules in `rules.py`).

Resume tokens: property-scoped streams `{"property": i, "page": n}` (the i-th property in id
order, and the page within it); client-wide streams finish in one page; payments
`{"from": "YYYY-MM-DD"}` (the next date window). A native record that cannot be mapped is
reported in `Page.skipped`, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.declared import DeclaredConnector
from pmsgate.connectors.entrata.client import EntrataClient, error_message
from pmsgate.connectors.entrata.credentials import EntrataCredentials
from pmsgate.connectors.entrata.fields import MOUNTAIN, items, mountain_day
from pmsgate.connectors.entrata.ledger import Tenancy, map_payment
from pmsgate.connectors.entrata.mapping import customer_id, customer_lease
from pmsgate.connectors.entrata.streams import (
    GET_CUSTOMERS,
    GET_PAYMENTS,
    GET_PROPERTIES,
    MAX_PER_PAGE,
    MODELS,
    PARENT_OF,
    STREAMS,
    Stream,
)
from pmsgate.connectors.entrata.writes import EntrataWrites
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.streaming import MALFORMED, map_records, numeric_ids
from pmsgate.connectors.throttle import TokenBucket

PAYMENT_WINDOW_DAYS = 92  # getArPayments has no paging: a quarter of the client's payments per call
DEFAULT_PAYMENT_LOOKBACK_DAYS = 730


class EntrataConnector(DeclaredConnector, vendor_name="Entrata", models=MODELS, parent_of=PARENT_OF):
    def __init__(self, context: ConnectorContext, *, bucket: TokenBucket | None = None) -> None:
        self.vendor = context.vendor
        credentials = EntrataCredentials.model_validate(context.credentials)
        bucket = context.bucket_or_shared(bucket)
        self.http = context.vendor_http(credentials, bucket=bucket, error_message=error_message)
        self.client = EntrataClient(self.http, credentials.auth_block(), bucket)
        self._writes = EntrataWrites(self.client)

    def check_credentials(self) -> None:
        self.client.call(GET_PROPERTIES, {"propertyLookupCode": "pmsgate-check"})

    def property_ids(self, wanted: frozenset[str] | None = None) -> list[str]:
        if wanted is not None:
            return numeric_ids(wanted)
        result = self.client.call(GET_PROPERTIES, {"showAllStatus": 1})
        found = {str(p.get("PropertyID")) for p in items(result.get("PhysicalProperty"), "Property")}
        return numeric_ids(found)

    def data_access(self) -> dict[Model, bool]:
        first = self.property_ids()[:1]

        def probe(stream: Stream) -> object:
            params = dict(stream.params)
            if stream.by_property:
                if not first:
                    return None  # nothing to read, nothing refused
                params[stream.property_param] = _property_value(stream, first[0])
            page = 1 if stream.paged else None
            return self.client.call(stream.rpc, params, page=page, per_page=1 if page else None)

        probes: dict[Model, list[Any]] = {model: [partial(probe, s)] for model, s in STREAMS.items()}
        probes[Model.RESIDENT_PAYMENTS] = [
            partial(self.client.call, GET_PAYMENTS, _payment_params(date.today(), date.today()))
        ]
        return self.access(probes)

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        if request.model is Model.RESIDENT_PAYMENTS:  # not a declared stream: read by date windows
            yield from self._payments(request)
        else:
            yield from self._stream(self.stream_of(STREAMS, request.model), request)

    def _stream(self, stream: Stream, request: ReadRequest) -> Iterator[Page]:
        if not stream.by_property:
            result = self.client.call(stream.rpc, dict(stream.params))
            yield self._page(stream, stream.rows(result, None), None)
            return
        token = request.resume_token or {}
        position, page = int(token.get("property", 0)), int(token.get("page", 1))
        properties = self.property_ids(request.x_property_ids)
        per_page = max(1, min(MAX_PER_PAGE, request.page_size))
        params = dict(stream.params)
        if stream.model is Model.RESIDENT_CHARGES and request.window_start is not None:
            params["transactionFromDate"] = mountain_day(request.window_start)
        while position < len(properties):
            property_id = properties[position]
            call = {**params, stream.property_param: _property_value(stream, property_id)}
            if stream.paged:
                result = self.client.call(stream.rpc, call, page=page, per_page=per_page)
                full = len(items(result.get("leases"), "lease")) >= per_page
            else:
                result, full = self.client.call(stream.rpc, call), False
            position, page = (position, page + 1) if full else (position + 1, 1)
            done = position >= len(properties)
            yield self._page(
                stream,
                stream.rows(result, property_id),
                None if done else {"property": position, "page": page},
            )
        if not properties:
            yield Page(records=[], resume_token=None)

    @staticmethod
    def _page(stream: Stream, rows: list[Any], token: dict[str, Any] | None) -> Page:
        records, skipped = map_records(
            stream.model,
            rows,
            lambda row: stream.mapper(row[0], row[1]),
            x_id=stream.x_id,
            objects_only=False,
            malformed=(*MALFORMED, ArithmeticError),
        )
        return Page(records=records, resume_token=token, skipped=skipped)

    def _tenancies(self, request: ReadRequest) -> dict[str, Tenancy]:
        """customer id -> its property and lease, for the properties asked for."""
        found: dict[str, Tenancy] = {}
        for property_id in self.property_ids(request.x_property_ids):
            result = self.client.call(GET_CUSTOMERS, {"propertyId": int(property_id)})
            for customer in items(result.get("Customers"), "Customer"):
                try:
                    found[customer_id(customer)] = Tenancy(property_id, customer_lease(customer))
                except (ValueError, AttributeError):
                    continue  # the residents stream reports it
        return found

    def _payments(self, request: ReadRequest) -> Iterator[Page]:
        today = datetime.now(MOUNTAIN).date()
        token = request.resume_token or {}
        if "from" in token:
            start = date.fromisoformat(str(token["from"]))
        elif request.window_start is not None:
            start = request.window_start.astimezone(MOUNTAIN).date()
        else:
            start = today - timedelta(days=DEFAULT_PAYMENT_LOOKBACK_DAYS)
        tenancies = self._tenancies(request)
        while True:
            end = min(today, start + timedelta(days=PAYMENT_WINDOW_DAYS - 1))
            result = self.client.call(GET_PAYMENTS, _payment_params(start, end))
            rows = items(result.get("ArPayments"), "ArPayment")
            records, skipped = map_records(
                Model.RESIDENT_PAYMENTS,
                rows,
                lambda raw: map_payment(raw, tenancies.get(str(raw.get("CustomerId")))),
                x_id="ArPaymentId",
                malformed=(*MALFORMED, ArithmeticError),
            )
            start = end + timedelta(days=1)
            done = start > today
            yield Page(records, None if done else {"from": start.isoformat()}, skipped)
            if done:
                return


def _property_value(stream: Stream, property_id: str) -> Any:
    # getPropertyUnits takes a comma-separated text list; the others one integer.
    return property_id if stream.property_param == "propertyIds" else int(property_id)


def _payment_params(start: date, end: date) -> dict[str, Any]:
    return {
        "fromDate": start.strftime("%m/%d/%Y"),
        "toDate": end.strftime("%m/%d/%Y"),
        "isIncludeAllocations": 1,
    }


__all__ = ["EntrataConnector"]
