"""SOAP calls to Yardi: zeep builds and reads the envelopes, httpx carries them, and Yardi's
ways of saying no become connector errors.

zeep's client is built from `service.wsdl_document` (see there for why not from `?WSDL`); it
serialises each body in the operation's declared order and types and parses each reply. The
HTTP exchange goes through httpx (not zeep's requests transport) so that a Yardi integration
shares the integration's request budget, test transports and job logs with every other vendor.

Yardi answers most refusals inside a 200 response:
- numeric results (SysBatch): 0 = failed, -1 rights, -2 property access, -3 entity/licence,
  -4 login (the SysBatch WSDL's documentation);
- document results: a `Messages` document whose `Message[@messageType="Error"]` says why.
Login and licence refusals raise AuthError, missing rights AuthError(403) (a model these
credentials may not read), property access and other refusals PermanentError (VendorRejected
for writes). HTTP 429 and 5xx are retried as in `connectors.http`; a `soap:Client` fault is the
request's fault (not retried), a `soap:Server` fault after a write leaves its outcome unknown.
"""

from __future__ import annotations

import functools
import io
import time
from dataclasses import asdict
from typing import Any

import httpx
import zeep
from lxml import etree

from pmsgate.config import get_settings
from pmsgate.connectors.errors import (
    AuthError,
    ConnectorError,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    TransientError,
    Unreachable,
    VendorRejected,
)
from pmsgate.connectors.http import Exchange, RetryPolicy, retry_after
from pmsgate.connectors.throttle import TokenBucket
from pmsgate.connectors.yardi.credentials import YardiCredentials
from pmsgate.connectors.yardi.service import XML_PARAMS, Interface, soap_action, wsdl_document
from pmsgate.kit.outbound import OutboundRefused, guarded_transport
from pmsgate.kit.redact import Redactor

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_MAX_LOGGED = 20_000
_XML = "text/xml; charset=utf-8"
RETURN_CODES = {
    0: "the operation could not be performed",
    -1: "the web service user has insufficient rights",
    -2: "the Interface Entity has no access to this Yardi property",
    -3: "Interface Entity or License error",
    -4: "login failed",
}


def local(node: etree._Element) -> str:
    return etree.QName(node).localname


def refusal(message: str, *, code: int | None, write: bool) -> ConnectorError:
    """The connector error for a Yardi refusal (a return code or an error message)."""
    text = message.lower()
    if code in (-3, -4) or "login failed" in text or "license" in text or "licence" in text:
        return AuthError(f"Yardi refused the credentials: {message}", status_code=401)
    if code == -1 or "insufficient rights" in text:
        return AuthError(f"Yardi refused the operation: {message}", status_code=403)
    error = VendorRejected if write else PermanentError
    return error(f"Yardi refused the request: {message}")


def errors_in(document: Any) -> list[str]:
    """The error texts of a `Messages` answer (empty for any other document)."""
    if not isinstance(document, etree._Element) or local(document) != "Messages":
        return []
    return [
        (m.text or "").strip()
        for m in document.iter(etree.Element)
        if local(m) == "Message" and (m.get("messageType") or "").lower() == "error"
    ]


def _fault(content: bytes) -> tuple[str, str] | None:
    """(faultcode, faultstring) of a SOAP fault body, else None."""
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError:
        return None
    node = root.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    if node is None:
        return None
    return (node.findtext("faultcode") or "").strip(), (node.findtext("faultstring") or "").strip()


@functools.cache
def _zeep_client(interface: Interface) -> zeep.Client:
    """One parsed client per interface for the process (parsing takes ~60 ms; the address in the
    WSDL is never used, since httpx carries the calls)."""
    return zeep.Client(io.BytesIO(wsdl_document(interface, "http://yardi.invalid" + interface.path)))


