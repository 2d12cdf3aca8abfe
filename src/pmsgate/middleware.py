"""ASGI middleware: request size bound, NUL refusal in JSON bodies, rate-limit headers on every
response, request metrics."""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pmsgate.errors import BadRequest, PayloadTooLarge
from pmsgate.metrics import HTTP_LATENCY, HTTP_REQUESTS


class _HttpMiddleware:
    """Pure ASGI middleware for HTTP requests; anything else (lifespan) passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class BodyLimitMiddleware(_HttpMiddleware):
    """Read the whole request body before the app sees it: refuse it with 413 once it passes the
    size bound, whether announced by Content-Length or streamed in chunks, and refuse a JSON
    body carrying a NUL character in any string or key with 400 naming where (PostgreSQL cannot
    store NUL in text; SQLite would store what PostgreSQL refuses)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        too_large = PayloadTooLarge(f"request body is larger than {self.max_bytes} bytes")
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await _send_error(send, too_large)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await _send_error(send, too_large)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and b"json" in headers.get(b"content-type", b""):
            issue = _nul_in_json(body)
            if issue is not None:
                await _send_error(send, BadRequest.field(issue, "must not contain NUL characters"))
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _nul_in_json(body: bytes) -> list[str | int] | None:
    """The path of the first string or key holding a NUL, or None (also for malformed JSON,
    which the app answers itself)."""
    if b"\\u0000" not in body.lower() and b"\x00" not in body:
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None
    stack: list[tuple[list[str | int], Any]] = [([], document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and "\x00" in value:
            return path or ["body"]
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    return [*path, key]
                stack.append(([*path, key], item))
        elif isinstance(value, list):
            stack.extend(([*path, index], item) for index, item in enumerate(value))
    return None


class RateLimitHeadersMiddleware(_HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                usage = scope.get("state", {}).get("rate_usage")
                if usage is not None:
                    headers = list(message.get("headers", []))
                    headers.append((b"x-ratelimit-limit", str(usage.limit).encode()))
                    headers.append((b"x-ratelimit-remaining", str(max(0, usage.remaining)).encode()))
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _send_error(send: Send, error: Any) -> None:
    body = json.dumps(error.body()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status_code,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class MetricsMiddleware(_HttpMiddleware):
    """Counts API requests by route template (not raw path, so ids do not explode the labels)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            if template != "/metrics":
                method = scope.get("method", "")
                HTTP_REQUESTS.labels(method, template, str(status)).inc()
                HTTP_LATENCY.labels(method, template).observe(time.perf_counter() - started)
