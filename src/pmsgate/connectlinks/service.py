"""Issuing and redeeming connect links. The link's token is only ever stored as a digest; a link
is redeemed by one conditional UPDATE, so two browsers racing on one link create one integration."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pmsgate.canonical.enums import Vendor
from pmsgate.config import get_settings
from pmsgate.connectlinks.schemas import ConnectLinkCreate, ConnectLinkOut
from pmsgate.connectors.registry import supported_vendors
from pmsgate.errors import BadRequest
from pmsgate.kit.crypto import token_digest
from pmsgate.kit.ids import new_id
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.console import ConnectLink
from pmsgate.models.customers import Customer

CONNECT_PATH = "/connect"


def _check_redirect(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest.field("redirect_url", "must be an absolute http(s) URL")
    if parts.username or parts.password:
        raise BadRequest.field("redirect_url", "must not embed credentials")
    if parts.fragment:
        raise BadRequest.field("redirect_url", "must not have a fragment")
    return url


def link_out(link: ConnectLink, url: str) -> ConnectLinkOut:
    return ConnectLinkOut(
        id=link.id,
        url=url,
        vendor=Vendor(link.vendor) if link.vendor else None,
        integration_name=link.integration_name,
        redirect_url=link.redirect_url,
        expires_at=link.expires_at,
        used_at=link.used_at,
        integration_id=link.integration_id,
    )


def create_link(
    session: Session, customer: Customer, body: ConnectLinkCreate, base_url: str
) -> ConnectLinkOut:
    if body.vendor is not None and body.vendor not in supported_vendors():
        known = ", ".join(v.value for v in supported_vendors())
        raise BadRequest.field("vendor", f"{body.vendor.value} has no connector; supported: {known}")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    days = body.expires_in_days or get_settings().connect_link_days
    link = ConnectLink(
        id=new_id("clink"),
        token_hash=token_digest(token),
        customer_id=customer.id,
        vendor=body.vendor.value if body.vendor else None,
        integration_name=body.integration_name,
        redirect_url=_check_redirect(body.redirect_url) if body.redirect_url else None,
        expires_at=now + timedelta(days=days),
        created_at=now,
    )
    session.add(link)
    session.flush()
    return link_out(link, f"{base_url.rstrip('/')}{CONNECT_PATH}/{token}")


@dataclass(frozen=True)
class LinkState:
    link: ConnectLink | None
    problem: str | None  # why the link cannot be used, in words for the person holding it


def open_link(session: Session, token: str) -> LinkState:
    if len(token) > 128:
        return LinkState(None, "This link is not valid.")
    link = session.scalars(select(ConnectLink).where(ConnectLink.token_hash == token_digest(token))).first()
    if link is None:
        return LinkState(None, "This link is not valid.")
    if link.used_at is not None:
        return LinkState(link, "This link has already been used. Ask for a new one.")
    if link.expires_at <= utcnow():
        return LinkState(link, "This link has expired. Ask for a new one.")
    return LinkState(link, None)


def claim(session: Session, link: ConnectLink) -> bool:
    """Marks the link used, in the caller's transaction, before the integration is created; False
    when another request used it first. The row stays locked until that transaction ends, so two
    submissions racing on one link create one integration."""
    now = utcnow()
    result: Any = session.execute(
        update(ConnectLink)
        .where(ConnectLink.id == link.id, ConnectLink.used_at.is_(None), ConnectLink.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def record_integration(session: Session, link: ConnectLink, integration_id: str) -> None:
    session.execute(
        update(ConnectLink)
        .where(ConnectLink.id == link.id)
        .values(integration_id=integration_id)
        .execution_options(synchronize_session=False)
    )


def redirect_target(link: ConnectLink, integration_id: str) -> str | None:
    if not link.redirect_url:
        return None
    parts = urlsplit(link.redirect_url)
    extra = urlencode({"integration_id": integration_id, "connect_link_id": link.id})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
