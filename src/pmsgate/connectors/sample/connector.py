"""The SAMPLE connector: reads and writes SamplePMS v2 (the built-in emulator, or any server
speaking it). Writes are in `connectors.sample.writes`, their rules in `connectors.sample.rules`.

Paging follows the API's opaque cursor; the resume token is `{"cursor": <next>}`, so a stream
resumed from a committed page's token continues exactly after it. Incremental reads pass
`changedSince` (inclusive) and, for ledger streams, `postedFrom` (see `connectors.base`).
A native record that cannot be mapped is reported in `Page.skipped`, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from functools import partial
from typing import Any

from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.declared import DeclaredConnector
from pmsgate.connectors.errors import PermanentError
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.sample.credentials import CREDENTIALS_BY_VENDOR
from pmsgate.connectors.sample.session import TokenSession, fault_message, page_parts
from pmsgate.connectors.sample.streams import MAX_PAGE_SIZE, MODELS, PARENT_OF, STREAMS, Stream
from pmsgate.connectors.sample.writes import SampleWrites
from pmsgate.connectors.streaming import mapped_page, numeric_ids
from pmsgate.connectors.throttle import TokenBucket
from pmsgate.kit.timeutil import iso


class SampleConnector(DeclaredConnector, vendor_name="SamplePMS", models=MODELS, parent_of=PARENT_OF):
    def __init__(self, context: ConnectorContext, *, bucket: TokenBucket | None = None) -> None:
        self.vendor = context.vendor
        credentials = CREDENTIALS_BY_VENDOR[context.vendor].model_validate(context.credentials)
        if not context.base_url:
            raise PermanentError("SamplePMS needs a base URL (the integration's baseUrl)")
        self.http = context.vendor_http(credentials, bucket=bucket, error_message=fault_message)
        self.session = TokenSession(self.http, credentials.login_body())
        self._writes = SampleWrites(self.session, context.vendor)

    def check_credentials(self) -> None:
        self.session.login()

    def data_access(self) -> dict[Model, bool]:
        return self.access(
            {
                model: [partial(self.session.get, stream.path, {"pageSize": 1})]
                for model, stream in STREAMS.items()
            }
        )

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        stream = self.stream_of(STREAMS, request.model)
        params = self._params(stream, request)
        if params is None:  # only properties this PMS cannot have: nothing to read
            yield Page(records=[], resume_token=None)
            return
        cursor = (request.resume_token or {}).get("cursor")
        while True:
            body = self.session.get(stream.path, {**params, "cursor": cursor} if cursor else params)
            data, cursor = page_parts(body)
            token = {"cursor": cursor} if cursor else None
            yield mapped_page(
                request, stream.model, data, stream.mapper, x_id=stream.id_field, resume_token=token
            )
            if not cursor:
                return

    @staticmethod
    def _params(stream: Stream, request: ReadRequest) -> dict[str, Any] | None:
        params: dict[str, Any] = {"pageSize": max(1, min(MAX_PAGE_SIZE, request.page_size))}
        if request.modified_since is not None:
            params[stream.changed_param] = iso(request.modified_since)
        if stream.window_param and request.window_start is not None:
            day = request.window_start.astimezone(UTC).date()
            params[stream.window_param] = f"{day.month:02d}/{day.day:02d}/{day.year:04d}"
        if request.x_property_ids is not None:
            site_ids = numeric_ids(request.x_property_ids)
            if not site_ids:
                return None
            params[stream.property_param] = ",".join(site_ids)
        return params
