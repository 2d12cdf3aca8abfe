"""Request and response bodies of the integrations admin API (the contract's shapes)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pmsgate.canonical.enums import Vendor
from pmsgate.kit.inputs import Flag, Int, StrictBody
from pmsgate.kit.pagination import Meta


class Cadence(StrEnum):
    MINUTE = "MINUTE"
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    SECOND = "SECOND"


class _Out(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class IntegrationCreate(StrictBody):
    integration_vendor: Vendor
    credentials: dict[str, Any]
    name: str = Field(min_length=1, max_length=200)
    system: Literal["PRODUCTION", "SANDBOX"] | None = None
    sync_frequency: Int = Field(default=12, ge=1, le=10_000)
    sync_cadence: Cadence = Cadence.HOUR
    # Unset: the vendor's documented limit (1 per second when it documents none).
    max_request_cadence: Cadence | None = None
    max_request_frequency: float | None = Field(default=None, ge=1, le=1_000_000)
    max_job_concurrency: Int = Field(default=1, ge=1, le=100)
    active: Flag = False
    base_url: str | None = Field(default=None, max_length=2000)
    new_properties_are_enabled: Flag = True
    based_on_integration_id: str | None = None
    allow_manual_syncs: Flag = True
    custom_sync_schedule: dict[str, Any] | None = None
    use_custom_sync_schedule: Flag = False


class IntegrationUpdate(StrictBody):
    integration_vendor: Vendor | None = None
    credentials: dict[str, Any] | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    system: Literal["PRODUCTION", "SANDBOX"] | None = None
    sync_frequency: Int | None = Field(default=None, ge=1, le=10_000)
    sync_cadence: Cadence | None = None
    max_request_cadence: Cadence | None = None
    max_request_frequency: float | None = Field(default=None, ge=1, le=1_000_000)
    max_job_concurrency: Int | None = Field(default=None, ge=1, le=100)
    active: Flag | None = None
    base_url: str | None = Field(default=None, max_length=2000)
    new_properties_are_enabled: Flag | None = None
    allow_manual_syncs: Flag | None = None
    custom_sync_schedule: dict[str, Any] | None = None
    use_custom_sync_schedule: Flag | None = None


class IntegrationInterface(_Out):
    interface_name: str
    enabled: bool
    version: str | None


class ConfigurationMetaData(_Out):
    last_seen: datetime
    interface_name: str | None
    configuration_data: dict[str, Any]
    custom_data: dict[str, Any] | None


class IntegrationBase(_Out):
    id: str
    created_at: datetime
    updated_at: datetime
    name: str
    vendor: Vendor
    active: bool
    system: Literal["PRODUCTION", "SANDBOX"]
    sync_frequency: int | None
    sync_cadence: Cadence | None
    max_job_concurrency: int
    max_request_frequency: int
    max_request_cadence: Cadence
    base_url: str | None
    is_archived: bool
    new_properties_are_enabled: bool
    allow_manual_syncs: bool = True


class IntegrationOut(IntegrationBase):
    last_completed_sync: datetime | None
    last_completed_back_sync: datetime | None
    integration_interfaces: list[IntegrationInterface]
    models: dict[str, Any]
    can_authenticate: bool
    last_data_access_check: datetime | None
    configuration_meta_data: list[ConfigurationMetaData]


class IntegrationDetail(IntegrationOut):
    is_running_sync: bool
    is_running_data_access_check: bool


def _absent_when_unset(schema: dict[str, Any]) -> None:
    """`custom_sync_schedule` is left out of answers when unset (the contract's optional object)."""
    schema["required"] = [name for name in schema.get("required", []) if name != "custom_sync_schedule"]


class IntegrationCreated(IntegrationBase):
    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True, json_schema_extra=_absent_when_unset
    )

    customer_id: str
    ping_results: dict[str, Any]
    custom_sync_schedule: dict[str, Any] | None = None
    use_custom_sync_schedule: bool


class IntegrationUpdated(_Out):
    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True, json_schema_extra=_absent_when_unset
    )

    id: str
    created_at: datetime
    updated_at: datetime
    name: str | None
    integration_vendor: Vendor
    active: bool
    system: Literal["PRODUCTION", "SANDBOX"]
    sync_frequency: int | None
    sync_cadence: Cadence | None
    max_request_cadence: Cadence
    max_request_frequency: int
    max_job_concurrency: int
    base_url: str | None
    is_archived: bool
    new_properties_are_enabled: bool
    allow_manual_syncs: bool = True
    custom_sync_schedule: dict[str, Any] | None = None
    use_custom_sync_schedule: bool


class IntegrationUpdatedEnvelope(_Out):
    result: IntegrationUpdated


class IntegrationList(_Out):
    meta: Meta
    results: list[IntegrationOut]


class IntegrationSingle(_Out):
    meta: Meta
    results: IntegrationDetail | None


class IntegrationCreatedEnvelope(_Out):
    result: IntegrationCreated


class SuccessOut(_Out):
    success: bool


class SyncRequest(StrictBody):
    sync_config_id: str | None = None
    models_to_sync: list[str] | None = Field(default=None, max_length=50)


class SyncResult(_Out):
    result: SuccessOut


class DataAccessBegan(_Out):
    began_data_access: bool


class DataAccessBeganEnvelope(_Out):
    result: DataAccessBegan


class AccessStatus(_Out):
    status: Literal["SUCCESS", "FAILED", "PROCESSING"]
    error_message: str | None


class AccessUnsupported(_Out):
    unsupported: bool


class AccessUntested(_Out):
    untested: bool


AccessOutcome = AccessStatus | AccessUnsupported | AccessUntested


class ModelAccess(_Out):
    read: AccessOutcome
    create: AccessOutcome
    update: AccessOutcome


class DataAccessInfo(_Out):
    models: dict[str, ModelAccess]
    last_data_access_check: datetime | None
    data_access_check_in_process: bool


class DataAccessEnvelope(_Out):
    result: DataAccessInfo


class PropertyConfigurationOut(_Out):
    id: str
    created_at: datetime
    integration_id: str
    property_id: str
    enabled: bool


class PropertyConfigurationList(_Out):
    meta: Meta
    results: list[PropertyConfigurationOut]


class PropertyConfigurationUpdate(StrictBody):
    enabled: Flag
    trigger_integration_resync: Flag = False


class PropertyConfigurationUpdated(PropertyConfigurationOut):
    additional_message: str


class PropertyConfigurationEnvelope(_Out):
    results: PropertyConfigurationUpdated


class JobScheduleOut(_Out):
    id: str
    integration_id: str
    created_at: datetime
    updated_at: datetime
    job_type: str
    status: Literal["ACTIVE", "INACTIVE"]
    last_run: datetime | None
    sync_frequency: int
    sync_cadence: Cadence
    parameters: dict[str, Any]


class JobScheduleList(_Out):
    meta: Meta
    results: list[JobScheduleOut]


class JobScheduleSingle(_Out):
    meta: Meta
    results: JobScheduleOut
