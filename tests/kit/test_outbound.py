"""The outbound-address policy, at save time and on every connection.

Names under `.example.test` resolve through a fake DNS (socket.getaddrinfo patched, so the system
resolver every HTTP client uses sees it too). Only loopback addresses are ever connected to: the
public address below is only resolved, at save time, never dialled.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from pmsgate.config import Settings, get_settings
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.registry import ConnectorContext, build_connector
from pmsgate.errors import BadRequest
from pmsgate.kit import outbound
from pmsgate.kit.db import session_factory
from pmsgate.kit.outbound import (
    OutboundRefused,
    check_outbound_url,
    guarded_async_transport,
    guarded_transport,
    is_public_address,
)
from pmsgate.models.sync import SyncRun
from tests.fixtures.api import make_customer
from tests.fixtures.sample import create_integration, run_queued_syncs

PUBLIC = "93.184.215.14"  # a global address; resolved in these tests, never connected to


class FakeDns:
    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.lookups: list[str] = []
        self._real = socket.getaddrinfo

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.names:
            return self._real(host, port, *args, **kwargs)
        self.lookups.append(name)
        port_number = int(port or 0)
        found = []
        for text in self.names[name]:
            if ":" in text:
                found.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (text, port_number, 0, 0)))
            else:
                found.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (text, port_number)))
        return found


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    fake = FakeDns()
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake


class CountingServer:
    """Counts TCP connections accepted on a loopback address; answers a tiny HTTP 200."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                except OSError:
                    pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[CountingServer]:
    server = CountingServer()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
        ("100.127.255.254", False),
        ("0.0.0.0", False),
        ("::", False),
        ("127.0.0.1", False),
        ("::1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("fe80::1", False),
        ("fc00::1", False),
        ("224.0.0.1", False),  # multicast: is_global says True
        ("239.255.255.250", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("::ffff:8.8.8.8", False),
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
        ("198.18.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
    ],
)
def test_only_globally_routable_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "addresses",
    [["100.64.0.1"], ["::ffff:127.0.0.1"], ["0.0.0.0"], ["224.0.0.1"], [PUBLIC, "100.64.12.7"]],
)
def test_save_refuses_a_name_with_any_non_public_address(dns: FakeDns, addresses: list[str]) -> None:
    dns.names["pms.example.test"] = addresses
    with pytest.raises(BadRequest) as refused:
        check_outbound_url("base_url", "https://pms.example.test/api", allow_private=False)
    assert "not a public address" in str(refused.value)


def test_save_accepts_a_public_name_and_allows_private_only_when_told(dns: FakeDns) -> None:
    dns.names["pms.example.test"] = [PUBLIC]
    url = "https://pms.example.test/api/"
    assert check_outbound_url("u", url, allow_private=False) == url.rstrip("/")
    dns.names["pms.example.test"] = ["100.64.0.1"]
    assert check_outbound_url("u", url, allow_private=True) == url.rstrip("/")
    with pytest.raises(BadRequest):
        check_outbound_url("u", "http://pms.example.test", allow_private=False)  # https only


def test_transport_connects_to_the_checked_address_and_rechecks_each_connection(
    dns: FakeDns, monkeypatch: pytest.MonkeyPatch, listener: CountingServer
) -> None:
    # In this test 127.0.0.1 stands for a public address, 127.0.0.2 for a private one.
    monkeypatch.setattr(outbound, "is_public_address", lambda a: str(a) == "127.0.0.1")
    other = CountingServer("127.0.0.2", listener.port)
    try:
        dns.names["pms.example.test"] = ["127.0.0.1"]
        url = f"http://pms.example.test:{listener.port}/x"
        with httpx.Client(transport=guarded_transport(allow_private=False)) as client:
            assert client.get(url).text == "ok"
            assert listener.accepted == 1 and dns.lookups == ["pms.example.test"]
            dns.names["pms.example.test"] = ["127.0.0.2"]  # re-pointed after the first connection
            with pytest.raises(OutboundRefused, match=r"resolves to 127\.0\.0\.2"):
                client.get(url)
        assert other.accepted == 0
        assert dns.lookups == ["pms.example.test", "pms.example.test"]  # one lookup per connection
    finally:
        other.stop()


