"""Shared HTTP for connectors: throttling, retries with backoff, error mapping, exchange logs.

Reads retry on 429 (honouring Retry-After), 5xx and transport errors. Writes are not
idempotent at most vendors, so they retry only when the vendor certainly did not act (429,
503, a connection that never opened); any other failure after the request left raises
OutcomeUnknown and the write job reconciles before trying again.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
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
from pmsgate.connectors.throttle import TokenBucket
from pmsgate.kit.outbound import OutboundRefused, guarded_transport

REDACTED = "***"
_SENSITIVE_HEADERS = {"authorization", "x-api-key", "cookie", "set-cookie", "proxy-authorization"}
_MAX_LOGGED_BODY = 20_000


@dataclass
class Exchange:
    """One native request and its response, credentials redacted, for job logs."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    status_code: int | None
    response_body: Any
    duration_ms: int
    error: str | None = None


@dataclass
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def delay(self, attempt: int) -> float:
        # Full jitter: spreads retries of many workers hitting the same vendor.
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def _retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("retry-after")
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return default


def _body(content: bytes, content_type: str) -> Any:
    if not content:
        return None
    text = content[:_MAX_LOGGED_BODY].decode("utf-8", "replace")
    if "json" in content_type:
        try:
            return json.loads(content)
        except ValueError:
            return text
    return text


def redact(value: Any, secrets: Iterable[str]) -> Any:
    secret_list = [s for s in secrets if s and len(s) >= 4]
    if not secret_list:
        return value
    text = json.dumps(value) if not isinstance(value, str) else value
    for secret in secret_list:
        text = text.replace(secret, REDACTED)
    return json.loads(text) if not isinstance(value, str) else text


class VendorHttp:
    def __init__(
        self,
        base_url: str,
        *,
        bucket: TokenBucket | None = None,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        secrets: Iterable[str] = (),
        transport: httpx.BaseTransport | None = None,
        error_message: Callable[[httpx.Response], str] | None = None,
    ) -> None:
        if transport is None:  # every connection to the PMS passes the outbound-address policy
            from pmsgate.config import get_settings

            transport = guarded_transport(allow_private=get_settings().allow_private_urls)
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            auth=auth,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )
        self.bucket = bucket
        self.retry = retry or RetryPolicy()
        self.secrets = list(secrets)
        self.exchanges: list[Exchange] = []
        self.record_exchanges = False
        self._error_message = error_message or (lambda r: r.text[:500])

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        idempotent: bool = True,
    ) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            if self.bucket is not None:
                self.bucket.acquire()
            started = time.monotonic()
            try:
                response = self.client.request(method, path, params=params, json=json_body, headers=headers)
            except OutboundRefused as exc:  # the policy forbids this address: retrying cannot help
                self._log(method, path, params, json_body, headers, None, started, str(exc))
                raise PermanentError(str(exc)) from exc
            except httpx.ConnectError as exc:  # never reached the vendor: always safe to retry
                self._log(method, path, params, json_body, headers, None, started, str(exc))
                self._give_up_or_wait(attempt, TransientError(f"cannot connect: {exc}"))
                continue
            except httpx.TransportError as exc:
                self._log(method, path, params, json_body, headers, None, started, str(exc))
                if not idempotent:
                    raise OutcomeUnknown(f"no answer from the PMS after sending: {exc}") from exc
                self._give_up_or_wait(attempt, TransientError(f"transport error: {exc}"))
                continue
            self._log(method, path, params, json_body, headers, response, started, None)
            status = response.status_code
            if status < 400:
                return response
            message = self._error_message(response)
            if status == 429:
                wait = _retry_after(response, self.retry.delay(attempt))
                if self.bucket is not None:
                    self.bucket.pause(wait)
                if attempt >= self.retry.max_attempts:
                    raise RateLimited(f"rate limited by the PMS: {message}", retry_after=wait)
                self.retry.sleep(wait)
                continue
            if status in (401, 403):
                raise AuthError(f"the PMS refused the credentials ({status}): {message}", status_code=status)
            if status >= 500:
                if not idempotent and status != 503:
                    raise OutcomeUnknown(
                        f"the PMS failed with {status} after receiving the request: {message}"
                    )
                self._give_up_or_wait(
                    attempt, TransientError(f"PMS error {status}: {message}", status_code=status)
                )
                continue
            error_class = PermanentError if idempotent else VendorRejected
            raise error_class(f"the PMS rejected the request ({status}): {message}", status_code=status)

    def _give_up_or_wait(self, attempt: int, error: TransientError) -> None:
        if attempt >= self.retry.max_attempts:
            raise error
        self.retry.sleep(self.retry.delay(attempt))

    def _log(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        json_body: Any,
        headers: dict[str, str] | None,
        response: httpx.Response | None,
        started: float,
        error: str | None,
    ) -> None:
        if not self.record_exchanges:
            return
        sent = {**self.client.headers, **(headers or {})}
        safe_headers = {k: (REDACTED if k.lower() in _SENSITIVE_HEADERS else v) for k, v in sent.items()}
        url = str(self.client.build_request(method, path, params=params).url)
        self.exchanges.append(
            Exchange(
                method=method,
                url=redact(url, self.secrets),
                request_headers=redact(safe_headers, self.secrets),
                request_body=redact(json_body, self.secrets),
                status_code=response.status_code if response is not None else None,
                response_body=(
                    redact(_body(response.content, response.headers.get("content-type", "")), self.secrets)
                    if response is not None
                    else None
                ),
                duration_ms=int((time.monotonic() - started) * 1000),
                error=error,
            )
        )