class YardiSoap:
    def __init__(
        self,
        base_url: str,
        credentials: YardiCredentials,
        *,
        bucket: TokenBucket | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 120.0,  # whole-property ledgers come in one document
    ) -> None:
        self.base_url = base_url.rstrip("/")
        if transport is None:  # every connection to Yardi passes the outbound-address policy
            transport = guarded_transport(allow_private=get_settings().allow_private_urls)
        self.client = httpx.Client(
            base_url=self.base_url, transport=transport, timeout=timeout, follow_redirects=False
        )
        self.credentials = credentials
        self.bucket = bucket
        self.retry = retry or RetryPolicy()
        self.secrets = credentials.secrets()
        self.redactor = Redactor(self.secrets)
        self.exchanges: list[Exchange] = []
        self.record_exchanges = False

    def close(self) -> None:
        self.client.close()

    def take_exchanges(self) -> list[dict[str, Any]]:
        """The recorded exchanges (redacted when recorded: the SOAP body by element name and by
        every credential value, as `connectors.http` does), and forgotten (a job log stores them)."""
        taken = [asdict(exchange) for exchange in self.exchanges]
        self.exchanges = []
        return taken

    def _client(self, interface: Interface) -> zeep.Client:
        return _zeep_client(interface)

    def envelope(self, interface: Interface, operation: str, params: dict[str, Any]) -> bytes:
        """The request envelope: the credentials, then the operation's own parameters."""
        client = self._client(interface)
        values: dict[str, Any] = {**self.credentials.body(), **params}
        for name in XML_PARAMS & values.keys():
            values[name] = {"_value_1": values[name]}
        message = client.create_message(client.service, operation, **values)
        return bytes(etree.tostring(message, xml_declaration=True, encoding="utf-8"))

    def call(self, interface: Interface, operation: str, *, write: bool = False, **params: Any) -> Any:
        """The operation's result: an lxml element (a document), an int or a str. Raises the
        connector error for any refusal."""
        content = self.envelope(interface, operation, params)
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{soap_action(interface, operation)}"',
        }
        response = self._send(interface.path, content, headers, write=write)
        client = self._client(interface)
        binding = next(iter(client.wsdl.bindings.values()))
        try:
            value = binding.process_reply(client, binding.get(operation), response)
        except (zeep.exceptions.Error, etree.XMLSyntaxError) as exc:
            if write:
                raise OutcomeUnknown(f"Yardi's answer to {operation} cannot be read: {exc}") from exc
            raise TransientError(f"Yardi's answer to {operation} cannot be read: {exc}") from exc
        if isinstance(value, int) and not isinstance(value, bool) and value <= 0:
            raise refusal(RETURN_CODES.get(value, f"return code {value}"), code=value, write=write)
        problems = [self.redactor.text(problem) for problem in errors_in(value)]
        if problems:
            raise refusal("; ".join(problems), code=None, write=write)
        return value

    def _send(self, path: str, content: bytes, headers: dict[str, str], *, write: bool) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            if self.bucket is not None:
                self.bucket.acquire()
            started = time.monotonic()
            try:
                response = self.client.post(path, content=content, headers=headers)
            except OutboundRefused as exc:  # the policy forbids this address: retrying cannot help
                self._log(path, content, None, started, str(exc))
                raise PermanentError(str(exc)) from exc
            except httpx.ConnectError as exc:  # never reached Yardi: always safe to retry
                self._log(path, content, None, started, str(exc))
                self._wait_or_raise(attempt, Unreachable(f"cannot connect: {exc}"))
                continue
            except httpx.TransportError as exc:
                self._log(path, content, None, started, str(exc))
                if write:
                    raise OutcomeUnknown(f"no answer from Yardi after sending: {exc}") from exc
                self._wait_or_raise(attempt, TransientError(f"transport error: {exc}"))
                continue
            self._log(path, content, response, started, None)
            status = response.status_code
            if status == 200:
                return response
            if status == 429:
                wait = retry_after(response, self.retry.delay(attempt))
                if self.bucket is not None:
                    self.bucket.pause(wait)
                if attempt >= self.retry.max_attempts:
                    raise RateLimited("rate limited by Yardi", retry_after=wait)
                self.retry.sleep(wait)
                continue
            if status in (401, 403):
                raise AuthError(f"Yardi refused the request ({status})", status_code=status)
            fault = _fault(response.content) if status == 500 else None
            if fault is not None and "client" in fault[0].lower():
                error = VendorRejected if write else PermanentError
                reason = self.redactor.text(fault[1])
                raise error(f"Yardi could not read the request: {reason}", status_code=status)
            message = self.redactor.text(fault[1] if fault else response.text[:300])
            if write and status != 503:
                raise OutcomeUnknown(f"Yardi failed with {status} after receiving the request: {message}")
            if status >= 500:
                self._wait_or_raise(
                    attempt, TransientError(f"Yardi error {status}: {message}", status_code=status)
                )
                continue
            raise (VendorRejected if write else PermanentError)(
                f"Yardi answered {status}: {message}", status_code=status
            )

    def _wait_or_raise(self, attempt: int, error: TransientError) -> None:
        if attempt >= self.retry.max_attempts:
            raise error
        self.retry.sleep(self.retry.delay(attempt))

    def _log(
        self, path: str, content: bytes, response: httpx.Response | None, started: float, error: str | None
    ) -> None:
        if not self.record_exchanges:
            return
        redactor = self.redactor
        self.exchanges.append(
            Exchange(
                method="POST",
                url=redactor.url(self.base_url + path),
                request_headers={"Content-Type": _XML},
                request_body=redactor.body(content, _XML, limit=_MAX_LOGGED),
                status_code=response.status_code if response is not None else None,
                response_body=(
                    redactor.body(
                        response.content, response.headers.get("content-type", _XML), limit=_MAX_LOGGED
                    )
                    if response is not None
                    else None
                ),
                duration_ms=int((time.monotonic() - started) * 1000),
                error=redactor.text(error) if error else None,
            )
        )
