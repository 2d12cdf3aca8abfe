"""The PROPERTYWARE_REST connector: reads and writes Propertyware's REST "Open API".

Paging is `limit`/`offset` sorted by id; the resume token is `{"source": i, "offset": n}` (the
endpoint of the stream and the position in it), so a stream resumed from a committed page's
token continues exactly after it. `X-Total-Count` is not used to stop: it has been seen wrong on
last pages, so a page shorter than the limit ends an endpoint. Incremental reads pass
`lastModifiedDateTimeStart` (inclusive) and, for ledger streams, `postDateStart` (see
`connectors.base`). A native record that cannot be mapped is reported in `Page.skipped`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from functools import partial
from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.records import NO_PROPERTY, CanonicalRecord, PropertyRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.declared import DeclaredConnector
from pmsgate.connectors.errors import PermanentError
from pmsgate.connectors.propertyware.client import PropertywareClient, error_message, stamp
from pmsgate.connectors.propertyware.credentials import PropertywareRestCredentials
from pmsgate.connectors.propertyware.places import Places, lease_ids_in
from pmsgate.connectors.propertyware.streams import MAX_PAGE_SIZE, MODELS, PARENT_OF, STREAMS, Stream
from pmsgate.connectors.propertyware.writes import PropertywareWrites
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.streaming import Probe, map_records
from pmsgate.connectors.throttle import TokenBucket

DEFAULT_BASE_URL = "https://api.propertyware.com/pw/api/rest/v1"


class PropertywareConnector(
    DeclaredConnector, vendor_name="Propertyware", models=MODELS, parent_of=PARENT_OF
):
    vendor = Vendor.PROPERTYWARE_REST

    def __init__(self, context: ConnectorContext, *, bucket: TokenBucket | None = None) -> None:
        credentials = PropertywareRestCredentials.model_validate(context.credentials)
        base_url = context.base_url or DEFAULT_BASE_URL
        self.http = context.vendor_http(
            credentials, bucket=bucket, error_message=error_message, base_url=base_url
        )
        self.client = PropertywareClient(self.http)
        self._places: Places | None = None
        self._writes = PropertywareWrites(self.client, self.places_for)

    def check_credentials(self) -> None:
        # /health answers without checking keys, so ask for one building instead.
        self.client.page("/buildings", {"limit": 1})

    def data_access(self) -> dict[Model, bool]:
        def probes(stream: Stream) -> list[Probe]:
            return [partial(self.client.page, s.path, {**s.params, "limit": 1}) for s in stream.sources]

        return self.access({model: probes(stream) for model, stream in STREAMS.items()})

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        stream = self.stream_of(STREAMS, request.model)
        limit = max(1, min(MAX_PAGE_SIZE, request.page_size))
        token = request.resume_token or {}
        index, offset = int(token.get("source", 0)), int(token.get("offset", 0))
        while index < len(stream.sources):
            source = stream.sources[index]
            params = {**source.params, **_filters(stream, request), "limit": limit, "offset": offset}
            data = self.client.page(source.path, {**params, "orderby": "id"})
            places = self.places_for(data) if stream.needs_places else Places()
            records, skipped = _map_page(stream, source.mapper, data, places, request.x_property_ids)
            offset += len(data)
            if len(data) < limit:
                index, offset = index + 1, 0
            done = index >= len(stream.sources)
            yield Page(
                records=records,
                resume_token=None if done else {"source": index, "offset": offset},
                skipped=skipped,
            )

    def places_for(self, data: list[Any]) -> Places:
        """The lease index, built on first use and completed for leases created since."""
        if self._places is None:
            self._places = Places()
            for raw in self.client.every("/leases", {}):
                if isinstance(raw, dict):
                    self._places.add_lease(raw)
        for lease_id in sorted(lease_ids_in(data) - set(self._places.leases)):
            try:
                raw = self.client.get(f"/leases/{lease_id}")
            except PermanentError:  # deleted since: its records are skipped as unplaceable
                continue
            if isinstance(raw, dict):
                self._places.add_lease(raw)
        return self._places


def _filters(stream: Stream, request: ReadRequest) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if request.modified_since is not None:
        params["lastModifiedDateTimeStart"] = stamp(request.modified_since)
    if stream.ledger and request.window_start is not None:
        params["postDateStart"] = request.window_start.astimezone(UTC).date().isoformat()
    return params


def _map_page(
    stream: Stream,
    mapper: Any,
    data: list[Any],
    places: Places,
    x_property_ids: frozenset[str] | None,
) -> tuple[list[CanonicalRecord], list[dict[str, Any]]]:
    records, skipped = map_records(stream.model, data, lambda raw: mapper(raw, places), x_id="id")
    # Propertyware cannot filter most lists by building, so the property filter applies here.
    return [rec for rec in records if _belongs(rec, x_property_ids)], skipped


def _belongs(record: CanonicalRecord, x_property_ids: frozenset[str] | None) -> bool:
    if x_property_ids is None:
        return True
    owner = record.x_id if isinstance(record, PropertyRecord) else getattr(record, "x_property_id", None)
    return owner == NO_PROPERTY or owner in x_property_ids
