"""The outbound-URL guard: where pmsgate may send requests (PMS base URLs, webhook URLs)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from pmsgate.errors import BadRequest


def check_outbound_url(field: str, url: str, *, allow_private: bool) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest.field(field, "must be an absolute http(s) URL")
    if parts.username or parts.password:
        raise BadRequest.field(field, "must not embed credentials")
    if parts.query or parts.fragment:
        raise BadRequest.field(field, "must not have a query or fragment")
    if not allow_private:
        if parts.scheme != "https":
            raise BadRequest.field(field, "must use https")
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
        except socket.gaierror:
            raise BadRequest.field(field, f"host {parts.hostname!r} does not resolve") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
                raise BadRequest.field(field, "must not point at a private, loopback or link-local address")
    return url.rstrip("/")
