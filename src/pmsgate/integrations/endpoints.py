"""HTTP only: the integrations admin API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel

from pmsgate.canonical.enums import Vendor
from pmsgate.customers.auth import CurrentCustomer
from pmsgate.errors import NotFound
from pmsgate.integrations import access, schemas, service, views
from pmsgate.integrations.repository import IntegrationRepository
from pmsgate.kit.deps import DispatcherDep, ListParamsDep, SessionDep
from pmsgate.kit.pagination import ListParams, envelope, single_meta
from pmsgate.sync.service import parse_models, request_sync
from pmsgate.sync.states import RunKind

router = APIRouter(prefix="/v1/admin/integrations", tags=["admin"])
_INTEGRATION_ORDER = ("created_at", "updated_at", "name", "vendor", "id", "last_completed_sync")


@router.get("/", response_model=schemas.IntegrationList, summary="Get all my integrations")
def list_integrations(
    session: SessionDep,
    customer: CurrentCustomer,
    params: ListParamsDep,
    integration_vendor: Annotated[Vendor | None, Query(description="The integration vendor")] = None,
    is_archived: Annotated[
        bool, Query(description="Whether or not to include archived integrations")
    ] = False,
) -> dict[str, Any]:
    params = params.checked(_INTEGRATION_ORDER)
    rows, total = IntegrationRepository.from_session(session).list_owned(
        customer.id,
        params,
        vendor=integration_vendor.value if integration_vendor else None,
        include_archived=is_archived,
    )
    return envelope(params, total, [views.integration_out(i) for i in rows])


@router.post(
    "/",
    response_model=schemas.IntegrationCreatedEnvelope,
    response_model_exclude_unset=True,
    summary="Create an integration",
)
def create_integration(
    body: schemas.IntegrationCreate, session: SessionDep, customer: CurrentCustomer, dispatcher: DispatcherDep
) -> dict[str, Any]:
    integration = service.create_integration(session, customer, body, dispatcher)
    return {"result": views.integration_created(integration)}


@router.get("/{integration_id}/", response_model=schemas.IntegrationSingle, summary="Get integration by id")
def get_integration(
    integration_id: str, session: SessionDep, customer: CurrentCustomer, _params: ListParamsDep
) -> dict[str, Any]:
    integration = service.owned(session, customer, integration_id)
    running = IntegrationRepository.from_session(session).running_integration_ids([integration.id])
    return {
        "meta": single_meta(),
        "results": views.integration_detail(integration, is_running_sync=bool(running)),
    }


@router.put(
    "/{integration_id}/",
    response_model=schemas.IntegrationUpdatedEnvelope,
    response_model_exclude_unset=True,
    summary="Update an integration",
)
def update_integration(
    integration_id: str,
    body: schemas.IntegrationUpdate,
    session: SessionDep,
    customer: CurrentCustomer,
    dispatcher: DispatcherDep,
) -> dict[str, Any]:
    integration = service.owned(session, customer, integration_id)
    service.update_integration(session, integration, body, dispatcher)
    return {"result": views.integration_updated(integration)}


@router.delete("/{integration_id}/", response_model=schemas.SuccessOut, summary="Delete an integration")
def delete_integration(integration_id: str, session: SessionDep, customer: CurrentCustomer) -> dict[str, Any]:
    service.archive_integration(session, service.owned(session, customer, integration_id))
    return {"success": True}


_OptionalSync = Annotated[schemas.SyncRequest | None, Body()]
SYNC_PATHS = {
    # kind: (path, handler name: part of the generated operation id, summary)
    RunKind.MANUAL: (
        "/{integration_id}/manual-sync",
        "manual_sync",
        "Trigger a manual sync on an integration.",
    ),
    RunKind.BACK: ("/{integration_id}/back-sync", "back_sync", "Trigger a backsync on an integration."),
}


def _sync_endpoint(kind: RunKind) -> Callable[..., dict[str, Any]]:
    def sync(
        integration_id: str,
        session: SessionDep,
        customer: CurrentCustomer,
        dispatcher: DispatcherDep,
        body: _OptionalSync = None,
    ) -> dict[str, Any]:
        integration = service.owned(session, customer, integration_id)
        models = parse_models(body.models_to_sync if body else None)
        request_sync(session, integration, kind, dispatcher, models)
        return {"result": {"success": True}}

    return sync


def _add_route(
    method: str, path: str, endpoint: Callable[..., Any], name: str, summary: str, model: Any
) -> None:
    """A route declared by a table below: registered where the table stands (the OpenAPI order)."""
    router.add_api_route(path, endpoint, methods=[method], name=name, summary=summary, response_model=model)


for _kind, (_path, _name, _summary) in SYNC_PATHS.items():
    _add_route("POST", _path, _sync_endpoint(_kind), _name, _summary, schemas.SyncResult)


@router.post(
    "/{integration_id}/data-access",
    response_model=schemas.DataAccessBeganEnvelope,
    summary="Trigger a data access check on an integration.",
)
def start_data_access_check(
    integration_id: str, session: SessionDep, customer: CurrentCustomer, dispatcher: DispatcherDep
) -> dict[str, Any]:
    service.start_data_access_check(session, service.owned(session, customer, integration_id), dispatcher)
    return {"result": {"began_data_access": True}}


@router.get(
    "/{integration_id}/data-access",
    response_model=schemas.DataAccessEnvelope,
    summary="Get data access information for an integration.",
)
def get_data_access(integration_id: str, session: SessionDep, customer: CurrentCustomer) -> dict[str, Any]:
    integration = service.owned(session, customer, integration_id)
    return {
        "result": {
            "models": access.present(integration.data_access),
            "last_data_access_check": integration.last_data_access_check,
            "data_access_check_in_process": integration.data_access_check_in_process,
        }
    }


class SubResourceList(NamedTuple):
    """A list of one kind of row belonging to an owned integration."""

    path: str
    name: str  # the handler's name, part of the generated operation id
    summary: str
    response_model: type[BaseModel]
    order_by: tuple[str, ...]
    fetch: Callable[[IntegrationRepository, str, ListParams], tuple[Sequence[Any], int]]
    out: Callable[[Any], dict[str, Any]]


SUB_RESOURCE_LISTS = (
    SubResourceList(
        "/{integration_id}/properties",
        "list_property_configurations",
        "Get all my property configurations",
        schemas.PropertyConfigurationList,
        ("created_at", "property_id", "enabled", "id"),
        IntegrationRepository.property_configurations,
        views.property_configuration_out,
    ),
    SubResourceList(
        "/{integration_id}/job-schedules/",
        "list_job_schedules",
        "Get job schedules by integration id",
        schemas.JobScheduleList,
        ("created_at", "updated_at", "last_run", "id"),
        IntegrationRepository.schedules,
        views.job_schedule_out,
    ),
)


def _sub_resource_list(declared: SubResourceList) -> Callable[..., dict[str, Any]]:
    def list_rows(
        integration_id: str, session: SessionDep, customer: CurrentCustomer, params: ListParamsDep
    ) -> dict[str, Any]:
        service.owned(session, customer, integration_id)
        params = params.checked(declared.order_by)
        rows, total = declared.fetch(IntegrationRepository.from_session(session), integration_id, params)
        return envelope(params, total, [declared.out(r) for r in rows])

    return list_rows


for _list in SUB_RESOURCE_LISTS:
    _add_route("GET", _list.path, _sub_resource_list(_list), _list.name, _list.summary, _list.response_model)


@router.put(
    "/{integration_id}/properties/{property_configuration_id}",
    response_model=schemas.PropertyConfigurationEnvelope,
    summary="Update a property configuration",
)
def update_property_configuration(
    integration_id: str,
    property_configuration_id: str,
    body: schemas.PropertyConfigurationUpdate,
    session: SessionDep,
    customer: CurrentCustomer,
    dispatcher: DispatcherDep,
) -> dict[str, Any]:
    integration = service.owned(session, customer, integration_id)
    configuration, message = service.configure_property(
        session, integration, property_configuration_id, body, dispatcher
    )
    return {"results": {**views.property_configuration_out(configuration), "additional_message": message}}


@router.get(
    "/{integration_id}/job-schedules/{job_schedule_id}/",
    response_model=schemas.JobScheduleSingle,
    summary="Get job schedule by id",
)
def get_job_schedule(
    integration_id: str,
    job_schedule_id: str,
    session: SessionDep,
    customer: CurrentCustomer,
    _params: ListParamsDep,
) -> dict[str, Any]:
    service.owned(session, customer, integration_id)
    schedule = IntegrationRepository.from_session(session).schedule(integration_id, job_schedule_id)
    if schedule is None:
        raise NotFound.resource("job schedule", job_schedule_id)
    return {"meta": single_meta(), "results": views.job_schedule_out(schedule)}
