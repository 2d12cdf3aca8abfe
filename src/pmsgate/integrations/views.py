"""Integration rows to the contract's response shapes (never a credential)."""

from __future__ import annotations

from typing import Any

from pmsgate.canonical.enums import Vendor
from pmsgate.integrations import access
from pmsgate.kit.views import attributes
from pmsgate.models.integrations import Integration, JobSchedule, PropertyConfiguration


def _base(integration: Integration) -> dict[str, Any]:
    return {
        **attributes(
            integration,
            "id",
            "created_at",
            "updated_at",
            "name",
            "vendor",
            "active",
            "system",
            "sync_frequency",
            "sync_cadence",
            "max_job_concurrency",
            "max_request_frequency",
            "max_request_cadence",
            "base_url",
            "is_archived",
            "new_properties_are_enabled",
        ),
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
    return attributes(configuration, "id", "created_at", "integration_id", "property_id", "enabled")


def job_schedule_out(schedule: JobSchedule) -> dict[str, Any]:
    return {
        **attributes(
            schedule,
            "id",
            "integration_id",
            "created_at",
            "updated_at",
            "job_type",
            "status",
            "last_run",
            "sync_frequency",
            "sync_cadence",
        ),
        "parameters": schedule.parameters or {},
    }
