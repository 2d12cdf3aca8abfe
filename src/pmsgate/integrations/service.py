"""Decisions about integrations: validation of vendor credentials and URLs, schedules,
starting the first sync. Services flush; the request commits."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr, ValidationError
from sqlalchemy.orm import Session

from pmsgate.canonical.enums import Vendor
from pmsgate.config import get_settings
from pmsgate.connectors.budget import CADENCE_SECONDS
from pmsgate.connectors.connect import resolve_base_url
from pmsgate.connectors.registry import definition_for, supported_vendors
from pmsgate.errors import BadRequest, NotFound
from pmsgate.integrations import access
from pmsgate.integrations import schedule as schedules
from pmsgate.integrations.repository import IntegrationRepository
from pmsgate.integrations.schemas import IntegrationCreate, IntegrationUpdate, PropertyConfigurationUpdate
from pmsgate.kit.crypto import encrypt_json
from pmsgate.kit.dispatch import Dispatcher, dispatch_after_commit
from pmsgate.kit.ids import new_id
from pmsgate.kit.outbound import check_outbound_url
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.customers import Customer
from pmsgate.models.integrations import Integration, JobSchedule, PropertyConfiguration
from pmsgate.sync.service import request_sync
from pmsgate.sync.states import RunKind


def _vendor_definition(vendor: Vendor) -> Any:
    try:
        return definition_for(vendor)
    except KeyError:
        known = ", ".join(v.value for v in supported_vendors())
        raise BadRequest.field(
            "integration_vendor", f"{vendor.value} has no connector yet; supported: {known}"
        ) from None


def validate_credentials(vendor: Vendor, credentials: dict[str, Any]) -> dict[str, Any]:
    """Check credentials against the vendor's shape; returns plain values ready to encrypt."""
    model = _vendor_definition(vendor).credentials_model
    try:
        parsed = model.model_validate(credentials)
    except ValidationError as exc:
        issues = [
            {"code": e["type"], "path": ["credentials", *e["loc"]], "message": e["msg"]} for e in exc.errors()
        ]
        raise BadRequest.issues(issues) from None
    plain = _revealed(parsed.model_dump(by_alias=True, exclude_none=True))
    assert isinstance(plain, dict)
    return plain


def _revealed(value: Any) -> Any:
    """The dump with every SecretStr, nested ones included, as its value (it is encrypted next)."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {k: _revealed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revealed(v) for v in value]
    return value


def checked_base_url(vendor: Vendor, base_url: str | None, credentials: dict[str, Any]) -> str | None:
    """The integration's base URL after the outbound guard; credentials.baseUrl is checked in place."""
    allow_private = get_settings().allow_private_urls
    if credentials.get("baseUrl"):
        credentials["baseUrl"] = check_outbound_url(
            "credentials.baseUrl", str(credentials["baseUrl"]), allow_private=allow_private
        )
    if base_url:
        base_url = check_outbound_url("base_url", base_url, allow_private=allow_private)
    if resolve_base_url(vendor, base_url, credentials) is None:
        raise BadRequest.field("credentials.baseUrl", f"{vendor.value} integrations need the PMS base URL")
    return base_url


def _check_schedule(body: IntegrationCreate | IntegrationUpdate) -> None:
    if body.custom_sync_schedule is not None:
        schedules.validate_custom_schedule(body.custom_sync_schedule)
    if body.use_custom_sync_schedule and body.custom_sync_schedule is None:
        raise BadRequest.field("custom_sync_schedule", "is required when use_custom_sync_schedule is true")


def create_integration(
    session: Session, customer: Customer, body: IntegrationCreate, dispatcher: Dispatcher
) -> Integration:
    repository = IntegrationRepository.from_session(session)
    values = body.model_dump(exclude_unset=True)
    if body.based_on_integration_id:
        template = repository.get_owned(customer.id, body.based_on_integration_id)
        if template is None:
            raise NotFound.resource("integration", body.based_on_integration_id)
        for key in (
            "sync_frequency",
            "sync_cadence",
            "max_request_frequency",
            "max_request_cadence",
            "max_job_concurrency",
            "new_properties_are_enabled",
            "use_custom_sync_schedule",
            "custom_sync_schedule",
        ):
            values.setdefault(key, getattr(template, key))
    merged = IntegrationCreate.model_validate({**body.model_dump(), **values})
    _check_schedule(merged)
    credentials = validate_credentials(merged.integration_vendor, merged.credentials)
    base_url = checked_base_url(merged.integration_vendor, merged.base_url, credentials)
    budget = _vendor_definition(merged.integration_vendor).default_budget
    frequency = merged.max_request_frequency or budget.requests
    cadence = (
        merged.max_request_cadence.value if merged.max_request_cadence else _cadence_of(budget.per_seconds)
    )
    now = utcnow()
    integration = Integration(
        id=new_id("intg"),
        customer_id=customer.id,
        name=merged.name,
        vendor=merged.integration_vendor.value,
        system=merged.system or "PRODUCTION",
        active=merged.active,
        credentials_encrypted=encrypt_json(credentials),
        base_url=base_url,
        sync_frequency=merged.sync_frequency,
        sync_cadence=merged.sync_cadence.value,
        max_request_frequency=int(frequency),
        max_request_cadence=cadence,
        max_job_concurrency=merged.max_job_concurrency,
        new_properties_are_enabled=merged.new_properties_are_enabled,
        use_custom_sync_schedule=merged.use_custom_sync_schedule,
        custom_sync_schedule=merged.custom_sync_schedule,
        ping_results={},
        data_access={},
        created_at=now,
        updated_at=now,
    )
    repository.add(integration)
    session.flush()
    schedule = JobSchedule(
        id=new_id("sched"),
        integration_id=integration.id,
        job_type="READ_ALL",
        status="ACTIVE" if integration.active else "INACTIVE",
        sync_frequency=integration.sync_frequency,
        sync_cadence=integration.sync_cadence,
        parameters={"models": "ALL"},
        next_run_at=_next_run(integration, now),
    )
    repository.add(schedule)
    session.flush()
    if integration.active:
        request_sync(session, integration, RunKind.FIRST, dispatcher)
    return integration


