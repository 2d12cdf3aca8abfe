"""Request-time validation of a write against the target vendor's declared rules, and the
resolution of pmsgate ids to the vendor's keys. Everything here answers 400 naming the field;
nothing reaches the PMS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.registry import definition_for
from pmsgate.connectors.writes import OperationRules, WriteOperation
from pmsgate.errors import BadRequest
from pmsgate.records.repository import RecordRepository

# Generic id field -> (model it references, key in the native request)
REFERENCES: dict[str, tuple[Model, str]] = {
    "lease_id": (Model.LEASES, "x_lease_id"),
    "resident_id": (Model.RESIDENTS, "x_resident_id"),
    "charge_code_id": (Model.CHARGE_CODES, "x_charge_code_id"),
    "financial_account_id": (Model.FINANCIAL_ACCOUNTS, "x_financial_account_id"),
    "property_id": (Model.PROPERTIES, "x_property_id"),
    "unit_id": (Model.UNITS, "x_unit_id"),
}

OPERATION_NOUNS = {
    WriteOperation.CREATE_RESIDENT_CHARGE: "creating a resident charge",
    WriteOperation.CREATE_RESIDENT_CREDIT: "creating a resident credit",
    WriteOperation.CREATE_RESIDENT_PAYMENT: "creating a resident payment",
    WriteOperation.CREATE_RECURRING_CHARGE: "creating a recurring resident charge",
    WriteOperation.UPDATE_RECURRING_CHARGE: "updating a recurring resident charge",
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: "creating resident charges in a batch",
}


@dataclass(frozen=True)
class ValidatedWrite:
    body: BaseModel
    given: dict[str, Any]  # fields the client set (after stripping refused ones)
    stripped: set[str]
    native: dict[str, Any]  # generic values, ids replaced by vendor keys
    rules: OperationRules


def rules_for(vendor: Vendor, operation: WriteOperation) -> OperationRules | None:
    return definition_for(vendor).write_rules.get(operation)


def unsupported_message(vendor: Vendor, operation: WriteOperation) -> str:
    return f"{OPERATION_NOUNS[operation]} in a {vendor.value} integration is not supported by the PMS"


def validate_write(
    session: Session,
    integration_id: str,
    vendor: Vendor,
    operation: WriteOperation,
    body: BaseModel,
    *,
    ignore_unknown_fields: bool,
) -> ValidatedWrite:
    rules = rules_for(vendor, operation)
    if rules is None:
        raise BadRequest.field(
            "integration_id", unsupported_message(vendor, operation), code="unsupported_operation"
        )
    given = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    refused = sorted(set(given) - rules.accepted)
    if refused and not ignore_unknown_fields:
        raise BadRequest.issues(
            [
                {
                    "code": "unsupported_field",
                    "path": [name],
                    "message": f"{vendor.value} does not accept {name!r} for this operation "
                    "(send ?ignore_unknown_fields=true to drop it)",
                }
                for name in refused
            ]
        )
    for name in refused:
        given.pop(name)
    missing = sorted(rules.required - set(given))
    if missing:
        raise BadRequest.issues(
            [
                {
                    "code": "required",
                    "path": [name],
                    "message": f"{vendor.value} requires {name!r} for this operation",
                }
                for name in missing
            ]
        )
    issues = []
    for name, check in rules.constraints.items():
        if name in given and (problem := check(given[name])):
            issues.append({"code": "invalid", "path": [name], "message": problem})
    if rules.check is not None:
        for name, problem in rules.check(given):
            issues.append({"code": "invalid", "path": [name], "message": problem})
    if issues:
        raise BadRequest.issues(issues)
    native = resolve_references(session, integration_id, given)
    return ValidatedWrite(body=body, given=given, stripped=set(refused), native=native, rules=rules)


def resolve_references(session: Session, integration_id: str, given: dict[str, Any]) -> dict[str, Any]:
    native: dict[str, Any] = {}
    issues = []
    for name, value in given.items():
        if name not in REFERENCES:
            native[name] = value.value if hasattr(value, "value") else value
            continue
        model, x_key = REFERENCES[name]
        row = RecordRepository.from_session(session, model).exists_in_integration(integration_id, value)
        if row is None:
            issues.append(
                {
                    "code": "not_found",
                    "path": [name],
                    "message": f"no {model.value} record {value!r} in this integration",
                }
            )
            continue
        native[x_key] = row["x_id"]
        if model is Model.LEASES:
            native.setdefault("x_property_id", row["x_property_id"])
            native.setdefault("x_unit_id", row["x_unit_id"])
        if model is Model.RESIDENTS:
            native.setdefault("x_property_id", row["x_property_id"])
    if issues:
        raise BadRequest.issues(issues)
    if "x_resident_id" in native and "x_lease_id" not in native:
        # Resident-anchored vendors still post into one lease's ledger: the resident's current one.
        links = RecordRepository.from_session(session, Model.RESIDENTS_TO_LEASES).by_column(
            "resident_id", [given["resident_id"]]
        )
        current: list[Any] = sorted(links, key=lambda link: (link["move_out_date"] is not None, link["x_id"]))
        if current:
            native["x_lease_id"] = current[0]["x_lease_id"]
    return native
