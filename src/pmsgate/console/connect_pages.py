"""The connect page a property manager opens from a connect link: pick the PMS, enter its
credentials (the form is built from the connector's typed credential declaration), have them
checked live, and be sent back with the new integration's id. Credentials travel only in the
POST body; they are never put in a URL or a log line."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, SecretStr
from starlette.concurrency import run_in_threadpool

from pmsgate.canonical.enums import Vendor
from pmsgate.connectlinks import service as links
from pmsgate.connectors.registry import definition_for, supported_vendors
from pmsgate.console.deps import redirect
from pmsgate.console.live_check import LiveCheck, check_credentials_live
from pmsgate.console.render import page
from pmsgate.errors import BadRequest, PmsgateError
from pmsgate.integrations import service as integrations
from pmsgate.integrations.schemas import IntegrationCreate
from pmsgate.kit.deps import SessionDep
from pmsgate.models.customers import Customer

log = logging.getLogger(__name__)
router = APIRouter(prefix=links.CONNECT_PATH, include_in_schema=False)
_MAX_FIELD = 2000


@dataclass(frozen=True)
class CredentialField:
    name: str  # the wire name (alias) the connector expects
    label: str
    help: str
    secret: bool
    required: bool


def credential_fields(vendor: Vendor) -> list[CredentialField]:
    """Flat text fields of the vendor's credential model, in declaration order."""
    model: type[BaseModel] = definition_for(vendor).credentials_model
    fields = []
    for name, info in model.model_fields.items():
        annotation = str(info.annotation)
        if "BaseModel" in annotation or any(
            isinstance(arg, type) and issubclass(arg, BaseModel)
            for arg in getattr(info.annotation, "__args__", ())
        ):
            continue  # nested override blocks are for the API, not for a person
        fields.append(
            CredentialField(
                name=info.alias or name,
                label=info.title or name.replace("_", " ").capitalize(),
                help=info.description or "",
                secret="SecretStr" in annotation or info.annotation is SecretStr,
                required=info.is_required(),
            )
        )
    return fields


def _vendors() -> list[tuple[Vendor, str]]:
    return [
        (vendor, definition_for(vendor).credentials_model.model_config.get("title") or vendor.value)
        for vendor in supported_vendors()
    ]


def _gone(request: Request, problem: str) -> Response:
    return page(request, "connect_message.html", status_code=410, title="Link unusable", message=problem)


@router.get("/{token}")
def connect_page(request: Request, token: str, session: SessionDep, vendor: str | None = None) -> Response:
    state = links.open_link(session, token)
    if state.problem or state.link is None:
        return _gone(request, state.problem or "This link is not valid.")
    chosen = state.link.vendor or vendor
    if chosen is None:
        return page(request, "connect_pick.html", token=token, vendors=_vendors())
    try:
        selected = Vendor(chosen)
        fields = credential_fields(selected)
    except (ValueError, KeyError):
        return page(request, "connect_pick.html", status_code=400, token=token, vendors=_vendors())
    return _form(request, token, selected, state.link.integration_name, fields, error=None)


def _form(
    request: Request,
    token: str,
    vendor: Vendor,
    name: str | None,
    fields: list[CredentialField],
    error: str | None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        "connect_form.html",
        status_code=status_code,
        token=token,
        vendor=vendor,
        vendor_title=dict(_vendors()).get(vendor, vendor.value),
        name=name,
        fields=fields,
        error=error,
        values={k: v for k, v in (values or {}).items() if k not in {f.name for f in fields if f.secret}},
    )


@router.post("/{token}")
async def connect_submit(request: Request, token: str, session: SessionDep) -> Response:
    form = await request.form()
    state = links.open_link(session, token)
    if state.problem or state.link is None:
        return _gone(request, state.problem or "This link is not valid.")
    link = state.link
    try:
        vendor = Vendor(str(link.vendor or form.get("vendor") or ""))
        fields = credential_fields(vendor)
    except (ValueError, KeyError):
        return page(request, "connect_pick.html", status_code=400, token=token, vendors=_vendors())
    values = {f.name: str(form.get(f.name) or "").strip()[:_MAX_FIELD] for f in fields}
    name = (
        link.integration_name
        or str(form.get("integration_name") or "").strip()[:200]
        or f"{vendor.value} PMS"
    )
    credentials: dict[str, Any] = {k: v for k, v in values.items() if v}
    customer = session.get(Customer, link.customer_id)
    if customer is None:
        return _gone(request, "This link is not valid.")
    try:
        checked = integrations.validate_credentials(vendor, credentials)
        base_url = integrations.checked_base_url(vendor, None, checked)
    except BadRequest as exc:
        return _form(request, token, vendor, name, fields, _issues(exc), values, status_code=400)
    # Off the event loop: the PMS may be slow, and in the embedded mode it may be this very server.
    result: LiveCheck = await run_in_threadpool(
        check_credentials_live, customer.id, vendor, base_url, checked
    )
    if not result.ok:
        return _form(request, token, vendor, name, fields, result.problem, values, status_code=400)
    body = IntegrationCreate.model_validate(
        {"integration_vendor": vendor.value, "name": name, "credentials": checked, "active": True}
    )
    if not links.claim(session, link):
        return _gone(request, "This link has already been used. Ask for a new one.")
    try:
        with session.begin_nested():
            integration = integrations.create_integration(
                session, customer, body, request.app.state.dispatcher
            )
    except PmsgateError as exc:
        session.rollback()  # the link was not used up by a failed attempt
        return _form(request, token, vendor, name, fields, exc.message, values, status_code=400)
    integration.can_authenticate = True
    integration.data_access = result.data_access
    integration.last_data_access_check = result.checked_at
    links.record_integration(session, link, integration.id)
    log.info("connect link %s created integration %s", link.id, integration.id)
    session.commit()  # the integration exists before the browser (or the redirect's owner) asks for it
    target = links.redirect_target(link, integration.id)
    if target:
        return redirect(target)
    return page(
        request,
        "connect_message.html",
        title="Connected",
        message=f"{vendor.value} is connected.",
        integration_id=integration.id,
    )


def _issues(exc: BadRequest) -> str:
    issues = (exc.details or {}).get("issues") or []
    parts = [f"{'.'.join(str(p) for p in i['path'][1:] or i['path'])}: {i['message']}" for i in issues]
    return "; ".join(parts) or exc.message
