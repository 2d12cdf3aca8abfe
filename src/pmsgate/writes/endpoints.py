"""HTTP only: the generic write endpoints, declared as a table like the vendor-specific ones
(`vendor_endpoints.py`), and the admin write-status and retry."""

# No `from __future__ import annotations`: the handlers are built by `routing.endpoint()`.

from typing import Any, NamedTuple

from fastapi import APIRouter

from pmsgate.connectors.writes import WriteOperation
from pmsgate.customers.auth import CurrentCustomer
from pmsgate.kit.deps import DispatcherDep, SessionDep
from pmsgate.writes import routing, schemas, service
from pmsgate.writes.job_logs import router as job_logs_router
from pmsgate.writes.logs import router as logs_router
from pmsgate.writes.vendor_endpoints import router as vendor_router


class GenericPath(NamedTuple):
    path: str
    name: str  # the handler's name, part of the generated operation id
    summary: str


PATHS = {
    WriteOperation.CREATE_RESIDENT_CHARGE: GenericPath(
        "/v1/resident-charges/", "create_resident_charge", "Create resident charge"
    ),
    WriteOperation.CREATE_RESIDENT_CREDIT: GenericPath(
        "/v1/resident-credits/", "create_resident_credit", "Create resident credit"
    ),
    WriteOperation.CREATE_RESIDENT_PAYMENT: GenericPath(
        "/v1/resident-payments/", "create_resident_payment", "Create resident payment"
    ),
    WriteOperation.CREATE_RECURRING_CHARGE: GenericPath(
        "/v1/recurring-resident-charges/",
        "create_recurring_resident_charge",
        "Create a recurring resident charge",
    ),
    WriteOperation.UPDATE_RECURRING_CHARGE: GenericPath(
        "/v1/recurring-resident-charges/{recurring_resident_charge_id}",
        "update_recurring_resident_charge",
        "Update a recurring resident charge",
    ),
}

admin = APIRouter(prefix="/v1/admin", tags=["admin"])


def _acceptor(operation: WriteOperation) -> routing.Accept:
    def accept(call: routing.WriteCall) -> dict[str, Any]:
        accepted = service.submit_write(
            call.session,
            call.customer,
            operation,
            call.body,
            call.dispatcher,
            ignore_unknown_fields=call.ignore_unknown_fields,
            idempotency_key=call.idempotency_key,
            target_record_id=call.target,
        )
        return {"job_id": accepted.job.root_job_id, "data": accepted.data}

    return accept


def _generic_router() -> APIRouter:
    router = APIRouter(tags=["billing-and-payments"])
    for operation, declared in PATHS.items():
        update = operation is WriteOperation.UPDATE_RECURRING_CHARGE
        router.add_api_route(
            declared.path,
            routing.endpoint(
                schemas.BODIES[operation],
                _acceptor(operation),
                target=routing.charge_id if update else routing.no_target,
                ignore=routing.ignore_unknown,
            ),
            methods=["PUT" if update else "POST"],
            name=declared.name,
            summary=declared.summary,
            response_model=schemas.WriteAccepted,
        )
    return router


generic = _generic_router()


@admin.get(
    "/write-status/{root_job_id}",
    response_model=schemas.WriteStatus,
    summary="Check the status of a write operation",
)
def write_status(root_job_id: str, session: SessionDep, customer: CurrentCustomer) -> dict[str, Any]:
    return service.status_of(session, customer, root_job_id)


@admin.post(
    "/retry-write/{root_job_id}", response_model=schemas.RetryAccepted, summary="Retry a write operation"
)
def retry_write(
    root_job_id: str, session: SessionDep, customer: CurrentCustomer, dispatcher: DispatcherDep
) -> dict[str, Any]:
    job = service.retry(session, customer, root_job_id, dispatcher)
    return {"success": True, "job_id": job.id}


def routers() -> list[APIRouter]:
    return [generic, admin, logs_router, job_logs_router, vendor_router()]
