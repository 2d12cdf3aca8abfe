"""One attempt: sign the body, POST it with a timeout, and say what came of it.

The URL passed the outbound-URL guard when it was saved; every connection passes it again,
through `kit.outbound.guarded_transport` (it connects only to the address it checked, so a name
re-pointed at a private address after saving is never reached). Tests may inject another
transport. Redirects are not followed: a 3xx is a failed attempt. A connection the guard refuses
is not retried.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from pmsgate.kit.outbound import OutboundRefused, guarded_transport
from pmsgate.webhooks.signing import signature_headers

EXCERPT_BYTES = 1024
USER_AGENT = "pmsgate-webhooks/1"
RETRIABLE_4XX = frozenset({408, 409, 429})


@dataclass(frozen=True)
class Target:
    url: str
    headers: list[dict[str, str]]
    secrets: list[str]  # current first, then the previous one during its grace period


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    latency_ms: int
    error: str | None
    response_excerpt: str | None
    refused: bool = False  # by the outbound-URL guard

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retriable(self) -> bool:
        """No retry on a 4xx other than 408, 409 and 429: the receiver refused this event."""
        code = self.status_code
        if self.refused:
            return False
        return not (code is not None and 400 <= code < 500 and code not in RETRIABLE_4XX)


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def make_client(
    timeout: float, max_connections: int, *, allow_private: bool, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        transport=transport or guarded_transport(allow_private=allow_private, limits=limits),
        trust_env=False,  # never through an environment proxy: the guard must see the real host
    )


def send(client: httpx.Client, target: Target, message_id: str, body: bytes) -> AttemptResult:
    timestamp = int(time.time())
    headers = {h["header"]: h["value"] for h in target.headers}
    headers.update(
        {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            **signature_headers(target.secrets, message_id, timestamp, body),
        }
    )
    started = time.perf_counter()
    try:
        with client.stream("POST", target.url, content=body, headers=headers) as response:
            excerpt = bytearray()
            for chunk in response.iter_bytes():
                excerpt.extend(chunk)
                if len(excerpt) >= EXCERPT_BYTES:
                    break
            text = bytes(excerpt[:EXCERPT_BYTES]).decode("utf-8", errors="replace")
            return AttemptResult(response.status_code, _ms(started), None, text or None)
    except OutboundRefused as exc:
        return AttemptResult(
            None, _ms(started), f"refused by the outbound-URL guard: {exc}", None, refused=True
        )
    except httpx.TimeoutException:
        return AttemptResult(None, _ms(started), f"timed out after {client.timeout.read} s", None)
    except httpx.HTTPError as exc:
        return AttemptResult(None, _ms(started), f"{type(exc).__name__}: {exc}"[:500], None)


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def next_attempt(delays: list[float], attempts_done: int, now: datetime) -> datetime | None:
    """When to try again after `attempts_done` attempts, with up to +25% jitter so a receiver
    coming back is not hit by every retry at once; None once the schedule is used up."""
    if attempts_done > len(delays):
        return None
    delay = delays[attempts_done - 1]
    return now + timedelta(seconds=delay * (1 + random.uniform(0, 0.25)))