def _cadence_of(seconds: float) -> str:
    return next((name for name, length in CADENCE_SECONDS.items() if length == seconds), "SECOND")


def _next_run(integration: Integration, now: Any) -> Any:
    custom = integration.custom_sync_schedule if integration.use_custom_sync_schedule else None
    return schedules.next_run(now, integration.sync_frequency, integration.sync_cadence, custom)


def update_integration(
    session: Session, integration: Integration, body: IntegrationUpdate, dispatcher: Dispatcher
) -> Integration:
    changes = body.model_dump(exclude_unset=True)
    if "integration_vendor" in changes and changes["integration_vendor"] != integration.vendor:
        raise BadRequest.field("integration_vendor", "cannot change the vendor of an integration")
    for key in (
        "sync_frequency",
        "sync_cadence",
        "max_request_cadence",
        "active",
        "new_properties_are_enabled",
        "use_custom_sync_schedule",
        "max_job_concurrency",
        "name",
        "system",
    ):
        if key in changes and changes[key] is None:
            raise BadRequest.field(key, "must not be null")
    _check_schedule(body)
    was_active = integration.active
    vendor = Vendor(integration.vendor)
    if "credentials" in changes:
        credentials = validate_credentials(vendor, changes.pop("credentials"))
        integration.base_url = checked_base_url(
            vendor, changes.get("base_url", integration.base_url), credentials
        )
        integration.credentials_encrypted = encrypt_json(credentials)
        integration.can_authenticate = False
    elif changes.get("base_url"):
        changes["base_url"] = check_outbound_url(
            "base_url", changes["base_url"], allow_private=get_settings().allow_private_urls
        )
    changes.pop("allow_manual_syncs", None)
    changes.pop("integration_vendor", None)
    for key, value in changes.items():
        if key in ("sync_cadence", "max_request_cadence") and value is not None:
            value = getattr(value, "value", value)
        if key == "max_request_frequency" and value is not None:
            value = int(value)
        setattr(integration, key, value)
    integration.updated_at = utcnow()
    repository = IntegrationRepository.from_session(session)
    job_schedule = repository.schedule_of(integration.id)
    if job_schedule is not None:
        job_schedule.sync_frequency = integration.sync_frequency
        job_schedule.sync_cadence = integration.sync_cadence
        job_schedule.status = "ACTIVE" if integration.active else "INACTIVE"
        job_schedule.next_run_at = _next_run(integration, utcnow())
    session.flush()
    if integration.active and not was_active and not integration.first_sync_completed:
        request_sync(session, integration, RunKind.FIRST, dispatcher)
    return integration


def archive_integration(session: Session, integration: Integration) -> None:
    """Deleting archives: the integration stops syncing, its credentials are destroyed and its
    data leaves every read; rows stay for audit."""
    integration.is_archived = True
    integration.active = False
    integration.credentials_encrypted = encrypt_json({})
    integration.updated_at = utcnow()
    job_schedule = IntegrationRepository.from_session(session).schedule_of(integration.id)
    if job_schedule is not None:
        job_schedule.status = "INACTIVE"


def start_data_access_check(session: Session, integration: Integration, dispatcher: Dispatcher) -> None:
    """Mark the check as running and send it to the workers once the request commits."""
    integration.data_access_check_in_process = True
    integration.data_access = access.processing(integration.data_access)
    integration_id = integration.id
    dispatch_after_commit(session, lambda: dispatcher.data_access_check(integration_id))


def configure_property(
    session: Session,
    integration: Integration,
    configuration_id: str,
    body: PropertyConfigurationUpdate,
    dispatcher: Dispatcher,
) -> tuple[PropertyConfiguration, str]:
    """Enable or disable a property's ingestion; returns the configuration and what happens next."""
    configuration = IntegrationRepository.from_session(session).property_configuration(
        integration.id, configuration_id
    )
    if configuration is None:
        raise NotFound.resource("property configuration", configuration_id)
    configuration.enabled = body.enabled
    state = "enabled" if body.enabled else "disabled"
    if body.trigger_integration_resync:
        request_sync(session, integration, RunKind.MANUAL, dispatcher, full=True)
        return configuration, f"Ingestion {state}; a resync of the integration was queued."
    return configuration, f"Ingestion {state}; it applies from the next sync."


def owned(session: Session, customer: Customer, integration_id: str) -> Integration:
    integration = IntegrationRepository.from_session(session).get_owned(customer.id, integration_id)
    if integration is None:
        raise NotFound.resource("integration", integration_id)
    return integration
