"""Integration rows to the contract's response shapes (never a credential)."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.integrations import access
from pmsgate.models.integrations import Integration, JobSchedule, PropertyConfiguration


def _base(integration: Integration) -> dict[str, Any]:
    return {
        "id": integration.id,
        "created_at": integration.created_at,
        "updated_at": integration.updated_at,
        "name": integration.name,
        "vendor": integration.vendor,
        "active": integration.active,
        "system": integration.system,
        "sync_frequency": integration.sync_frequency,
        "sync_cadence": integration.sync_cadence,
        "max_job_concurrency": integration.max_job_concurrency,
        "max_request_frequency": integration.max_request_frequency,
        "max_request_cadence": integration.max_request_cadence,
        "base_url": integration.base_url,
        "is_archived": integration.is_archived,
        "new_properties_are_enabled": integration.new_properties_are_enabled,
        "allow_manual_syncs": True,
    }


def integration_out(integration: Integration) -> dict[str, Any]:
    return {
        **_base(integration),
        "last_completed_sync": integration.last_completed_sync,
        "last_completed_back_sync": integration.last_completed_back_sync,
        "integration_interfaces": [],
        "models": access.enabled_models(Vendor(integration.vendor), integration.data_access),
        "can_authenticate": integration.can_authenticate,
        "last_data_access_check": integration.last_data_access_check,
        "configuration_meta_data": [],
    }


def integration_detail(integration: Integration, *, is_running_sync: bool) -> dict[str, Any]:
    return {
        **integration_out(integration),
        "is_running_sync": is_running_sync,
        "is_running_data_access_check": integration.data_access_check_in_process,
    }


def integration_created(integration: Integration) -> dict[str, Any]:
    return {
        **_base(integration),
        "customer_id": integration.customer_id,
        "ping_results": integration.ping_results or {},
        **_schedule(integration),
    }


def integration_updated(integration: Integration) -> dict[str, Any]:
    base = _base(integration)
    base["integration_vendor"] = base.pop("vendor")
    return {**base, **_schedule(integration)}


def _schedule(integration: Integration) -> dict[str, Any]:
    """`custom_sync_schedule` is an optional object in the contract: absent when unset, never
    null (the routes answer with `response_model_exclude_unset`)."""
    out: dict[str, Any] = {"use_custom_sync_schedule": integration.use_custom_sync_schedule}
    if integration.custom_sync_schedule is not None:
        out["custom_sync_schedule"] = integration.custom_sync_schedule
    return out


def property_configuration_out(configuration: PropertyConfiguration) -> dict[str, Any]:
    return {
        "id": configuration.id,
        "created_at": configuration.created_at,
        "integration_id": configuration.integration_id,
        "property_id": configuration.property_id,
        "enabled": configuration.enabled,
    }


def job_schedule_out(schedule: JobSchedule) -> dict[str, Any]:
    return {
        "id": schedule.id,
        "integration_id": schedule.integration_id,
        "created_at": schedule.created_at,
        "updated_at": schedule.updated_at,
        "job_type": schedule.job_type,
        "status": schedule.status,
        "last_run": schedule.last_run,
        "sync_frequency": schedule.sync_frequency,
        "sync_cadence": schedule.sync_cadence,
        "parameters": schedule.parameters or {},
    }
