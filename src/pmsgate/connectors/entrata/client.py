"""Entrata over `VendorHttp`: JSON-RPC, one POST per call to `{base}/{service}`.

    body  {"auth": {"type": "apikey"}, "requestId": "7",
           "method": {"name": "getLeases", "version": "r2", "params": {...}}}
    ok    {"response": {"requestId": "7", "code": 200, "result": {...}}}
    error {"response": {"requestId": "7", "error": {"code": 301, "message": "..."}}}

Entrata may answer an error envelope with HTTP 200, so every body is checked, whatever the
status. Error codes map to the connector's errors: 401 (and 1xx, "authentication") ->
AuthError, 429 -> RateLimited, 5xx -> TransientError (OutcomeUnknown for a write), any other
code -> PermanentError (VendorRejected for a write). A method the key may not call (403, or
Entrata's 102) is an AuthError with status 403, so `data_access` marks only that model.

Rate limits are per method and credential set, per minute, hour and day, stated on every answer:
    X-RateLimit-Limit: 15000/DAY;1000/HOUR;150/MINUTE
    X-RateLimit-Remaining: 14996/DAY;999/HOUR;149/MINUTE
    X-RateLimit-Reset: 36686;686;26            (seconds until each window resets)
A response hook reads them after every call. Since the limits are per method, the wait they
call for (until the reset when a window is spent; the rest of the window spread over the calls
left when less than a tenth of it remains) is held against that method: the integration's request
budget is drained (`TokenBucket.pause`) before that method is called again, so a sync slows down
instead of running into 429s while other methods go on. A 429 drains the budget at once, for
the reset the headers state, so the retry waits for the window to reopen.

JSON numbers are parsed as Decimal, so money keeps its exact digits.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from pmsgate.connectors.errors import (
    AuthError,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    TransientError,
    VendorRejected,
)
from pmsgate.connectors.http import VendorHttp
from pmsgate.connectors.throttle import TokenBucket

LOW_SHARE = 0.1  # below this share of a window left, requests are spread over its remainder


@dataclass(frozen=True)
class Rpc:
    """One Entrata method: the service path it is posted to, its name and version."""

    service: str
    name: str
    version: str = "r1"


@dataclass(frozen=True)
class Window:
    name: str  # MINUTE, HOUR, DAY
    limit: int
    remaining: int
    reset: float  # seconds


def parse_limits(headers: httpx.Headers | dict[str, str]) -> list[Window]:
    """The windows stated by X-RateLimit-* headers ([] when absent or unreadable)."""
    limits = headers.get("x-ratelimit-limit") or ""
    remaining = headers.get("x-ratelimit-remaining") or ""
    resets = (headers.get("x-ratelimit-reset") or "").split(";")
    windows: list[Window] = []
    try:
        left = {part.split("/")[1].upper(): int(part.split("/")[0]) for part in remaining.split(";") if part}
        for index, part in enumerate(p for p in limits.split(";") if p):
            count, name = part.split("/")
            reset = float(resets[index]) if index < len(resets) and resets[index] else 60.0
            windows.append(Window(name.upper(), int(count), left.get(name.upper(), int(count)), reset))
    except (ValueError, IndexError):
        return []
    return windows


def wait_for(windows: list[Window]) -> float:
    """Seconds to hold the next request back: the reset of a spent window, else the window's
    remainder spread over what is left of it when that is under LOW_SHARE; 0 otherwise."""
    wait = 0.0
    for window in windows:
        if window.remaining <= 0:
            wait = max(wait, window.reset)
        elif window.remaining < window.limit * LOW_SHARE:
            wait = max(wait, window.reset / window.remaining)
    return wait


def envelope_error(body: Any) -> tuple[int, str] | None:
    """(code, message) of an error envelope, None when the body is not one."""
    response = body.get("response") if isinstance(body, dict) else None
    error = response.get("error") if isinstance(response, dict) else None
    if not isinstance(error, dict):
        return None
    try:
        code = int(error.get("code") or 0)
    except (TypeError, ValueError):
        code = 0
    return code, str(error.get("message") or "")


def error_message(response: httpx.Response) -> str:
    """'Entrata error 301: Invalid Method Name' from an error envelope, else the body's start."""
    try:
        found = envelope_error(response.json())
    except ValueError:
        found = None
    return f"Entrata error {found[0]}: {found[1]}" if found else response.text[:500]


def raise_for(code: int, message: str, *, write: bool, retry_after: float = 60.0) -> None:
    text = f"Entrata error {code}: {message}"
    if code in (403, 102):  # the key may not call this method: only this method is refused
        raise AuthError(f"the PMS refused this method to the credentials: {text}", status_code=403)
    if code == 401 or 100 <= code < 200:
        raise AuthError(f"the PMS refused the credentials: {text}", status_code=code)
    if code == 429:
        raise RateLimited(f"rate limited by the PMS: {text}", retry_after=retry_after)
    if 500 <= code < 600:
        if write:
            raise OutcomeUnknown(f"the PMS failed after receiving the request: {text}")
        raise TransientError(text, status_code=code)
    raise (VendorRejected if write else PermanentError)(text, status_code=code)


class EntrataClient:
    def __init__(self, http: VendorHttp, auth_block: dict[str, str], bucket: TokenBucket | None) -> None:
        self.http = http
        self._auth = auth_block
        self._bucket = bucket
        self._sequence = itertools.count(1)
        self.held_back = 0.0  # seconds of waits the rate-limit headers asked for (for tests)
        self._held: dict[str, float] = {}  # method -> monotonic time its limits allow it again
        self._method = ""
        http.client.event_hooks["response"].append(self._read_limits)

    def _read_limits(self, response: httpx.Response) -> None:
        wait = wait_for(parse_limits(response.headers))
        if wait <= 0:
            return
        self.held_back += wait
        if response.status_code == 429 and self._bucket is not None:
            self._bucket.pause(wait)  # VendorHttp retries next: not before the window reopens
        else:
            self._held[self._method] = max(self._held.get(self._method, 0.0), time.monotonic() + wait)

    def _hold(self, rpc: Rpc) -> None:
        """Drain the budget for what remains of a wait this method's limits asked for."""
        self._method = rpc.name
        remaining = self._held.pop(rpc.name, 0.0) - time.monotonic()
        if remaining > 0 and self._bucket is not None:
            self._bucket.pause(remaining)

    def body(self, rpc: Rpc, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "auth": dict(self._auth),
            "requestId": str(next(self._sequence)),
            "method": {"name": rpc.name, "version": rpc.version, "params": params},
        }

    def call(
        self,
        rpc: Rpc,
        params: dict[str, Any],
        *,
        page: int | None = None,
        per_page: int | None = None,
        write: bool = False,
    ) -> dict[str, Any]:
        """The `result` object of one call (a write is never retried once it may have acted)."""
        self._hold(rpc)
        query = None if page is None else {"page_no": page, "per_page": per_page or 100}
        response = self.http.request(
            "POST", f"/{rpc.service}", params=query, json_body=self.body(rpc, params), idempotent=not write
        )
        try:
            body = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise (OutcomeUnknown if write else TransientError)(
                f"Entrata answered {rpc.name} with a body that is not JSON"
            ) from None
        found = envelope_error(body)
        if found is not None:
            raise_for(*found, write=write)
        result = body.get("response", {}).get("result") if isinstance(body, dict) else None
        if not isinstance(result, dict):
            if write:
                raise OutcomeUnknown(f"Entrata answered {rpc.name} without a result")
            raise TransientError(f"Entrata answered {rpc.name} without a result")
        return result
