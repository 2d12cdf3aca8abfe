"""Declaring a record resource (list + get by id) as data.

Each endpoint's filters become documented query parameters; unknown query parameters are
refused (a mistyped filter must not silently return everything); `order-by` accepts the
table's scalar columns only.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.orm import Session

from pmsgate.canonical.registry import BY_MODEL, Model
from pmsgate.customers.auth import CurrentCustomer
from pmsgate.errors import BadRequest, NotFound
from pmsgate.kit.db import unit_of_work
from pmsgate.kit.deps import list_params
from pmsgate.kit.pagination import ListParams, meta, single_meta
from pmsgate.kit.responses import FastJSONResponse as JSONResponse
from pmsgate.models.customers import Customer
from pmsgate.models.records import RECORD_TABLES, sortable
from pmsgate.records.filters import INTEGRATION, RECORD_TIMES, Filter
from pmsgate.records.repository import RecordRepository
from pmsgate.records.schemas import list_envelope, record_model, single_envelope
from pmsgate.records.serialize import RowFormat, row_format

Expander = Callable[[Session, list[dict[str, Any]]], None]
_PAGING = frozenset({"order-by", "offset", "limit"})
# Filters that pick integrations: applied to the scope of the list (RecordRepository.page)
_SCOPE_PARAMS = {"integration_id": "integration_id", "integration_vendor": "vendor"}


@dataclass(frozen=True)
class RecordResource:
    """A record resource (list + get by id) as data. Unless given, the path follows from the
    model (`/v1/resident-charges/`), the id parameter and the schema name from the noun
    (`resident_charge_id`, `ResidentCharge`)."""

    model: Model
    noun: str
    filters: tuple[Filter, ...] = ()
    hidden: frozenset[str] = frozenset()
    leading: dict[str, Any] = field(default_factory=dict)
    trailing: dict[str, Any] = field(default_factory=dict)
    expand: Expander | None = None
    id_param: str = ""
    path: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        derived = {
            "path": f"/v1/{self.model.value.replace('_', '-')}/",
            "id_param": self.noun.replace(" ", "_") + "_id",
            "name": self.noun.title().replace(" ", ""),
        }
        for attribute, value in derived.items():
            if not getattr(self, attribute):
                object.__setattr__(self, attribute, value)

    @property
    def list_filters(self) -> tuple[Filter, ...]:
        """The resource's own filters plus those every list accepts (integration_id, record times)."""
        own = {p.name for f in self.filters for p in f.params}
        common = (INTEGRATION, *RECORD_TIMES)
        return self.filters + tuple(f for f in common if not own & {p.name for p in f.params})

    @property
    def orderable(self) -> frozenset[str]:
        """The whitelist of `order-by`: system times and keys, reference ids and the ledger's
        date and amount, each served by an index (models.records.sortable)."""
        return sortable(BY_MODEL[self.model]) - self.hidden

    def row_format(self, session: Session) -> RowFormat:
        return row_format(RECORD_TABLES[self.model], self.hidden, session.get_bind().dialect.name)

    def expanded(self, session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The shown rows with their nested parts (allocations, links, pets, aliases)."""
        if self.expand is not None:
            self.expand(session, items)
        return items


def _filter_signature(resource: RecordResource) -> list[inspect.Parameter]:
    parameters = []
    for flt in resource.list_filters:
        for param in flt.params:
            parameters.append(
                inspect.Parameter(
                    param.name,
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=Annotated[param.annotation, Query(description=param.description)],
                    default=None,
                )
            )
    return parameters


def record_router(*tables: tuple[str, tuple[RecordResource, ...]]) -> APIRouter:
    """The read endpoints of a table of resources: (OpenAPI tag, its resources) pairs."""
    router = APIRouter()
    for tag, resources in tables:
        tagged = APIRouter(tags=[tag])
        for resource in resources:
            add_record_routes(tagged, resource)
        router.include_router(tagged)
    return router


async def _in_read_thread(request: Request, read: Callable[..., JSONResponse], *args: Any) -> JSONResponse:
    return await anyio.to_thread.run_sync(read, *args, limiter=request.app.state.read_limiter)


def add_record_routes(router: APIRouter, resource: RecordResource) -> None:
    spec = BY_MODEL[resource.model]
    item = record_model(
        resource.name, spec, hidden=resource.hidden, leading=resource.leading, trailing=resource.trailing
    )
    known_params = _PAGING | {p.name for f in resource.list_filters for p in f.params}

    orderable = resource.orderable
    list_filters = resource.list_filters
    table = RECORD_TABLES[resource.model]

    def read_page(
        request: Request, customer: Customer, params: ListParams, values: dict[str, Any]
    ) -> JSONResponse:
        unknown = sorted(set(request.query_params) - known_params)
        if unknown:
            raise BadRequest.issues(
                [
                    {"code": "unrecognized_keys", "path": [k], "message": f"unknown query parameter {k!r}"}
                    for k in unknown
                ]
            )
        params = params.checked(orderable)
        values = {k: (v.value if hasattr(v, "value") else v) for k, v in values.items() if v is not None}
        scope = {key: values.pop(name, None) for name, key in _SCOPE_PARAMS.items()}
        clauses = [c for f in list_filters if (c := f.clause(table, values)) is not None]
        implied = [c for f in list_filters for c in f.implied(table, values)]
        with unit_of_work(request.app.state.read_sessionmaker) as session:
            rows, total = RecordRepository.from_session(session, resource.model).page(
                customer.id,
                clauses,
                params,
                resource.row_format(session),
                integration_id=scope["integration_id"],
                vendor=scope["vendor"],
                implied=implied,
            )
            results = resource.expanded(session, rows)
        body = {"meta": meta(params, total, len(results)).model_dump(), "results": results}
        return JSONResponse(body)

    # Coroutines that hand the whole read (query, expansion, encoding) to a thread at once: one
    # thread hop per request instead of one per dependency, and no more reads at a time than the
    # process's read limiter allows (config.Settings.reads_at_once says why).
    async def list_records(
        request: Request, customer: CurrentCustomer, params: ListParams, **values: Any
    ) -> JSONResponse:
        return await _in_read_thread(request, read_page, request, customer, params, values)

    list_records.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
            inspect.Parameter(
                "customer", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=CurrentCustomer
            ),
            inspect.Parameter(
                "params",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=Annotated[ListParams, Depends(list_params)],
            ),
            *_filter_signature(resource),
        ]
    )

    def read_one(request: Request, customer: Customer, record_id: str) -> JSONResponse:
        with unit_of_work(request.app.state.read_sessionmaker) as session:
            repository = RecordRepository.from_session(session, resource.model)
            row = repository.shown(customer.id, record_id, resource.row_format(session))
            if row is None:
                raise NotFound.resource(resource.noun, record_id)
            (result,) = resource.expanded(session, [row])
        return JSONResponse({"meta": single_meta().model_dump(), "results": result})

    async def get_record(
        request: Request, customer: CurrentCustomer, params: ListParams, **path: str
    ) -> JSONResponse:
        return await _in_read_thread(request, read_one, request, customer, path[resource.id_param])

    get_record.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                resource.id_param,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[str, Path(description="The ID of the resource.", max_length=64)],
            ),
            inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
            inspect.Parameter("customer", inspect.Parameter.KEYWORD_ONLY, annotation=CurrentCustomer),
            # The contract documents paging parameters on by-id reads too: accepted and validated.
            inspect.Parameter(
                "params",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[ListParams, Depends(list_params)],
            ),
        ]
    )

    router.add_api_route(
        resource.path,
        list_records,
        methods=["GET"],
        response_model=list_envelope(f"{resource.name}List", item),
        summary=f"Get all {resource.noun}s",
        operation_id=f"list_{resource.model.value}",
    )
    router.add_api_route(
        f"{resource.path.rstrip('/')}/{{{resource.id_param}}}",
        get_record,
        methods=["GET"],
        response_model=single_envelope(f"{resource.name}Single", item),
        summary=f"Get a {resource.noun} by ID",
        operation_id=f"get_{resource.model.value}",
    )
