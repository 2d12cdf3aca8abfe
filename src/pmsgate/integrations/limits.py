"""HTTP only: `GET /v1/admin/integrations/{id}/rate-limits/`, the integration's PMS request
budget and how much of it is free now. The contract's per-minute shape (`minute_limit`),
plus pmsgate's `budget` with the exact figures."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from pmsgate.connectors.throttle import RequestBudget, budget_available
from pmsgate.customers.auth import CurrentCustomer
from pmsgate.integrations import service
from pmsgate.kit.deps import ListParamsDep, SessionDep
from pmsgate.kit.timeutil import iso, utcnow
from pmsgate.models.integrations import Integration

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/admin/integrations", tags=["admin"])


class Budget(BaseModel):
    requests: float
    per_seconds: float
    cadence: str
    available: float | None  # None when the shared budget cannot be read (Redis unavailable)
    in_use: float | None


class RateLimits(BaseModel):
    # `budget` (a Budget) is answered too: left out of the declared schema so the document keeps
    # the contract's fields, and allowed here as an extra member.
    model_config = ConfigDict(extra="allow")

    integration_id: str
    updated_at: str
    minute_limit: int | None


class RateLimitsEnvelope(BaseModel):
    results: RateLimits


def budget_of(integration: Integration) -> Budget:
    """The integration's PMS budget and, as every worker sharing it sees it, its use now."""
    budget = RequestBudget.from_integration(
        integration.max_request_frequency, integration.max_request_cadence
    )
    try:
        available: float | None = round(budget_available(integration.id, budget), 3)
    except Exception as exc:  # the shared budget lives in Redis: report the limit without its use
        log.warning("rate-limits of %s: budget use unavailable: %s", integration.id, exc)
        available = None
    capacity = max(1.0, budget.requests)
    return Budget(
        requests=budget.requests,
        per_seconds=budget.per_seconds,
        cadence=integration.max_request_cadence,
        available=available,
        in_use=None if available is None else round(capacity - max(0.0, available), 3),
    )


@router.get(
    "/{integration_id}/rate-limits/",
    response_model=RateLimitsEnvelope,
    summary="The current PMS rate limits associated with your integration.",
    description="The integration's PMS request budget (`max_request_frequency` per "
    "`max_request_cadence`, or the vendor's documented limit) and how much of it is free now, "
    "shared by every worker. pmsgate adds `budget`: `{requests, per_seconds, cadence, available, "
    "in_use}` (`available`/`in_use` are null while the shared budget cannot be read).",
)
def rate_limits(
    integration_id: str,
    session: SessionDep,
    customer: CurrentCustomer,
    _params: ListParamsDep,
) -> dict[str, Any]:
    integration = service.owned(session, customer, integration_id)
    budget_out = budget_of(integration)
    return {
        "results": {
            "integration_id": integration.id,
            "updated_at": iso(utcnow()),
            "minute_limit": max(1, round(budget_out.requests / budget_out.per_seconds * 60)),
            "budget": budget_out.model_dump(),
        }
    }
