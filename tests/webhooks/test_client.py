"""The delivery client (webhooks/client.py): the outbound guard on every connection, keep-alive,
answers of every framing, timeouts, header safety; and the prepared signer."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from pmsgate.kit import outbound
from pmsgate.kit.outbound import OutboundRefused
from pmsgate.webhooks.client import ConnectError, DeliveryClient, prepare
from pmsgate.webhooks.sender import Target, request_bytes, send
from pmsgate.webhooks.signing import Signer, generate_secret, signature_headers
from tests.kit.test_outbound import FakeDns, dns  # noqa: F401  (the fixture)

OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"


class Server:
    """A loopback HTTP/1.1 server: counts connections and requests, answers `answer` (bytes, or
    a function of the request number), closes after each answer when `close`, and waits
    `hang` seconds before answering."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.answer: Any = OK
        self.close = False
        self.hang = 0.0
        self.connections = 0
        self.requests: list[bytes] = []
        self.conns: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self.conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while not self._stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    try:
                        data = conn.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    buffer += data
                head, _, rest = buffer.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + rest[:length])
                buffer = rest[length:]
                if self.hang:
                    time.sleep(self.hang)
                answer = self.answer(len(self.requests)) if callable(self.answer) else self.answer
                if answer is None:  # hang up without a word
                    return
                try:
                    conn.sendall(answer)
                except OSError:
                    return
                if self.close:
                    return

    def drop_idle(self) -> None:
        """Close every connection from the server's side (as an idle timeout would)."""
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self._stop.set()
        self.drop_idle()
        self.sock.close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


def post(client: DeliveryClient, url: str, body: bytes = b"{}") -> Any:
    endpoint = prepare(url, [])
    request = endpoint.head + b"content-length: %d\r\n\r\n" % len(body) + body
    return client.post(endpoint, request)


def run(*coroutines: Any) -> list[Any]:
    async def all_of() -> list[Any]:
        return [await c for c in coroutines]

    return asyncio.run(all_of())


def test_a_name_re_pointed_at_loopback_is_never_connected_to(
    dns: FakeDns,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    server: Server,
) -> None:
    # Here 127.0.0.1 stands for a public address, 127.0.0.2 for a private one.
    monkeypatch.setattr(outbound, "is_public_address", lambda a: str(a) == "127.0.0.1")
    other = Server("127.0.0.2", server.port)
    server.close = True  # every request needs a new connection, so each one is checked again
    try:
        dns.names["hooks.example.test"] = ["127.0.0.1"]
        url = f"http://hooks.example.test:{server.port}/hook"

        async def scenario() -> None:
            client = DeliveryClient(timeout=5, allow_private=False)
            assert (await post(client, url)).status_code == 200
            assert server.connections == 1 and dns.lookups == ["hooks.example.test"]
            dns.names["hooks.example.test"] = ["127.0.0.2"]  # re-pointed after the first connection
            with pytest.raises(OutboundRefused, match=r"resolves to 127\.0\.0\.2"):
                await post(client, url)
            dns.names["hooks.example.test"] = ["127.0.0.1", "127.0.0.2"]  # one bad address is enough
            with pytest.raises(OutboundRefused):
                await post(client, url)
            client.close()

        asyncio.run(scenario())
        assert other.connections == 0
        assert dns.lookups == ["hooks.example.test"] * 3  # one lookup per connection
    finally:
        other.stop()


def test_loopback_literals_and_their_other_spellings_are_refused(server: Server) -> None:
    async def scenario() -> None:
        client = DeliveryClient(timeout=5, allow_private=False)
        for host in ("127.0.0.1", "[::ffff:127.0.0.1]", "0.0.0.0", "2130706433", "localhost"):
            with pytest.raises(OutboundRefused):
                await post(client, f"http://{host}:{server.port}/hook")
        allowed = DeliveryClient(timeout=5, allow_private=True)
        assert (await post(allowed, f"http://127.0.0.1:{server.port}/hook")).status_code == 200
        allowed.close()

    asyncio.run(scenario())
    assert server.connections == 1


def test_send_reports_a_refusal_as_not_retriable(server: Server) -> None:
    target = Target(url=f"http://127.0.0.1:{server.port}/hook", headers=[], secrets=["s" * 12])
    client = DeliveryClient(timeout=5, allow_private=False)
    [result] = run(send(client, target, "evt_1", b"{}"))
    assert result.refused and not result.retriable and "outbound-URL guard" in result.error
    assert server.connections == 0


def test_connections_are_kept_alive_and_renewed_when_the_receiver_closed_them(server: Server) -> None:
    url = f"http://127.0.0.1:{server.port}/hook"

    async def scenario() -> None:
        client = DeliveryClient(timeout=5, allow_private=True)
        for _ in range(20):
            assert (await post(client, url)).status_code == 200
        assert server.connections == 1
        # Four at once: four connections, then all four reused.
        answers = await asyncio.gather(*(post(client, url) for _ in range(4)))
        assert [a.status_code for a in answers] == [200] * 4
        answers = await asyncio.gather(*(post(client, url) for _ in range(4)))
        assert server.connections == 4
        # The receiver closes its idle connections: the next requests go out on new ones.
        server.drop_idle()
        await asyncio.sleep(0.2)
        for _ in range(3):
            assert (await post(client, url)).status_code == 200
        assert server.connections == 5
        client.close()

    asyncio.run(scenario())
    assert len(server.requests) == 31


