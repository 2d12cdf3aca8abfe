"""Request and response bodies of the webhooks API (the contract's shapes, plus the delivery log,
recovery and the event feed, which the contract does not have)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, HttpUrl

from pmsgate.kit.inputs import StrictBody
from pmsgate.kit.pagination import Meta


def _fits_the_column(url: HttpUrl) -> HttpUrl:
    if len(str(url)) > 2000:  # the stored column is VARCHAR(2000); PostgreSQL would refuse it
        raise ValueError("URL should have at most 2000 characters")
    return url


WebhookUrl = Annotated[HttpUrl, AfterValidator(_fits_the_column)]


class Trigger(StrEnum):
    DATA_UPDATE = "DATA_UPDATE"
    DATA_NEW = "DATA_NEW"
    JOB_FAILURE = "JOB_FAILURE"
    JOB_SUCCESS = "JOB_SUCCESS"
    SYNC_COMPLETE = "SYNC_COMPLETE"
    FIRST_SYNC_COMPLETE = "FIRST_SYNC_COMPLETE"
    WRITE_OPERATION_FAILURE = "WRITE_OPERATION_FAILURE"


DATA_TRIGGERS = frozenset({Trigger.DATA_NEW, Trigger.DATA_UPDATE})
TEST_EVENT = "TEST"  # sent by POST /v1/webhooks/{id}/test, to that webhook only


class Header(StrictBody):
    header: str = Field(min_length=1, max_length=200, pattern=r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
    value: str = Field(max_length=4000)


class WebhookCreate(StrictBody):
    url: WebhookUrl
    headers: list[Header] | None = Field(default=None, max_length=50)
    triggers: list[Trigger] = Field(min_length=1)
    active: bool = False
    secret: str | None = Field(default=None, min_length=10, max_length=500)
    model: str | None = Field(default=None, description="Only applies to DATA_UPDATE and DATA_NEW")


class WebhookUpdate(StrictBody):
    url: WebhookUrl | None = None
    headers: list[Header] | None = Field(default=None, max_length=50)
    active: bool | None = None
    secret: str | None = Field(default=None, min_length=10, max_length=500)
    triggers: list[Trigger] | None = Field(default=None, min_length=1)
    model: str | None = None


class RotateSecret(StrictBody):
    secret: str | None = Field(default=None, min_length=10, max_length=500)


class TriggerOut(BaseModel):
    id: str
    trigger: str
    model: str | None


class WebhookOut(BaseModel):
    id: str
    created_at: str
    updated_at: str
    url: str
    headers: list[dict[str, str]] | None
    active: bool
    secret: str = Field(description="In full only in the answer that set it; masked afterwards")
    system: Literal["PRODUCTION", "SANDBOX"]
    triggers: list[TriggerOut]


class WebhookHealth(BaseModel):
    id: str
    active: bool
    failing_since: str | None = Field(description="First failure since the last success")
    disabled_at: str | None
    disabled_reason: str | None = Field(description="Why pmsgate disabled it; PUT active=true re-enables")
    unfinished_deliveries: int


class WebhookHealthEnvelope(BaseModel):
    result: WebhookHealth


class WebhookEnvelope(BaseModel):
    result: WebhookOut


class WebhookList(BaseModel):
    meta: Meta
    results: list[WebhookOut]


class WebhookSingle(BaseModel):
    meta: Meta
    results: WebhookOut


class IdOut(BaseModel):
    id: str


class DeletedEnvelope(BaseModel):
    result: IdOut


class AttemptOut(BaseModel):
    attempted_at: str
    status_code: int | None
    latency_ms: int | None
    succeeded: bool
    error: str | None
    response_excerpt: str | None


class DeliveryOut(BaseModel):
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    status: Literal["PENDING", "DELIVERING", "SUCCEEDED", "FAILED"]
    attempts: int
    next_attempt_at: str | None
    delivered_at: str | None
    last_status_code: int | None
    last_error: str | None
    created_at: str
    attempt_log: list[AttemptOut]


class DeliveryList(BaseModel):
    meta: Meta
    results: list[DeliveryOut]


class DeliveryEnvelope(BaseModel):
    result: DeliveryOut


class RecoverRequest(StrictBody):
    since: datetime = Field(description="Resend every event since this time that was not delivered")


class RecoverResult(BaseModel):
    result: dict[str, int]


class EventOut(BaseModel):
    id: str
    type: str
    integration_id: str | None
    model: str | None
    record_id: str | None
    sequence: int | None = Field(description="Per integration, gap-free, in commit order")
    created_at: str
    payload: dict[str, Any]


class EventFeed(BaseModel):
    results: list[EventOut]
    next_cursor: str = Field(description="Pass as `cursor` to continue after these events")
    has_more: bool
