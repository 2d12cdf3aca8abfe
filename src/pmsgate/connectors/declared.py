"""The part of every connector that follows from its declarations.

A vendor's `streams.py` declares what it reads (`MODELS`, the streams, `PARENT_OF` for models
that arrive inside another's pages); a connector built on `DeclaredConnector` names those once,
in its class statement (`class AcmeConnector(DeclaredConnector, vendor_name="Acme",
models=MODELS, parent_of=PARENT_OF)`), and gets from them what the `Connector` protocol asks
besides reading:
`supported_models`, `close`, the `data_access` answer from its probes (`access`), and the
stream of a model or the error naming where that model arrives (`stream_of`, `no_stream`).
The declarations themselves are built with `by_model` (the streams keyed by the model each
feeds: `STREAMS`), `parents` (the models that arrive inside another's pages: `PARENT_OF`) and
`one_record` (a mapper of one record per native row, as a stream's list-returning mapper).
Writes are handed to the vendor's writes object (`DelegatedWrites`). A connector is built from
its `ConnectorContext`; a `bucket` given besides overrides the integration's shared request
budget (tests pass one that does not sleep).

A vendor package registers its vendor with `register_vendor`: the models come from the
connector's declaration and the docs page is named after the package, so the registration says
only what is the vendor's own (credentials, write rules, request budget, public URL).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, ParamSpec, Protocol, TypeVar

from pydantic import BaseModel

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import Connector
from pmsgate.connectors.budget import RequestBudget
from pmsgate.connectors.errors import PermanentError
from pmsgate.connectors.registry import ConnectorContext, VendorDefinition, register
from pmsgate.connectors.streaming import Probe, children_of, no_stream, probe_access
from pmsgate.connectors.writes import DelegatedWrites, OperationRules, WriteOperation

StreamT = TypeVar("StreamT")
P = ParamSpec("P")
RecordT = TypeVar("RecordT")


class Declaration(Protocol):
    """A declared stream: the model it feeds and the models that arrive inside its pages."""

    @property
    def model(self) -> Model: ...

    @property
    def children(self) -> tuple[Model, ...]: ...


DeclarationT = TypeVar("DeclarationT", bound=Declaration)


def by_model(*streams: DeclarationT) -> dict[Model, DeclarationT]:
    """A vendor's stream declarations keyed by the model each one feeds (its `STREAMS`)."""
    return {s.model: s for s in streams}


def parents(*tables: Mapping[Model, Declaration]) -> dict[Model, Model]:
    """child model -> the model in whose pages it arrives (a vendor's `PARENT_OF`), from its
    tables of streams."""
    return {child: s.model for streams in tables for s in streams.values() for child in s.children}


def one_record(mapper: Callable[P, RecordT]) -> Callable[P, list[RecordT]]:
    """A mapper that makes one record of a native row, as a stream's mapper (a list of records)."""

    def mapped(*args: P.args, **kwargs: P.kwargs) -> list[RecordT]:
        return [mapper(*args, **kwargs)]

    return mapped


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


class ConnectorClass(Protocol):
    """A connector class built on `DeclaredConnector`: its declared models, and a connector from a
    context."""

    models: frozenset[Model]

    def __call__(self, context: ConnectorContext) -> Connector: ...


def register_vendor(
    vendor: Vendor,
    connector: ConnectorClass,
    credentials: type[BaseModel],
    rules: Mapping[WriteOperation, OperationRules],
    budget: RequestBudget,
    base_url: str | Callable[[Mapping[str, Any]], str] | None = None,
) -> None:
    """Registers `vendor`, served by `connector` (which reads the models it declares), with its
    credentials model, write rules, documented request budget and public base URL: a fixed URL,
    one built from the integration's credentials (`CompanyHost.url`), or None when the integration
    must give one. Its page is docs/vendors/<the connector's package>.md."""
    package = connector.__module__.split(".")[2]  # pmsgate.connectors.<package>.connector
    if isinstance(base_url, str):
        base_url = _fixed(base_url)
    register(
        VendorDefinition(
            vendor=vendor,
            credentials_model=credentials,
            factory=connector,
            default_base_url=base_url,
            models=connector.models,
            default_budget=budget,
            write_rules=rules,
            docs=f"docs/vendors/{package}.md",
        )
    )


def _fixed(url: str) -> Callable[[Mapping[str, Any]], str]:
    """The `default_base_url` of a vendor with one public host, whatever the credentials."""
    return lambda _credentials: url
