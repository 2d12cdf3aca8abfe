"""Vendor-specific write endpoints beside the generic ones, as Propexo has them:
`POST /v1/resident-charges/{vendor}/` (and credits, payments, recurring charges),
`PUT /v1/recurring-resident-charges/{vendor}/{id}` and `POST /v1/resident-charges/batch/{vendor}/`.

Each body schema is the generic one narrowed to what that vendor accepts, with its required
fields required, so the OpenAPI document shows each vendor's rules. They answer
`{meta: {job_id}, result: {...}}` (the request echoed, unspecified fields null). An operation the
vendor cannot perform answers 405.
"""

# No `from __future__ import annotations`: the handlers close over per-vendor body models, so
# their annotations must be evaluated where they are defined.

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, create_model

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.registry import definition_for, supported_vendors
from pmsgate.connectors.writes import OperationRules, WriteOperation
from pmsgate.errors import MethodNotSupported
from pmsgate.writes import routing, schemas, service
from pmsgate.writes.validation import unsupported_message

PATHS = {
    WriteOperation.CREATE_RESIDENT_CHARGE: ("/v1/resident-charges/{slug}/", "Create resident charge"),
    WriteOperation.CREATE_RESIDENT_CREDIT: ("/v1/resident-credits/{slug}/", "Create resident credit"),
    WriteOperation.CREATE_RESIDENT_PAYMENT: ("/v1/resident-payments/{slug}/", "Create resident payment"),
    WriteOperation.CREATE_RECURRING_CHARGE: (
        "/v1/recurring-resident-charges/{slug}/",
        "Create recurring resident charge",
    ),
    WriteOperation.UPDATE_RECURRING_CHARGE: (
        "/v1/recurring-resident-charges/{slug}/{{recurring_resident_charge_id}}",
        "Update recurring resident charge",
    ),
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: (
        "/v1/resident-charges/batch/{slug}/",
        "Batch create resident charges",
    ),
}


class VendorWriteMeta(BaseModel):
    job_id: str


class VendorWriteAccepted(BaseModel):
    meta: VendorWriteMeta
    result: dict[str, Any]


def slug(vendor: Vendor) -> str:
    """The vendor's path segment: its enum value in lower case (`propertyware_rest`)."""
    return vendor.value.lower()


def _narrowed(vendor: Vendor, operation: WriteOperation, rules: OperationRules) -> type[BaseModel]:
    """The generic body restricted to `rules`: only accepted fields, required ones required."""
    generic = schemas.BODIES[operation]
    fields: dict[str, Any] = {}
    for name, info in generic.model_fields.items():
        if name not in rules.accepted:
            continue
        required = name in rules.required or name == "integration_id"
        annotation = info.annotation
        if required and annotation is not None:
            annotation = _strip_none(annotation)
        fields[name] = (annotation, info if not required else Field(..., **_constraints(info)))
    if operation is WriteOperation.UPDATE_RECURRING_CHARGE:
        fields.pop("integration_id", None)
    name = f"{vendor.value.title().replace('_', '')}{operation.value.title().replace('_', '')}"
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def _strip_none(annotation: Any) -> Any:
    args = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
    return args[0] if len(args) == 1 else annotation


def _constraints(info: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for meta in info.metadata:
        for key in ("gt", "ge", "lt", "le", "max_length", "min_length"):
            if getattr(meta, key, None) is not None:
                out[key] = getattr(meta, key)
    return out


def _acceptor(vendor: Vendor, operation: WriteOperation) -> routing.Accept:
    def accept(call: routing.WriteCall) -> dict[str, Any]:
        if operation is WriteOperation.CREATE_RESIDENT_CHARGE_BATCH:
            accepted = service.submit_batch(
                call.session,
                call.customer,
                call.body,
                call.dispatcher,
                vendor=vendor,
                idempotency_key=call.idempotency_key,
            )
        else:
            accepted = service.submit_write(
                call.session,
                call.customer,
                operation,
                schemas.BODIES[operation].model_validate(call.body.model_dump(exclude_unset=True)),
                call.dispatcher,
                idempotency_key=call.idempotency_key,
                target_record_id=call.target,
                vendor_path=vendor,
            )
        return {"meta": {"job_id": accepted.job.root_job_id}, "result": accepted.data}

    return accept


def _route(router: APIRouter, vendor: Vendor, operation: WriteOperation) -> None:
    path_template, summary = PATHS[operation]
    rules = definition_for(vendor).write_rules.get(operation)
    update = operation is WriteOperation.UPDATE_RECURRING_CHARGE
    target = routing.bounded_charge_id if update else routing.no_target
    label = vendor.value.replace("_", " ").title()
    declared: dict[str, Any] = {
        "path": path_template.format(slug=slug(vendor)),
        "methods": ["PUT" if update else "POST"],
        "operation_id": f"{operation.value.lower()}_{slug(vendor)}",
    }
    if rules is None:

        def not_supported(_target: Annotated[str | None, Depends(target)]) -> None:
            raise MethodNotSupported(unsupported_message(vendor, operation))

        router.add_api_route(
            endpoint=not_supported,
            summary=f"{summary}: {label} - Not Supported",
            status_code=405,
            response_model=None,
            **declared,
        )
        return
    body_model = _narrowed(vendor, operation, rules)
    if operation is WriteOperation.CREATE_RESIDENT_CHARGE_BATCH:
        item_model = body_model
        body_model = create_model(
            f"{item_model.__name__}Request",
            __config__=ConfigDict(extra="forbid"),
            integration_id=(str, Field(..., min_length=1, max_length=64)),
            charges=(list[item_model], Field(..., min_length=1, max_length=500)),  # type: ignore[valid-type]
        )
    notes = rules.notes or (
        "This write operation sets created_record_id on the write-status endpoint."
        if rules.returns_id
        else "The ID of the created record cannot be retrieved from "
        "this PMS; the record is found on the next data sync."
    )
    router.add_api_route(
        endpoint=routing.endpoint(body_model, _acceptor(vendor, operation), target=target),
        summary=f"{summary}: {label}",
        description=notes,
        response_model=VendorWriteAccepted,
        **declared,
    )


def router() -> APIRouter:
    vendor_router = APIRouter(tags=["billing-and-payments (vendor-specific)"])
    for vendor in supported_vendors():
        for operation in PATHS:
            batch = operation is WriteOperation.CREATE_RESIDENT_CHARGE_BATCH
            if batch and operation not in definition_for(vendor).write_rules:
                continue  # batch paths exist only for vendors that have a batch call
            _route(vendor_router, vendor, operation)
    return vendor_router