def test_a_kept_connection_closed_before_any_answer_is_retried_once_on_a_new_one(server: Server) -> None:
    """The receiver closes an idle connection just as a request goes out on it (here: it reads
    the second request and closes without a word)."""
    server.answer = lambda number: None if number == 2 else OK
    url = f"http://127.0.0.1:{server.port}/hook"
    client = DeliveryClient(timeout=5, allow_private=True)
    first, second = run(post(client, url), post(client, url))
    assert first.status_code == second.status_code == 200
    assert server.connections == 2 and len(server.requests) == 3
    # On a new connection the same is a failed attempt (retried later by the schedule).
    server.answer, server.close = (lambda number: None), False
    with pytest.raises(ConnectError, match="closed before an answer"):
        run(post(DeliveryClient(timeout=5, allow_private=True), url))


@pytest.mark.parametrize(
    ("answer", "status", "excerpt"),
    [
        (b"HTTP/1.1 204 No Content\r\n\r\n", 204, b""),
        (
            b"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
            201,
            b"abcde",
        ),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Oops\r\ncontent-length: 4\r\n\r\nfail", 500, b"fail"),
        (b"HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:9/\r\ncontent-length: 0\r\n\r\n", 302, b""),
        (b"HTTP/1.0 200 OK\r\n\r\nuntil the end", 200, b"until the end"),  # delimited by the close
        (b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n" + b"x" * 100_000, 200, b"x" * 1024),
    ],
)
def test_answers_of_every_framing(server: Server, answer: bytes, status: int, excerpt: bytes) -> None:
    server.answer = answer
    server.close = answer.startswith(b"HTTP/1.0")
    url = f"http://127.0.0.1:{server.port}/hook"
    client = DeliveryClient(timeout=5, allow_private=True)
    first, second = run(post(client, url), post(client, url))
    assert (first.status_code, first.excerpt) == (status, excerpt)
    assert (second.status_code, second.excerpt) == (status, excerpt)


def test_garbage_and_silence_fail_the_attempt(server: Server) -> None:
    url = f"http://127.0.0.1:{server.port}/hook"
    server.answer = b"SMTP ready\r\n\r\n"
    with pytest.raises(ConnectError, match="invalid HTTP answer"):
        run(post(DeliveryClient(timeout=5, allow_private=True), url))
    server.answer, server.hang = OK, 1.0
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        run(post(DeliveryClient(timeout=0.3, allow_private=True), url))
    assert time.monotonic() - started < 0.9
    target = Target(url=url, headers=[], secrets=["s" * 12])
    [result] = run(send(DeliveryClient(timeout=0.3, allow_private=True), target, "evt_1", b"{}"))
    assert result.status_code is None and result.error == "timed out after 0.3 s" and result.retriable


def test_nothing_listening_is_a_retriable_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = Target(url=f"http://127.0.0.1:{port}/hook", headers=[], secrets=["s" * 12])
    [result] = run(send(DeliveryClient(timeout=2, allow_private=True), target, "evt_1", b"{}"))
    assert result.status_code is None and result.retriable and result.error.startswith("ConnectError")


def test_request_head_and_header_safety(server: Server) -> None:
    own = [
        {"header": "X-Team", "value": "billing"},
        {"header": "Content-Length", "value": "0"},  # cannot reframe the request
        {"header": "transfer-encoding", "value": "chunked"},
        {"header": "Host", "value": "elsewhere.test"},
        {"header": "webhook-id", "value": "forged"},  # the signature headers win
        {"header": "Content-Type", "value": "text/plain"},  # ours win, as before
    ]
    target = Target(url=f"http://127.0.0.1:{server.port}/hook/x", headers=own, secrets=["s" * 12])
    [result] = run(send(DeliveryClient(timeout=5, allow_private=True), target, "evt_1", b'{"a":1}'))
    assert result.status_code == 200 and result.response_excerpt == "ok"
    [request] = server.requests
    head, _, body = request.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /hook/x HTTP/1.1"
    names = [line.split(":", 1)[0].lower() for line in lines[1:]]
    assert len(names) == len(set(names))  # each header once
    values = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in lines[1:]}
    assert values["host"] == f"127.0.0.1:{server.port}" and values["content-length"] == "7"
    assert values["x-team"] == "billing" and values["webhook-id"] == "evt_1"
    assert values["content-type"] == "application/json" and "transfer-encoding" not in values
    assert body == b'{"a":1}'

    injected = Target(
        url=f"http://127.0.0.1:{server.port}/hook",
        headers=[{"header": "x-a", "value": "1\r\nx-injected: 1"}],
        secrets=["s" * 12],
    )
    [refused] = run(send(DeliveryClient(timeout=5, allow_private=True), injected, "evt_2", b"{}"))
    assert refused.status_code is None and "invalid header" in refused.error
    assert len(server.requests) == 1


def test_host_header_of_default_ports_and_ipv6() -> None:
    assert prepare("https://hooks.example.test/a", []).head.startswith(
        b"POST /a HTTP/1.1\r\nhost: hooks.example.test\r\n"
    )
    assert b"host: [::1]:8443\r\n" in prepare("https://[::1]:8443/", []).head
    assert prepare("ftp://x/", []).invalid is not None


@pytest.mark.parametrize("rotating", [False, True])
def test_the_prepared_signer_signs_as_signature_headers_does(rotating: bool) -> None:
    secrets = [generate_secret(), "chosen-by-customer"][: 2 if rotating else 1]
    body = '{"trigger":"DATA_UPDATE","data":{"name":"Café"}}'.encode()
    expected = signature_headers(secrets, "evt_1", 1_700_000_000, body)
    lines = Signer(secrets).header_lines("evt_1", 1_700_000_000, body).decode().split("\r\n")
    assert dict(line.split(": ", 1) for line in lines if line) == expected
    target = Target(url="http://h/", headers=[], secrets=secrets)
    request = request_bytes(target, "evt_1", 1_700_000_000, body)
    assert request.endswith(b"\r\n\r\n" + body)
