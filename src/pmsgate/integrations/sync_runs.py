"""HTTP only: `GET /v1/admin/integrations/{id}/sync-runs/`. Here rather than in sync/: the
integrations admin checks ownership and starts runs; sync/ sits below it and never imports it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pmsgate.customers.auth import CurrentCustomer
from pmsgate.integrations.service import owned
from pmsgate.kit.deps import ListParamsDep, SessionDep
from pmsgate.kit.pagination import envelope
from pmsgate.kit.views import attributes
from pmsgate.sync.repository import SyncRepository
from pmsgate.sync.schemas import SyncRunList, SyncRunOut

router = APIRouter(prefix="/v1/admin/integrations", tags=["admin"])


@router.get(
    "/{integration_id}/sync-runs/",
    response_model=SyncRunList,
    summary="Get the sync runs of an integration (pmsgate extension)",
    description="Each run with its kind, status, window, per-model counts (new, updated, unchanged, "
    "skipped, malformed) and errors.",
)
def list_sync_runs(
    integration_id: str,
    session: SessionDep,
    customer: CurrentCustomer,
    params: ListParamsDep,
) -> dict[str, Any]:
    owned(session, customer, integration_id)
    params = params.checked(("created_at", "started_at", "finished_at", "status", "kind", "id"))
    runs, total = SyncRepository.from_session(session).runs_of(integration_id, params)
    results = [{**attributes(run, *SyncRunOut.model_fields), "errors": run.errors[-50:]} for run in runs]
    return envelope(params, total, results)
