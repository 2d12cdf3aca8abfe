"""Accepting writes: validate now, store the job PENDING and enqueue it in the same unit of
work, answer at once. An Idempotency-Key returns the same job for the same request and 409
for a different one."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.writes import OPERATION_MODEL, WriteOperation
from pmsgate.errors import BadRequest, Conflict, NotFound
from pmsgate.integrations.repository import IntegrationRepository
from pmsgate.kit.dispatch import Dispatcher, dispatch_after_commit
from pmsgate.kit.ids import new_id
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.customers import Customer
from pmsgate.models.integrations import Integration
from pmsgate.models.jobs import WriteJob
from pmsgate.records.repository import RecordRepository
from pmsgate.writes.repository import WriteRepository, repeated
from pmsgate.writes.schemas import ResidentChargeCreate, echo
from pmsgate.writes.validation import validate_write

WRITE_CATEGORY = {
    # The contract's write categories; a credit is a charge with a negative amount.
    WriteOperation.CREATE_RESIDENT_CHARGE: "resident_charges",
    WriteOperation.CREATE_RESIDENT_CREDIT: "resident_charges",
    WriteOperation.CREATE_RESIDENT_PAYMENT: "resident_payments",
    WriteOperation.CREATE_RECURRING_CHARGE: "recurring_resident_charges",
    WriteOperation.UPDATE_RECURRING_CHARGE: "recurring_resident_charges",
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: "resident_charges",
}
MAX_IDEMPOTENCY_KEY = 255


@dataclass(frozen=True)
class Accepted:
    job: WriteJob
    data: dict[str, Any]


def _request_hash(operation: WriteOperation, target: str | None, body: BaseModel, ignore: bool) -> str:
    canonical = json.dumps(
        {
            "op": operation.value,
            "target": target,
            "ignore": ignore,
            "body": body.model_dump(mode="json", exclude_unset=True),
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_key(key: str) -> None:
    # The column is VARCHAR(255): PostgreSQL refuses longer keys (a 500 if it reached the database).
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        raise BadRequest.field("Idempotency-Key", f"must be 1 to {MAX_IDEMPOTENCY_KEY} characters")
    if not key.isprintable():
        raise BadRequest.field("Idempotency-Key", "must be printable characters only")


def _replayed(session: Session, customer: Customer, key: str | None, request_hash: str) -> Accepted | None:
    """The job an earlier request with this Idempotency-Key created (409 if it asked otherwise)."""
    if key is None:
        return None
    _check_key(key)
    previous = WriteRepository.from_session(session).by_idempotency_key(customer.id, key)
    return None if previous is None else _replay(previous, request_hash)


def _integration(session: Session, customer: Customer, integration_id: str) -> Integration:
    integration = IntegrationRepository.from_session(session).get_owned(customer.id, integration_id)
    if integration is None:
        raise NotFound.resource("integration", integration_id)
    return integration


def _check_vendor(integration: Integration, vendor: Vendor) -> None:
    """A vendor-specific path takes only integrations of its vendor."""
    if integration.vendor != vendor.value:
        raise BadRequest.field(
            "integration_id",
            f"integration {integration.id} is a {integration.vendor} integration, not {vendor.value}",
        )


@dataclass(frozen=True)
class _Job:
    """What a new write job carries once its request is validated."""

    integration: Integration
    parameters: dict[str, Any]  # the request as it will be written (its echo)
    native: dict[str, Any]  # resolved vendor keys
    target_record_id: str | None = None


def submit_write(
    session: Session,
    customer: Customer,
    operation: WriteOperation,
    body: BaseModel,
    dispatcher: Dispatcher,
    *,
    ignore_unknown_fields: bool = False,
    idempotency_key: str | None = None,
    target_record_id: str | None = None,
    vendor_path: Vendor | None = None,
) -> Accepted:
    return _submit(
        session,
        customer,
        operation,
        dispatcher,
        _request_hash(operation, target_record_id, body, ignore_unknown_fields),
        idempotency_key,
        lambda: _prepare_write(
            session, customer, operation, body, ignore_unknown_fields, target_record_id, vendor_path
        ),
    )


def submit_batch(
    session: Session,
    customer: Customer,
    body: BaseModel,
    dispatcher: Dispatcher,
    *,
    vendor: Vendor,
    idempotency_key: str | None = None,
) -> Accepted:
    """Several charges in one job and one native call. Each item is validated like a single
    charge (errors name `charges.<i>.<field>`); the connector receives `fields["items"]`."""
    operation = WriteOperation.CREATE_RESIDENT_CHARGE_BATCH
    return _submit(
        session,
        customer,
        operation,
        dispatcher,
        _request_hash(operation, None, body, False),
        idempotency_key,
        lambda: _prepare_batch(session, customer, body, vendor),
    )


def _prepare_write(
    session: Session,
    customer: Customer,
    operation: WriteOperation,
    body: BaseModel,
    ignore_unknown_fields: bool,
    target_record_id: str | None,
    vendor_path: Vendor | None,
) -> _Job:
    native_extra: dict[str, Any] = {}
    if target_record_id is not None:
        target = RecordRepository.from_session(session, OPERATION_MODEL[operation]).get(
            customer.id, target_record_id
        )
        if target is None:
            raise NotFound.resource("recurring resident charge", target_record_id)
        integration = _integration(session, customer, target["integration_id"])
        native_extra = {
            "x_id": target["x_id"],
            "x_lease_id": target["x_lease_id"],
            "x_property_id": target["x_property_id"],
        }
    else:
        integration = _integration(session, customer, body.integration_id)  # type: ignore[attr-defined]
    if vendor_path is not None:
        _check_vendor(integration, vendor_path)
    validated = validate_write(
        session,
        integration.id,
        Vendor(integration.vendor),
        operation,
        body,
        ignore_unknown_fields=ignore_unknown_fields,
    )
    data = echo(body, stripped=validated.stripped)
    if target_record_id is not None:
        data["recurring_resident_charge_id"] = target_record_id
    return _Job(integration, data, {**validated.native, **native_extra}, target_record_id)


def _prepare_batch(session: Session, customer: Customer, body: BaseModel, vendor: Vendor) -> _Job:
    operation = WriteOperation.CREATE_RESIDENT_CHARGE_BATCH
    integration_id: str = body.integration_id  # type: ignore[attr-defined]
    integration = _integration(session, customer, integration_id)
    _check_vendor(integration, vendor)
    items, echoes, issues = [], [], []
    for index, raw in enumerate(body.charges):  # type: ignore[attr-defined]
        item = ResidentChargeCreate.model_validate(
            {**raw.model_dump(exclude_unset=True), "integration_id": integration.id}
        )
        try:
            validated = validate_write(
                session, integration.id, vendor, operation, item, ignore_unknown_fields=False
            )
        except BadRequest as exc:
            for issue in (exc.details or {}).get("issues", []):
                issues.append({**issue, "path": ["charges", index, *issue["path"]]})
            continue
        items.append(validated.native)
        echoes.append({k: v for k, v in echo(item, stripped=set()).items() if k != "integration_id"})
    if issues:
        raise BadRequest.issues(issues)
    return _Job(integration, {"integration_id": integration.id, "charges": echoes}, {"items": items})


def _submit(
    session: Session,
    customer: Customer,
    operation: WriteOperation,
    dispatcher: Dispatcher,
    request_hash: str,
    idempotency_key: str | None,
    prepare: Callable[[], _Job],
) -> Accepted:
    """The job an earlier request with this Idempotency-Key created, or a new one: validated
    (`prepare`), stored PENDING and sent to the workers once the request's transaction commits."""
    replayed = _replayed(session, customer, idempotency_key, request_hash)
    if replayed is not None:
        return replayed
    new = prepare()
    repository = WriteRepository.from_session(session)
    job_id = new_id("job")
    job = WriteJob(
        id=job_id,
        root_job_id=job_id,
        customer_id=customer.id,
        integration_id=new.integration.id,
        vendor=new.integration.vendor,
        operation=operation.value,
        write_category=WRITE_CATEGORY[operation],
        status="PENDING",
        parameters=new.parameters,
        native=new.native,
        marker=_marker(job_id),
        target_record_id=new.target_record_id,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        errors=[],
    )
    try:
        with session.begin_nested():
            repository.add(job)
    except IntegrityError:  # the same Idempotency-Key raced us
        previous = repository.by_idempotency_key(customer.id, idempotency_key or "")
        if previous is None:
            raise
        return _replay(previous, request_hash)
    dispatch_after_commit(session, lambda: dispatcher.write_job(job_id))
    return Accepted(job=job, data=new.parameters)


