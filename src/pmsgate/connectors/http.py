"""Shared HTTP for connectors: throttling, retries with backoff, error mapping, exchange logs.

Reads retry on 429 (honouring Retry-After), 5xx and transport errors. Writes are not
idempotent at most vendors, so they retry only when the vendor certainly did not act (429,
503, a connection that never opened); any other failure after the request left raises
OutcomeUnknown and the write job reconciles before trying again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import orjson

from pmsgate import metrics
from pmsgate.config import get_settings
from pmsgate.connectors.errors import (
    AuthError,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    Throttled,
    TransientError,
    Unreachable,
    VendorRejected,
)
from pmsgate.connectors.throttle import TokenBucket
from pmsgate.kit.outbound import OutboundRefused, guarded_transport
from pmsgate.kit.redact import REDACTED, Redactor

__all__ = ["REDACTED", "Exchange", "RetryPolicy", "VendorHttp", "redact"]

_MAX_LOGGED_BODY = 20_000
UNSENDABLE_HEADER = "a request header holds characters HTTP headers cannot carry (check the credentials)"
log = logging.getLogger(__name__)


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


def retry_after(response: httpx.Response, default: float) -> float:
    """The seconds a 429 or 503 asks to wait (`Retry-After`: seconds or an HTTP date), else `default`."""
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


def json_answer(response: httpx.Response, who: str = "the PMS", *, exact: bool = False) -> Any:
    """The response's JSON body; with `exact`, numbers with a fraction as Decimal (1234.56 must
    become 123456 cents, never 123455). A body that is not JSON is a TransientError naming `who`."""
    try:
        if exact:
            return response.json(parse_float=Decimal)
        try:
            return orjson.loads(response.content)  # several times faster than the json module
        except orjson.JSONDecodeError:
            return response.json()  # a body orjson refuses (not UTF-8, NaN, huge integers)
    except ValueError:
        raise TransientError(
            f"{who} answered {response.status_code} with a body that is not JSON",
            status_code=response.status_code,
        ) from None


def error_object(response: httpx.Response) -> dict[str, Any] | None:
    """The JSON object of an error answer, for a vendor's `error_message`; None when the body is
    not JSON or not an object (the message is then the body's start)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def redact(value: Any, secrets: Iterable[str]) -> Any:
    """`value` (a JSON-like value or text) with sensitive fields and every secret redacted."""
    return Redactor(secrets).value(value)


class VendorHttp:
    """The HTTP client of a connector. Every exchange it records (`record_exchanges`, for job
    logs) and every error message it raises is redacted (`pmsgate.kit.redact`): by header and
    field name, and by the value of each secret in `secrets` (the integration's credentials;
    `add_secrets` adds tokens learned later and re-redacts what was recorded before). Bodies may
    be JSON (`json_body`), a form (`data`) or raw text such as SOAP XML (`content`)."""

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
            transport = guarded_transport(allow_private=get_settings().allow_private_urls)
        # A header value HTTP cannot carry (non-ASCII, usually a credential) fails every request
        # with a clear PermanentError, not the constructor with an encoding traceback.
        self._unsendable: str | None = None
        try:
            httpx.Headers(headers)
        except UnicodeEncodeError:
            self._unsendable = UNSENDABLE_HEADER
            headers = None
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
        # A plain list: sessions append login tokens to it; the redactor catches up on each use.
        self.secrets = list(secrets)
        self._redaction = Redactor()
        self.exchanges: list[Exchange] = []
        self.record_exchanges = False
        # Set by workers: a wait (budget or Retry-After) longer than this raises Throttled so
        # the work is deferred instead of holding a worker thread; None sleeps it out.
        self.max_wait: float | None = None
        self.vendor = "unknown"  # the metrics label; engines set it
        self._error_message = error_message or (lambda r: r.text[:500])

    @property
    def redactor(self) -> Redactor:
        self._redaction.add(*self.secrets)
        return self._redaction

    def add_secrets(self, *values: str) -> None:
        """Secrets learned after some exchanges were recorded (a login's token): redact those too."""
        self.secrets.extend(v for v in values if v and v not in self.secrets)
        redactor = self.redactor
        for exchange in self.exchanges:
            exchange.url = redactor.text(exchange.url)
            exchange.request_headers = redactor.headers(exchange.request_headers)
            exchange.request_body = redactor.value(exchange.request_body)
            exchange.response_body = redactor.value(exchange.response_body)
            exchange.error = redactor.text(exchange.error) if exchange.error else None

    def take_exchanges(self) -> list[dict[str, Any]]:
        """The recorded exchanges as plain data, redacted with every secret known by now, and
        forgotten (a job log stores them)."""
        redactor = self.redactor
        taken = [redactor.value(asdict(exchange)) for exchange in self.exchanges]
        self.exchanges = []
        return taken

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        content: str | bytes | None = None,
        data: Mapping[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        idempotent: bool = True,
    ) -> httpx.Response:
        if self._unsendable:
            raise PermanentError(self._unsendable)
        try:
            request = self.client.build_request(
                method, path, params=params, json=json_body, content=content, data=data, headers=headers
            )
        except UnicodeEncodeError:
            raise PermanentError(UNSENDABLE_HEADER) from None
        attempt = 0
        while True:
            attempt += 1
            if self.bucket is not None:
                self._take_token()
            started = time.monotonic()
            try:
                response = self.client.send(request)
            except OutboundRefused as exc:  # the policy forbids this address: retrying cannot help
                self._log(request, None, started, str(exc))
                raise PermanentError(self.redactor.text(str(exc))) from exc
            except httpx.ConnectError as exc:  # never reached the vendor: always safe to retry
                message = self._log(request, None, started, str(exc))
                metrics.pms_answered(self.vendor, None)
                self._give_up_or_wait(attempt, Unreachable(f"cannot connect: {message}"))
                continue
            except httpx.TransportError as exc:
                message = self._log(request, None, started, str(exc))
                metrics.pms_answered(self.vendor, None)
                if not idempotent:
                    raise OutcomeUnknown(f"no answer from the PMS after sending: {message}") from exc
                self._give_up_or_wait(attempt, TransientError(f"transport error: {message}"))
                continue
            self._log(request, response, started, None)
            status = response.status_code
            metrics.pms_answered(self.vendor, status)
            if status < 400:
                return response
            message = self.redactor.text(self._error_message(response))
            if status == 429:
                wait = retry_after(response, self.retry.delay(attempt))
                if self.bucket is not None:
                    self.bucket.pause(wait)
                if self.max_wait is not None and wait > self.max_wait:
                    raise Throttled(f"rate limited by the PMS for {wait:.1f}s: {message}", retry_after=wait)
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

    def _take_token(self) -> None:
        assert self.bucket is not None
        if self.max_wait is None:
            self.bucket.acquire()
            return
        while (wait := self.bucket.try_acquire()) > 0:
            if wait > self.max_wait:
                raise Throttled(
                    f"the integration's request budget allows the next request in {wait:.1f}s",
                    retry_after=wait,
                    status_code=None,
                )
            self.retry.sleep(wait)

    def _give_up_or_wait(self, attempt: int, error: TransientError) -> None:
        if attempt >= self.retry.max_attempts:
            raise error
        self.retry.sleep(self.retry.delay(attempt))

    def _log(
        self, request: httpx.Request, response: httpx.Response | None, started: float, error: str | None
    ) -> str | None:
        """Record the exchange (when asked) and log its line at DEBUG; returns `error` redacted."""
        duration_ms = int((time.monotonic() - started) * 1000)
        redactor = self.redactor
        error = redactor.text(error) if error else None
        if log.isEnabledFor(logging.DEBUG):
            status = response.status_code if response is not None else error
            url = redactor.url(str(request.url))
            log.debug("PMS %s %s -> %s (%d ms)", request.method, url, status, duration_ms)
        if not self.record_exchanges:
            return error
        sent = response.request if response is not None else request  # with the auth headers, if any
        self.exchanges.append(
            Exchange(
                method=request.method,
                url=redactor.url(str(request.url)),
                request_headers=redactor.headers(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in sent.headers.raw
                ),
                request_body=redactor.body(
                    request.content, request.headers.get("content-type", ""), limit=_MAX_LOGGED_BODY
                ),
                status_code=response.status_code if response is not None else None,
                response_body=(
                    redactor.body(
                        response.content, response.headers.get("content-type", ""), limit=_MAX_LOGGED_BODY
                    )
                    if response is not None
                    else None
                ),
                duration_ms=duration_ms,
                error=error,
            )
        )
        return error
