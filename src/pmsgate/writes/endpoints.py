"""HTTP only: generic write endpoints and the admin write-status, retry and logs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel

from pmsgate.connectors.writes import WriteOperation
from pmsgate.customers.auth import CurrentCustomer
from pmsgate.kit.deps import DispatcherDep, SessionDep
from pmsgate.writes import schemas, service
from pmsgate.writes.logs import router as logs_router

IgnoreUnknown = Annotated[
    bool,
    Query(description="Drop fields the target PMS does not accept instead of answering 400"),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Retrying with the same key returns the same job (1 to 255 printable characters)",
        min_length=1,
        max_length=255,
    ),
]

generic = APIRouter(tags=["billing-and-payments"])
admin = APIRouter(prefix="/v1/admin", tags=["admin"])


def _accept(
    session: Any,
    customer: Any,
    dispatcher: Any,
    operation: WriteOperation,
    body: BaseModel,
    ignore: bool,
    key: str | None,
    target: str | None = None,
) -> dict[str, Any]:
    accepted = service.submit_write(
        session,
        customer,
        operation,
        body,
        dispatcher,
        ignore_unknown_fields=ignore,
        idempotency_key=key,
        target_record_id=target,
    )
    return {"job_id": accepted.job.root_job_id, "data": accepted.data}


@generic.post("/v1/resident-charges/", response_model=schemas.WriteAccepted, summary="Create resident charge")
def create_resident_charge(
    body: schemas.ResidentChargeCreate,
    session: SessionDep,
    customer: CurrentCustomer,
    dispatcher: DispatcherDep,
    ignore_unknown_fields: IgnoreUnknown = False,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    return _accept(
        session,
        customer,
        dispatcher,
        WriteOperation.CREATE_RESIDENT_CHARGE,
        body,
        ignore_unknown_fields,
        idempotency_key,
    )


@generic.post("/v1/resident-credits/", response_model=schemas.WriteAccepted, summary="Create resident credit")
def create_resident_credit(
    body: schemas.ResidentCreditCreate,
    session: SessionDep,
    customer: CurrentCustomer,
    dispatcher: DispatcherDep,
    ignore_unknown_fields: IgnoreUnknown = False,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    return _accept(
        session,
        customer,
        dispatcher,
        WriteOperation.CREATE_RESIDENT_CREDIT,
        body,
        ignore_unknown_fields,
        idempotency_key,
    )


@generic.post(
    "/v1/resident-payments/", response_model=schemas.WriteAccepted, summary="Create resident payment"
)
def create_resident_payment(
    body: schemas.ResidentPaymentCreate,
    session: SessionDep,
    customer: CurrentCustomer,
    dispatcher: DispatcherDep,
    ignore_unknown_fields: IgnoreUnknown = False,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    return _accept(
        session,
        customer,
        dispatcher,
        WriteOperation.CREATE_RESIDENT_PAYMENT,
        body,
        ignore_unknown_fields,
        idempotency_key,
    )


@generic.post(
    "/v1/recurring-resident-charges/",
    response_model=schemas.WriteAccepted,
    summary="Create a recurring resident charge",
)
def create_recurring_resident_charge(
    body: schemas.RecurringChargeCreate,
    session: SessionDep,
    customer: CurrentCustomer,
    dispatcher: DispatcherDep,
    ignore_unknown_fields: IgnoreUnknown = False,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    return _accept(
        session,
        customer,
        dispatcher,
        WriteOperation.CREATE_RECURRING_CHARGE,
        body,
        ignore_unknown_fields,
        idempotency_key,
    )


@generic.put(
    "/v1/recurring-resident-charges/{recurring_resident_charge_id}",
    response_model=schemas.WriteAccepted,
    summary="Update a recurring resident charge",
)
def update_recurring_resident_charge(
    recurring_resident_charge_id: str,
    body: schemas.RecurringChargeUpdate,
    session: SessionDep,
    customer: CurrentCustomer,
    dispatcher: DispatcherDep,
    ignore_unknown_fields: IgnoreUnknown = False,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    return _accept(
        session,
        customer,
        dispatcher,
        WriteOperation.UPDATE_RECURRING_CHARGE,
        body,
        ignore_unknown_fields,
        idempotency_key,
        target=recurring_resident_charge_id,
    )


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
    from pmsgate.writes.job_logs import router as job_logs_router
    from pmsgate.writes.vendor_endpoints import router as vendor_router

    return [generic, admin, logs_router, job_logs_router, vendor_router()]
