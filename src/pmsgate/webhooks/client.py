"""A lean HTTP/1.1 client for webhook deliveries: asyncio, httptools' parser, keep-alive.

Deliveries are many small POSTs to few receivers, so this client does only that: one request
head prepared per webhook (`Endpoint`), connections kept alive and reused per origin, and a
response read for its status code and the first `EXCERPT_BYTES` of its body. About a tenth of the
CPU of an httpx request, which is what a delivery's cost was.

The outbound-URL guard runs on every new connection, as `kit.outbound.guarded_transport` does
for httpx: the host is resolved once, every address is checked (`kit.outbound.checked_addresses`),
and the socket connects to a checked address, never to a second resolution; TLS verifies the
certificate against the URL's host name. A refused connection raises `OutboundRefused`. No proxy,
no redirects (a 3xx is an answer like any other), no unix sockets.

A reused connection that the receiver closed while it was idle is noticed by the event loop (and
dropped from the pool); if one still fails before any byte of the answer arrives, the request is
sent once more on a new connection (deliveries are at-least-once: receivers drop duplicates by
`webhook-id`).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httptools

from pmsgate.kit.outbound import OutboundRefused, Resolver, checked_addresses, default_ssl_context

EXCERPT_BYTES = 1024
KEEPALIVE_SECONDS = 5.0  # an idle connection older than this is closed, not reused
MAX_IDLE_PER_ORIGIN = 64
# Headers this client writes itself: a webhook's own headers cannot replace or add to them.
RESERVED = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te"}
)


class ConnectError(Exception):
    """The connection could not be made or broke before the answer was complete."""


@dataclass(frozen=True)
class Endpoint:
    """A webhook URL and its fixed headers, prepared once: `head` is the request line and every
    header but the per-delivery ones (content-length, signatures)."""

    scheme: str
    host: str
    port: int
    head: bytes
    invalid: str | None = None  # why no request can be sent (an attempt fails with this)

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


def prepare(url: str, headers: list[tuple[str, str]]) -> Endpoint:
    """`headers` in order; a later one with the same name (case-insensitive) replaces an earlier
    one, as the signature headers, added last, replace a webhook's own of the same name."""
    parts = urlsplit(url)
    scheme, host = parts.scheme, parts.hostname or ""
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return Endpoint(scheme, host, 0, b"", invalid=f"invalid port in {url!r}")
    if scheme not in ("http", "https") or not host:
        return Endpoint(scheme, host, port, b"", invalid=f"not an absolute http(s) URL: {url!r}")
    ascii_host = host if host.isascii() else host.encode("idna").decode()
    netloc = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    if parts.port is not None and port != (443 if scheme == "https" else 80):
        netloc = f"{netloc}:{port}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    chosen: dict[str, tuple[str, str]] = {}
    for name, value in headers:
        if any(c in value for c in "\r\n\0") or any(c in name for c in "\r\n\0: "):
            return Endpoint(scheme, host, port, b"", invalid=f"invalid header {name!r}")
        if name.lower() not in RESERVED:
            chosen[name.lower()] = (name, value)
    lines = [f"POST {target} HTTP/1.1", f"host: {netloc}"]
    lines += [f"{name}: {value}" for name, value in chosen.values()]
    head = ("\r\n".join(lines) + "\r\n").encode()
    return Endpoint(scheme, host, port, head)


