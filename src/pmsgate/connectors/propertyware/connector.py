"""The PROPERTYWARE_REST connector: reads and writes Propertyware's REST "Open API".

Paging is `limit`/`offset` sorted by id; the resume token is `{"source": i, "offset": n}` (the
endpoint of the stream and the position in it), so a stream resumed from a committed page's
token continues exactly after it. `X-Total-Count` is not used to stop: it has been seen wrong on
last pages, so a page shorter than the limit ends an endpoint. Incremental reads pass
`lastModifiedDateTimeStart` (inclusive) and, for ledger streams, `postDateStart` (see
`connectors.base`). A native record that cannot be mapped is reported in `Page.skipped`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC
from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.records import CanonicalRecord, PropertyRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Page, ReadRequest
from pmsgate.connectors.errors import AuthError, PermanentError
from pmsgate.connectors.http import VendorHttp
from pmsgate.connectors.propertyware.client import PropertywareClient, error_message, stamp
from pmsgate.connectors.propertyware.credentials import PropertywareRestCredentials
from pmsgate.connectors.propertyware.fields import MappingError
from pmsgate.connectors.propertyware.mapping import COMPANY_WIDE
from pmsgate.connectors.propertyware.places import Places, lease_ids_in
from pmsgate.connectors.propertyware.streams import MAX_PAGE_SIZE, MODELS, PARENT_OF, STREAMS, Stream
from pmsgate.connectors.propertyware.writes import PropertywareWrites
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.throttle import TokenBucket, bucket_for
from pmsgate.connectors.writes import WriteOperation, WriteOutcome, WriteRequest

DEFAULT_BASE_URL = "https://api.propertyware.com/pw/api/rest/v1"


class PropertywareConnector:
    vendor = Vendor.PROPERTYWARE_REST

    def __init__(self, context: ConnectorContext, *, bucket: TokenBucket | None = None) -> None:
        credentials = PropertywareRestCredentials.model_validate(context.credentials)
        self.http = VendorHttp(
            context.base_url or DEFAULT_BASE_URL,
            bucket=bucket or bucket_for(context.integration_id, context.budget),
            headers={"Accept": "application/json", **credentials.headers()},
            retry=context.retry,
            secrets=credentials.secrets(),
            transport=context.transport,
            error_message=error_message,
        )
        self.client = PropertywareClient(self.http)
        self._places: Places | None = None
        self._writes = PropertywareWrites(self.client, self.places_for)

    def supported_models(self) -> frozenset[Model]:
        return MODELS

    def check_credentials(self) -> None:
        # /health answers without checking keys, so ask for one building instead.
        self.client.page("/buildings", {"limit": 1})

    def data_access(self) -> dict[Model, bool]:
        access: dict[Model, bool] = {}
        for model, stream in STREAMS.items():
            allowed = True
            for source in stream.sources:
                try:
                    self.client.page(source.path, {**source.params, "limit": 1})
                except AuthError as exc:
                    if exc.status_code != 403:  # the key itself is refused: nothing is readable
                        return dict.fromkeys(MODELS, False)
                    allowed = False
                except PermanentError:
                    allowed = False
            access[model] = allowed
            access.update(dict.fromkeys(stream.children, allowed))
        return access

    def stream(self, request: ReadRequest) -> Iterator[Page]:
        stream = STREAMS.get(request.model)
        if stream is None:
            parent = PARENT_OF.get(request.model)
            hint = f"; it arrives inside {parent.value} pages" if parent else ""
            raise PermanentError(f"Propertyware has no {request.model.value} stream{hint}")
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

    # -- writes (WritingConnector) ------------------------------------------------------------

    def write(self, request: WriteRequest) -> WriteOutcome:
        return self._writes.write(request)

    def find_written(self, request: WriteRequest) -> list[str]:
        return self._writes.find_written(request)

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        return self._writes.read_back(operation, x_id)

    def close(self) -> None:
        self.http.close()


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
    records: list[CanonicalRecord] = []
    skipped: list[dict[str, Any]] = []
    for raw in data:
        native_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            if not isinstance(raw, dict):
                raise MappingError(f"a {type(raw).__name__}, not an object")
            mapped = mapper(raw, places)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # pydantic's errors are ValueErrors
            skipped.append(
                {
                    "model": stream.model.value,
                    "x_id": None if native_id is None else str(native_id),
                    "reason": str(exc) or type(exc).__name__,
                }
            )
            continue
        # Propertyware cannot filter most lists by building, so the property filter applies here.
        records.extend(rec for rec in mapped if _belongs(rec, x_property_ids))
    return records, skipped


def _belongs(record: CanonicalRecord, x_property_ids: frozenset[str] | None) -> bool:
    if x_property_ids is None:
        return True
    owner = record.x_id if isinstance(record, PropertyRecord) else getattr(record, "x_property_id", None)
    return owner == COMPANY_WIDE or owner in x_property_ids