def test_transport_refuses_loopback_literals_and_mapped_forms(listener: CountingServer) -> None:
    with httpx.Client(transport=guarded_transport(allow_private=False)) as client:
        for host in ("127.0.0.1", "[::ffff:127.0.0.1]", "0.0.0.0", "2130706433", "localhost"):
            with pytest.raises(OutboundRefused):
                client.get(f"http://{host}:{listener.port}/")
    assert listener.accepted == 0
    with httpx.Client(transport=guarded_transport(allow_private=True)) as client:
        assert client.get(f"http://127.0.0.1:{listener.port}/").text == "ok"


def test_connectors_refuse_by_default_a_name_re_pointed_at_loopback(dns: FakeDns) -> None:
    """Connectors build their client without a transport: the policy applies by default."""
    context = ConnectorContext(
        integration_id="intg_x",
        vendor="SAMPLE1",  # type: ignore[arg-type]
        base_url="https://pms.example.test",
        credentials={},
        retry=RetryPolicy(max_attempts=2, sleep=lambda _s: None),
    )
    settings = get_settings()
    saved = settings.allow_private_pms_urls
    settings.allow_private_pms_urls = False
    try:
        connector = build_connector(context)
    finally:
        settings.allow_private_pms_urls = saved
    dns.names["pms.example.test"] = ["127.0.0.1"]
    try:
        with pytest.raises(Exception, match="not a public address"):
            connector.check_credentials()
    finally:
        connector.close()


def test_sync_never_connects_to_a_name_re_pointed_at_loopback_after_save(
    dns: FakeDns, monkeypatch: pytest.MonkeyPatch, listener: CountingServer
) -> None:
    monkeypatch.setattr(get_settings(), "allow_private_pms_urls", False)
    dns.names["pms.example.test"] = [PUBLIC]
    customer = make_customer()
    _integration_id, dispatcher = create_integration(customer, f"https://pms.example.test:{listener.port}")
    run_id = dispatcher.sync_runs[0]
    dns.names["pms.example.test"] = ["127.0.0.1"]  # the DNS record changes after the save

    def fast(context: ConnectorContext) -> Any:
        return build_connector(replace(context, retry=RetryPolicy(max_attempts=3, sleep=lambda _s: None)))

    assert run_queued_syncs(dispatcher, builder=fast) == ["FAILED"]
    assert listener.accepted == 0
    with session_factory()() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None and run.error is not None
        assert "resolves to 127.0.0.1, which is not a public address" in run.error


def test_private_urls_are_refused_by_default_in_scale_out_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PMSGATE_ALLOW_PRIVATE_PMS_URLS", raising=False)
    monkeypatch.delenv("PMSGATE_DATABASE_URL", raising=False)
    assert Settings(database_url=None).allow_private_urls is True
    scale_out = Settings(database_url="postgresql+psycopg://db.internal/pmsgate")
    assert scale_out.mode == "scale-out" and scale_out.allow_private_urls is False
    monkeypatch.setenv("PMSGATE_ALLOW_PRIVATE_PMS_URLS", "true")
    assert Settings(database_url="postgresql+psycopg://db.internal/pmsgate").allow_private_urls is True
    monkeypatch.setenv("PMSGATE_ALLOW_PRIVATE_PMS_URLS", "false")
    assert Settings(database_url=None).allow_private_urls is False


def test_async_transport_applies_the_same_policy(listener: CountingServer) -> None:
    async def fetch(allow_private: bool) -> str:
        transport = guarded_async_transport(allow_private=allow_private)
        async with httpx.AsyncClient(transport=transport) as client:
            return (await client.get(f"http://127.0.0.1:{listener.port}/")).text

    with pytest.raises(OutboundRefused):
        asyncio.run(fetch(False))
    assert listener.accepted == 0
    assert asyncio.run(fetch(True)) == "ok"


def test_transports_share_one_verifying_ssl_context() -> None:
    """Building a verifying context loads the CA bundle (tens of ms): once per process."""
    from pmsgate.kit.outbound import default_ssl_context, guarded_transport

    guarded = [guarded_transport(allow_private=False), guarded_transport(allow_private=False)]
    plain = guarded_transport(allow_private=True)
    contexts = {id(t._pool._ssl_context) for t in [*guarded, plain]}
    assert contexts == {id(default_ssl_context())}
    assert default_ssl_context().verify_mode.name == "CERT_REQUIRED"