@dataclass(frozen=True)
class Answer:
    status_code: int
    excerpt: bytes


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; one request at a time."""

    def __init__(self, origin: tuple[str, str, int]) -> None:
        self.origin = origin
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.closed = False
        self.idle_since = 0.0
        self._waiter: asyncio.Future[Answer] | None = None
        self._status = 0
        self._excerpt = bytearray()
        self._got_bytes = False
        self._headers_done = False
        self.reusable = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._got_bytes = True
        if self._waiter is None:  # bytes nobody asked for: the connection is not usable
            self.close()
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(ConnectError("the receiver switched protocols"))
        except httptools.HttpParserError as exc:
            self._fail(ConnectError(f"invalid HTTP answer: {exc}"))

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            if self._headers_done:  # an answer delimited by the connection's close
                self._finish(reusable=False)
            else:
                self._fail(ConnectError(f"connection closed before an answer{f': {exc}' if exc else ''}"))

    # httptools callbacks
    def on_headers_complete(self) -> None:
        self._status = self.parser.get_status_code()
        self._headers_done = not 100 <= self._status < 200  # not an interim answer

    def on_body(self, body: bytes) -> None:
        room = EXCERPT_BYTES - len(self._excerpt)
        if room > 0:
            self._excerpt += body[:room]
        if len(self._excerpt) >= EXCERPT_BYTES and self._waiter is not None and not self._waiter.done():
            self._finish(reusable=False)  # enough of a long answer: do not read the rest

    def on_message_complete(self) -> None:
        if 100 <= self._status < 200:  # an interim answer (100 Continue...): the real one follows
            self._excerpt.clear()
            return
        if self._waiter is not None and not self._waiter.done():
            self._finish(reusable=self.parser.should_keep_alive())

    # the exchange
    def _finish(self, *, reusable: bool) -> None:
        assert self._waiter is not None
        self.reusable = reusable and not self.closed
        self._waiter.set_result(Answer(self._status, bytes(self._excerpt)))

    def _fail(self, exc: Exception) -> None:
        self.reusable = False
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc)
        self.close()

    async def exchange(self, request: bytes) -> Answer:
        assert self.transport is not None
        if self.closed or self.transport.is_closing():
            raise ConnectError("connection closed before the request")
        self._waiter = asyncio.get_running_loop().create_future()
        self._status, self._got_bytes, self._headers_done, self.reusable = 0, False, False, False
        self._excerpt = bytearray()
        self.transport.write(request)
        try:
            return await self._waiter
        finally:
            self._waiter = None
            if not self.reusable:
                self.close()

    @property
    def answered(self) -> bool:
        """Whether any byte of an answer arrived for the last request."""
        return self._got_bytes

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class DeliveryClient:
    """Sends prepared requests; use from one event loop. `resolver` is for tests (a fake DNS)."""

    def __init__(
        self,
        *,
        timeout: float,
        allow_private: bool,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.allow_private = allow_private
        self._resolver = resolver
        self._ssl = ssl_context
        self._clock = clock
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = default_ssl_context()
        return self._ssl

    async def post(self, endpoint: Endpoint, request: bytes) -> Answer:
        """Send `request` (the whole request: `endpoint.head`, the per-delivery headers, a blank
        line and the body) and read the answer, within the timeout.
        Raises OutboundRefused, ConnectError or TimeoutError."""
        if endpoint.invalid is not None:
            raise ConnectError(endpoint.invalid)
        async with asyncio.timeout(self.timeout):
            connection = self._pooled(endpoint.origin)
            if connection is not None:
                try:
                    return await self._exchange(connection, request)
                except ConnectError:
                    if connection.answered:
                        raise
                    # Closed by the receiver while idle, before it read the request: once more, anew.
            connection = await self._connect(endpoint)
            return await self._exchange(connection, request)

    async def _exchange(self, connection: _Connection, request: bytes) -> Answer:
        answer = await connection.exchange(request)
        if connection.reusable:
            connection.idle_since = self._clock()
            idle = self._idle.setdefault(connection.origin, [])
            if len(idle) < MAX_IDLE_PER_ORIGIN:
                idle.append(connection)
            else:
                connection.close()
        return answer

    def _pooled(self, origin: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(origin)
        oldest = self._clock() - KEEPALIVE_SECONDS
        while idle:
            connection = idle.pop()  # the most recently used: the least likely to be closed
            if not connection.closed and connection.idle_since >= oldest:
                return connection
            connection.close()
        return None

    async def _connect(self, endpoint: Endpoint) -> _Connection:
        loop = asyncio.get_running_loop()
        addresses = await loop.run_in_executor(
            None, checked_addresses, endpoint.host, endpoint.port, self.allow_private, self._resolver
        )
        tls = endpoint.scheme == "https"
        last: Exception | None = None
        for address in addresses:  # the checked addresses only: never a second resolution
            try:
                _, protocol = await loop.create_connection(
                    lambda: _Connection(endpoint.origin),
                    host=address,
                    port=endpoint.port,
                    ssl=self._ssl_context() if tls else None,
                    server_hostname=endpoint.host if tls else None,
                )
                return protocol
            except OSError as exc:
                last = exc
        raise ConnectError(f"cannot connect to {endpoint.host}:{endpoint.port}: {last}")

    def close(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()


__all__ = ["Answer", "ConnectError", "DeliveryClient", "Endpoint", "OutboundRefused", "prepare"]
