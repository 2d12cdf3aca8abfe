"""The outbound-URL guard: where pmsgate may send requests (PMS base URLs, webhook URLs).

Two checks, one policy:

- `check_outbound_url(field, url, *, allow_private) -> str` runs when a URL is saved (an
  integration's base URL, a webhook subscription's URL). It refuses anything but an absolute
  http(s) URL without credentials, query or fragment, and, when private URLs are not allowed,
  anything but https to a host whose every address is public. Raises `BadRequest` naming `field`;
  returns the URL without a trailing slash.
- `guarded_transport(*, allow_private, ...) -> httpx.HTTPTransport` is the connection-time check:
  an httpx transport whose every new TCP connection resolves the host, refuses it unless every
  address it resolves to is allowed, and connects to the address it checked (never resolving
  twice). A name that resolved to a public address when it was saved and was re-pointed at
  127.0.0.1 afterwards is therefore never connected to. TLS still verifies the certificate against
  the URL's host name (SNI and verification use the name, the socket uses the checked address).
  A refused connection raises `OutboundRefused`, a subclass of `httpx.ConnectError` that callers
  should not retry. Proxies from the environment are not used (the connection must go to the
  checked address). `guarded_async_transport` is the same for `httpx.AsyncClient`, and
  `checked_addresses` is the check alone, for a client of another kind (webhook deliveries).

"Public" (`is_public_address`) means globally routable: `ipaddress`'s `is_global`, and never
multicast, unspecified (0.0.0.0, ::), IPv4-mapped IPv6 (::ffff:a.b.c.d), nor a 6to4 or NAT64
address embedding a non-public IPv4. Shared address space (100.64.0.0/10, carrier-grade NAT),
loopback, link-local (169.254.0.0/16: cloud metadata), private and reserved ranges are not global.

`allow_private=True` (the embedded default, for the emulators on loopback) lets every address
through both checks; it is `Settings.allow_private_pms_urls`, off by default in scale-out mode.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import typing
from collections.abc import Callable
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

from pmsgate.errors import BadRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses a connection to it may use, in the order to try them.
Resolver = Callable[[str, int], list[str]]

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class OutboundRefused(httpx.ConnectError):
    """A connection to an address the outbound policy refuses; retrying will not help."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(address: IPAddress) -> bool:
    if address.is_multicast or address.is_unspecified or not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None or address.scope_id:
            return False
        embedded = address.sixtofour
        if embedded is None and any(address in network for network in _NAT64):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(embedded):
            return False
    return True


def _refusal(host: str, addresses: list[str]) -> str | None:
    """Why connecting to `host` (resolved to `addresses`) is refused, or None."""
    if not addresses:
        return f"host {host!r} does not resolve"
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            return f"host {host!r} resolves to {text!r}, not an IP address"
        if not is_public_address(address):
            return f"host {host!r} resolves to {address}, which is not a public address"
    return None


def check_outbound_url(field: str, url: str, *, allow_private: bool, resolver: Resolver | None = None) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest.field(field, "must be an absolute http(s) URL")
    if parts.username or parts.password:
        raise BadRequest.field(field, "must not embed credentials")
    if parts.query or parts.fragment:
        raise BadRequest.field(field, "must not have a query or fragment")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise BadRequest.field(field, "has an invalid port") from None
    if not allow_private:
        if parts.scheme != "https":
            raise BadRequest.field(field, "must use https")
        try:
            addresses = (resolver or system_resolver)(parts.hostname, port)
        except (OSError, UnicodeError):
            raise BadRequest.field(field, f"host {parts.hostname!r} does not resolve") from None
        reason = _refusal(parts.hostname, addresses)
        if reason is not None:
            raise BadRequest.field(field, f"must point at a public address ({reason})")
    return url.rstrip("/")


def _checked_addresses(host: str, port: int, resolver: Resolver) -> list[str]:
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise httpx.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
    reason = _refusal(host, addresses)
    if reason is not None:
        raise OutboundRefused(f"outbound connection refused: {reason}")
    return addresses


def checked_addresses(
    host: str, port: int, allow_private: bool, resolver: Resolver | None = None
) -> list[str]:
    """Resolve `host` once and return the addresses a connection may use; unless `allow_private`,
    raise `OutboundRefused` unless every one is public. For clients other than httpx (webhook
    deliveries): connect only to these, never to a second resolution."""
    if not allow_private:
        return _checked_addresses(host, port, resolver or system_resolver)
    try:
        addresses = (resolver or system_resolver)(host, port)
    except (OSError, UnicodeError) as exc:
        raise httpx.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
    if not addresses:
        raise httpx.ConnectError(f"cannot resolve {host!r}")
    return addresses


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _checked_addresses(host, port, self._resolver)
        last: Exception | None = None
        for address in addresses:  # connect to what was checked, never to a second resolution
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, *args: typing.Any, **kwargs: typing.Any) -> httpcore.NetworkStream:
        raise OutboundRefused("outbound connection refused: unix sockets are not allowed")


class _GuardedAsyncBackend(httpcore.AnyIOBackend):
    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await anyio.to_thread.run_sync(_checked_addresses, host, port, self._resolver)
        last: Exception | None = None
        for address in addresses:
            try:
                return await super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, *args: typing.Any, **kwargs: typing.Any
    ) -> httpcore.AsyncNetworkStream:
        raise OutboundRefused("outbound connection refused: unix sockets are not allowed")


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """The verifying client context, built once per process: building one loads the CA bundle
    (~25 ms of CPU here), which every connector (each write job, each sync run) paid twice.
    A client SSLContext is safe to share between threads and connections."""
    return httpx.create_ssl_context(verify=True, trust_env=False)


def _ssl_context(verify: ssl.SSLContext | bool) -> ssl.SSLContext:
    if verify is True:
        return default_ssl_context()
    return httpx.create_ssl_context(verify=verify, trust_env=False)


def _pool_options(verify: ssl.SSLContext | bool, limits: httpx.Limits) -> dict[str, typing.Any]:
    return {
        "ssl_context": _ssl_context(verify),
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
    }


def guarded_transport(
    *,
    allow_private: bool,
    resolver: Resolver | None = None,
    verify: ssl.SSLContext | bool = True,
    limits: httpx.Limits = DEFAULT_LIMITS,
) -> httpx.HTTPTransport:
    """A transport for `httpx.Client(transport=...)` that applies the policy to every connection.
    With `allow_private=True` it is a plain transport (still without environment proxies)."""
    transport = httpx.HTTPTransport(verify=_ssl_context(verify), limits=limits, trust_env=False)
    if not allow_private:
        transport._pool = httpcore.ConnectionPool(
            **_pool_options(verify, limits), network_backend=_GuardedBackend(resolver or system_resolver)
        )
    return transport


def guarded_async_transport(
    *,
    allow_private: bool,
    resolver: Resolver | None = None,
    verify: ssl.SSLContext | bool = True,
    limits: httpx.Limits = DEFAULT_LIMITS,
) -> httpx.AsyncHTTPTransport:
    """`guarded_transport` for `httpx.AsyncClient`."""
    transport = httpx.AsyncHTTPTransport(verify=_ssl_context(verify), limits=limits, trust_env=False)
    if not allow_private:
        transport._pool = httpcore.AsyncConnectionPool(
            **_pool_options(verify, limits),
            network_backend=_GuardedAsyncBackend(resolver or system_resolver),
        )
    return transport
