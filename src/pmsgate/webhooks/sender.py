"""One attempt: sign the body, POST it with a timeout, and say what came of it.

The URL passed the outbound-URL guard when it was saved; every connection passes it again
(`webhooks.client`: it resolves once, checks every address and connects only to a checked one,
so a name re-pointed at a private address after saving is never reached). Redirects are not
followed: a 3xx is a failed attempt. A connection the guard refuses is not retried.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from pmsgate.kit.outbound import OutboundRefused
from pmsgate.webhooks.client import ConnectError, DeliveryClient, Endpoint, prepare
from pmsgate.webhooks.signing import Signer

EXCERPT_BYTES = 1024
USER_AGENT = "pmsgate-webhooks/1"
RETRIABLE_4XX = frozenset({408, 409, 429})
# Written per delivery: a webhook's own header of the same name is dropped (the signature wins).
SIGNATURE_HEADERS = frozenset(
    {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "propexo-signature",
        "propexo-signature-previous",
    }
)


@dataclass(frozen=True)
class Target:
    url: str
    headers: list[dict[str, str]]
    secrets: list[str]  # current first, then the previous one during its grace period
    # Prepared once per webhook version: the request head and the keyed signers.
    endpoint: Endpoint = field(init=False, repr=False, compare=False)
    signer: Signer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        own = [(h["header"], h["value"]) for h in self.headers]
        fixed = [(name, value) for name, value in own if name.lower() not in SIGNATURE_HEADERS]
        fixed += [("content-type", "application/json"), ("user-agent", USER_AGENT)]
        object.__setattr__(self, "endpoint", prepare(self.url, fixed))
        object.__setattr__(self, "signer", Signer(self.secrets))


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


def make_client(timeout: float, *, allow_private: bool) -> DeliveryClient:
    return DeliveryClient(timeout=timeout, allow_private=allow_private)


def request_bytes(target: Target, message_id: str, timestamp: int, body: bytes) -> bytes:
    """The whole request: the webhook's prepared head, the length, the signatures, the body."""
    endpoint = target.endpoint
    return b"".join(
        (
            endpoint.head,
            b"content-length: %d\r\n" % len(body),
            target.signer.header_lines(message_id, timestamp, body),
            b"\r\n",
            body,
        )
    )


async def send(client: DeliveryClient, target: Target, message_id: str, body: bytes) -> AttemptResult:
    started = time.perf_counter()
    try:
        answer = await client.post(target.endpoint, request_bytes(target, message_id, int(time.time()), body))
    except OutboundRefused as exc:
        return AttemptResult(
            None, _ms(started), f"refused by the outbound-URL guard: {exc}", None, refused=True
        )
    except TimeoutError:
        return AttemptResult(None, _ms(started), f"timed out after {client.timeout} s", None)
    except (ConnectError, httpx.HTTPError, OSError) as exc:
        return AttemptResult(None, _ms(started), f"{type(exc).__name__}: {exc}"[:500], None)
    text = answer.excerpt[:EXCERPT_BYTES].decode("utf-8", errors="replace")
    return AttemptResult(answer.status_code, _ms(started), None, text or None)


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def next_attempt(delays: list[float], attempts_done: int, now: datetime) -> datetime | None:
    """When to try again after `attempts_done` attempts, with up to +25% jitter so a receiver
    coming back is not hit by every retry at once; None once the schedule is used up."""
    if attempts_done > len(delays):
        return None
    delay = delays[attempts_done - 1]
    return now + timedelta(seconds=delay * (1 + random.uniform(0, 0.25)))
