"""`POST /v1/admin/connect-links/` and `GET /v1/admin/connect-links/{id}/` (pmsgate extensions)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select

from pmsgate.connectlinks import service
from pmsgate.connectlinks.schemas import ConnectLinkCreate, ConnectLinkCreated
from pmsgate.customers.auth import CurrentCustomer
from pmsgate.errors import NotFound
from pmsgate.kit.deps import SessionDep
from pmsgate.models.console import ConnectLink

router = APIRouter(prefix="/v1/admin/connect-links", tags=["admin"])


def public_base_url(request: Request) -> str:
    configured: str | None = request.app.state.settings.public_url
    return configured or str(request.base_url)


@router.post(
    "/",
    response_model=ConnectLinkCreated,
    status_code=201,
    summary="Create a connect link (pmsgate extension)",
    description=(
        "A single-use URL that expires, for a property manager to enter their PMS credentials. "
        "The page checks the credentials live before it creates the integration for the caller's "
        "customer, then redirects to `redirect_url` with `integration_id` and `connect_link_id`. "
        "The URL is shown only in this answer."
    ),
)
def create_connect_link(
    body: ConnectLinkCreate, request: Request, session: SessionDep, customer: CurrentCustomer
) -> dict[str, Any]:
    return {"result": service.create_link(session, customer, body, public_base_url(request))}


@router.get(
    "/{connect_link_id}/",
    response_model=ConnectLinkCreated,
    summary="Get a connect link's state (pmsgate extension); its URL is not shown again",
)
def get_connect_link(connect_link_id: str, session: SessionDep, customer: CurrentCustomer) -> dict[str, Any]:
    link = session.scalars(
        select(ConnectLink).where(ConnectLink.id == connect_link_id, ConnectLink.customer_id == customer.id)
    ).first()
    if link is None:
        raise NotFound.resource("connect link", connect_link_id)
    return {"result": service.link_out(link, url="")}
