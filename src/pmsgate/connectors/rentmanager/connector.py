"""The Rent Manager 12 connector: reads and writes RM's Web API (or its emulator).

Paging is by page number; the resume token `{"part": i, "page": n}` names the resource of the
stream (charges read `Charges`, then `Credits`) and the next page, so a stream resumed from a
committed page's token continues after it. Incremental reads filter `UpdateDate,ge,<local>`
(inclusive; RM's times are the company's local wall clock) and ledger reads add
`TransactionDate,ge,<day>` (see `connectors.base`). A record that cannot be mapped is reported
in `Page.skipped`, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Any

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.declared import DeclaredConnector
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.rentmanager.credentials import RentManagerCredentials
from pmsgate.connectors.rentmanager.mapping import Places
from pmsgate.connectors.rentmanager.paging import fetch_page
from pmsgate.connectors.rentmanager.places import load_places
from pmsgate.connectors.rentmanager.session import RMSession, error_message
from pmsgate.connectors.rentmanager.streams import MAX_PAGE_SIZE, MODELS, PARENT_OF, STREAMS, Part, Stream
from pmsgate.connectors.rentmanager.writes import RMWrites
from pmsgate.connectors.streaming import Probe, map_records, numeric_ids
from pmsgate.connectors.throttle import TokenBucket


class RentManagerConnector(DeclaredConnector, vendor_name="Rent Manager", models=MODELS, parent_of=PARENT_OF):
    def __init__(self, context: ConnectorContext, *, bucket: TokenBucket | None = None) -> None:
        self.vendor = context.vendor
        self.credentials = RentManagerCredentials.model_validate(context.credentials)
        self.http = context.vendor_http(
            self.credentials,
            bucket=bucket,
            error_message=error_message,
            base_url=self.credentials.base_url,  # baseUrl wins, as in resolve_base_url
        )
        self.session = RMSession(self.http, self.credentials.login_body())
        self._places = Places(tz=self.credentials.tz, today=datetime.now(self.credentials.tz).date())
        self._writes = RMWrites(self.session, lambda: self.places(tenants=True))

    def places(self, *, tenants: bool) -> Places:
        load_places(self.session, self._places, tenants=tenants)
        return self._places

    def check_credentials(self) -> None:
        self.session.login()

    def data_access(self) -> dict[Model, bool]:
        def probes(stream: Stream) -> list[Probe]:
            page = {"pagesize": 1, "pagenumber": 1}
            return [partial(self.session.get, f"/{part.resource}", dict(page)) for part in stream.parts]

        return self.access({model: probes(stream) for model, stream in STREAMS.items()})

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        stream = self.stream_of(STREAMS, request.model)
        wanted = request.x_property_ids
        if wanted is not None and not any(x.isdigit() for x in wanted):
            yield Page(records=[], resume_token=None)  # only properties RM cannot have
            return
        places = (
            self.places(tenants=stream.needs_tenants)
            if stream.model is not Model.PROPERTIES
            else self._places
        )
        token = request.resume_token or {}
        size = max(1, min(MAX_PAGE_SIZE, request.page_size))
        for index in range(int(token.get("part", 0)), len(stream.parts)):
            part = stream.parts[index]
            params = self._params(part, request)
            number = int(token.get("page", 1)) if index == int(token.get("part", 0)) else 1
            while True:
                rows, more = fetch_page(self.session, f"/{part.resource}", params, number, size)
                records, skipped = _map_page(stream, part, rows, places)
                if wanted is not None and part.property_field is None and not part.company_wide:
                    records = [r for r in records if getattr(r, "x_property_id", None) in wanted]
                last = not more and index == len(stream.parts) - 1
                next_token = (
                    None
                    if last
                    else {"part": index, "page": number + 1}
                    if more
                    else {"part": index + 1, "page": 1}
                )
                yield Page(records=records, resume_token=next_token, skipped=skipped)
                if not more:
                    break
                number += 1

    def _params(self, part: Part, request: ReadRequest) -> dict[str, Any]:
        filters = list(part.fixed_filters)
        tz = self.credentials.tz
        if request.modified_since is not None:
            local = request.modified_since.astimezone(tz).replace(tzinfo=None, microsecond=0)
            filters.append(f"UpdateDate,ge,{local.isoformat()}")
        if part.window_field and request.window_start is not None:
            day = request.window_start.astimezone(tz).date()
            filters.append(f"{part.window_field},ge,{day.isoformat()}T00:00:00")
        if part.property_field and request.x_property_ids is not None:
            ids = numeric_ids(request.x_property_ids)
            filters.append(f"{part.property_field},in,({','.join(ids)})")
        params: dict[str, Any] = {}
        if filters:
            params["filters"] = ";".join(filters)
        if part.embeds:
            params["embeds"] = ",".join(part.embeds)
        return params


def _map_page(
    stream: Stream, part: Part, rows: list[Any], places: Places
) -> tuple[list[CanonicalRecord], list[dict[str, Any]]]:
    return map_records(stream.model, rows, lambda raw: part.mapper(raw, places), x_id=part.id_field)