def _marker(job_id: str) -> str:
    """Our reference at the PMS: short, unique, recognisable."""
    return "PMSG-" + job_id.split("_", 1)[1][:16].upper()


def _replay(previous: WriteJob, request_hash: str) -> Accepted:
    if previous.request_hash != request_hash:
        raise Conflict(
            "this Idempotency-Key was used for a different request",
            details={
                "issues": [
                    {
                        "code": "idempotency_conflict",
                        "path": ["Idempotency-Key"],
                        "message": f"already used for job {previous.root_job_id}",
                    }
                ]
            },
        )
    return Accepted(job=previous, data=previous.parameters)


def retry(session: Session, customer: Customer, root_job_id: str, dispatcher: Dispatcher) -> WriteJob:
    repository = WriteRepository.from_session(session)
    root = repository.owned(customer.id, root_job_id)
    if root is None or root.root_job_id != root.id:
        raise NotFound.resource("write job", root_job_id)
    latest = repository.latest_in_chain(root.id)
    assert latest is not None
    if latest.status != "FAILURE":
        raise BadRequest.field(
            "root_job_id", f"only failed write operations can be retried; it is {latest.status}"
        )
    job_id = new_id("job")
    job = WriteJob(
        id=job_id,
        root_job_id=root.id,
        parent_job_id=latest.id,
        **repeated(latest),
        operation=latest.operation,
        status="PENDING",
        native=latest.native,
        # The chain keeps one marker, and a failure that may have reached the PMS is reconciled
        # before anything is sent again: retrying never posts the same write twice.
        marker=latest.marker,
        phase="SENDING" if latest.phase == "SENDING" else "NOT_SENT",
        target_record_id=latest.target_record_id,
        errors=[],
        created_at=utcnow(),
    )
    repository.add(job)
    dispatch_after_commit(session, lambda: dispatcher.write_job(job_id))
    return job


def status_of(session: Session, customer: Customer, root_job_id: str) -> dict[str, Any]:
    repository = WriteRepository.from_session(session)
    root = repository.owned(customer.id, root_job_id)
    if root is None:
        raise NotFound.resource("write job", root_job_id)
    latest = repository.latest_in_chain(root.root_job_id) or root
    status = {"SUCCESS": "SUCCESS", "PARTIAL_SUCCESS": "PARTIAL_SUCCESS", "FAILURE": "FAILURE"}.get(
        latest.status, "PENDING"
    )
    return {
        "write_status": status,
        "errors": list(latest.errors or []),
        "created_record_id": latest.created_record_id,
    }
