"""The part of every connector that follows from its declarations.

A vendor's `streams.py` declares what it reads (`MODELS`, the streams, `PARENT_OF` for models
that arrive inside another's pages); a connector built on `DeclaredConnector` names those once,
in its class statement (`class AcmeConnector(DeclaredConnector, vendor_name="Acme",
models=MODELS, parent_of=PARENT_OF)`), and gets from them what the `Connector` protocol asks
besides reading:
`supported_models`, `close`, the `data_access` answer from its probes (`access`), and the
stream of a model or the error naming where that model arrives (`stream_of`, `no_stream`).
Writes are handed to the vendor's writes object (`DelegatedWrites`). A connector is built from
its `ConnectorContext`; a `bucket` given besides overrides the integration's shared request
budget (tests pass one that does not sleep).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

from pmsgate.canonical.registry import Model
from pmsgate.connectors.errors import PermanentError
from pmsgate.connectors.streaming import Probe, children_of, no_stream, probe_access
from pmsgate.connectors.writes import DelegatedWrites

StreamT = TypeVar("StreamT")


class Closeable(Protocol):
    def close(self) -> None: ...


class DeclaredConnector(DelegatedWrites):
    vendor_name: ClassVar[str]  # as messages name the PMS: "Rent Manager"
    models: ClassVar[frozenset[Model]]
    parent_of: ClassVar[Mapping[Model, Model]]
    http: Closeable

    def __init_subclass__(
        cls, *, vendor_name: str, models: frozenset[Model], parent_of: Mapping[Model, Model], **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.vendor_name, cls.models, cls.parent_of = vendor_name, models, parent_of

    def supported_models(self) -> frozenset[Model]:
        return self.models

    def close(self) -> None:
        self.http.close()

    def access(self, probes: Mapping[Model, Sequence[Probe]]) -> dict[Model, bool]:
        """`data_access()` from one or more probe requests per model (see `probe_access`)."""
        return probe_access(probes, children=children_of(self.parent_of), every_model=self.models)

    def no_stream(self, model: Model) -> PermanentError:
        return no_stream(self.vendor_name, model, self.parent_of)

    def stream_of(self, streams: Mapping[Model, StreamT], model: Model) -> StreamT:
        """The declared stream of `model`, or the `no_stream` error."""
        stream = streams.get(model)
        if stream is None:
            raise self.no_stream(model)
        return stream
