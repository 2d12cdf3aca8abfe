"""HTTP only: `GET /v1/admin/data-diffs/` (the sync runs of an integration are listed by
`pmsgate.integrations.sync_runs`, next to the integration they belong to)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from pmsgate.canonical.enums import Vendor
from pmsgate.customers.auth import CurrentCustomer
from pmsgate.kit.deps import ListParamsDep, SessionDep
from pmsgate.kit.pagination import envelope
from pmsgate.kit.views import attributes
from pmsgate.records.filters import parse_datetime_param
from pmsgate.sync.repository import SyncRepository
from pmsgate.sync.schemas import DataDiffList, DataDiffOut

router = APIRouter(prefix="/v1/admin", tags=["admin"])
_DIFF_FIELDS = tuple(name for name in DataDiffOut.model_fields if name != "integration_vendor")


@router.get("/data-diffs/", response_model=DataDiffList, summary="Get all data diffs")
def list_data_diffs(
    session: SessionDep,
    customer: CurrentCustomer,
    params: ListParamsDep,
    integration_vendor: Annotated[Vendor | None, Query(description="The integration vendor")] = None,
    integration_id: Annotated[str | None, Query(description="The integration id")] = None,
    before: Annotated[str | None, Query(description="Only show data diffs before this timestamp")] = None,
    after: Annotated[str | None, Query(description="Only show data diffs after this timestamp")] = None,
) -> dict[str, Any]:
    params = params.checked(("created_at", "model", "event_type", "id"))
    rows, total = SyncRepository.from_session(session).list_diffs(
        customer.id,
        params,
        integration_id=integration_id,
        vendor=integration_vendor.value if integration_vendor else None,
        before=parse_datetime_param("before", before) if before else None,
        after=parse_datetime_param("after", after) if after else None,
    )
    results = [{**attributes(diff, *_DIFF_FIELDS), "integration_vendor": vendor} for diff, vendor in rows]
    return envelope(params, total, results)
