"""ResMan's classic API over `VendorHttp`: every call is `POST {base}/{Area}/{Method}` with
form-encoded fields (the partner's IntegrationPartnerID and ApiKey, the AccountID, usually a
PropertyID, then the method's own), answered in ResMan's envelope:

    JSON (Accept: application/json)   {"MethodName", "Status", "AccountID", "PropertyID", …payload}
    XML  (any other Accept)           <ResMan><MethodName/><Status/>…<Response>payload</Response></ResMan>

`Status` is "Success" or "Failed" (with `ErrorDescription`); clients treat anything but
"Success" as an error, whatever the HTTP status. How a failure maps to our errors (inferred from
ResMan's error texts; see docs/vendors/resman.md):
- credentials refused (invalid partner id, API key or account)  -> AuthError (401)
- a method or property the partner is not authorised for         -> AuthError (403: that model
  is not readable, the rest of the sync goes on)
- anything else -> PermanentError on reads, VendorRejected on writes; a write refused as a
  "Duplicate transaction ID" is `DuplicateTransaction` (our reference is already at ResMan).
HTTP 429 (honouring Retry-After), 5xx and transport errors are VendorHttp's: retried on reads,
never re-sent blindly on writes.

JSON numbers are parsed as Decimal so money keeps its exact digits; XML payloads are read with
lxml (no entities, no network) into the same dict shape, lists named by `LIST_ITEMS`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import httpx
from lxml import etree

from pmsgate.connectors.errors import AuthError, PermanentError, TransientError, VendorRejected
from pmsgate.connectors.http import RetryPolicy, VendorHttp
from pmsgate.connectors.throttle import TokenBucket

JSON = "application/json"
# Payload containers of the XML envelope that hold lists (container -> item element).
LIST_ITEMS = {
    "Properties": "Property",
    "Units": "Unit",
    "Residents": "Resident",
    "GLAccounts": "GLAccount",
    "Periods": "Period",
    "ChargeCodes": "ChargeCode",
}
_AUTH_TEXTS = ("invalid integrationpartnerid", "invalid apikey", "invalid api key", "invalid accountid")
_FORBIDDEN_TEXTS = ("not authorized", "not authorised", "does not have access", "not licensed")
DUPLICATE_TEXT = "duplicate transaction id"

SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)


class DuplicateTransaction(VendorRejected):
    """ResMan already holds a transaction with the TransactionID this write sent."""


class ResManHttp(VendorHttp):
    """VendorHttp asking for JSON, with ResMan's error texts and a longer timeout (MITS ledger
    documents of a large property take a while to build); bodies go as forms (`data=`)."""

    def __init__(
        self,
        base_url: str,
        *,
        bucket: TokenBucket | None,
        accept: str = JSON,
        retry: RetryPolicy | None = None,
        secrets: Iterable[str] = (),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            base_url,
            bucket=bucket,
            headers={"Accept": accept},
            timeout=60.0,
            retry=retry,
            secrets=secrets,
            transport=transport,
            error_message=error_message,
        )


def _value(element: Any) -> Any:
    children = list(element)
    name = etree.QName(element).localname
    if name in LIST_ITEMS:
        return [_value(child) for child in children]
    if not children:
        return element.text
    return {etree.QName(child).localname: _value(child) for child in children}


def parse_xml_envelope(content: bytes) -> dict[str, Any]:
    """`<ResMan>…</ResMan>` as the dict the JSON form of the same answer has: envelope fields and
    the payload (the children of `<Response>`, or its text when it holds an escaped document)."""
    try:
        root = etree.fromstring(content, parser=SAFE_XML)
    except etree.XMLSyntaxError as exc:
        raise TransientError(f"ResMan answered with XML that cannot be read: {exc}") from None
    body: dict[str, Any] = {}
    for child in root:
        name = etree.QName(child).localname
        if name == "Response":
            if len(child):
                body.update(_value(child))
            elif child.text and child.text.strip():
                body["Response"] = child.text
        else:
            body[name] = _value(child)
    return body


def envelope(response: httpx.Response) -> dict[str, Any]:
    content_type = response.headers.get("content-type", "")
    if "json" in content_type:
        try:
            body = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise TransientError(
                f"ResMan answered {response.status_code} with JSON that cannot be read"
            ) from None
    elif "xml" in content_type:
        body = parse_xml_envelope(response.content)
    else:
        raise TransientError(f"ResMan answered {response.status_code} with neither JSON nor XML")
    if not isinstance(body, dict):
        raise TransientError("ResMan answered without its envelope")
    return body


def error_message(response: httpx.Response) -> str:
    """ErrorDescription of a failed envelope (for HTTP errors), else the body's start."""
    try:
        body = envelope(response)
    except TransientError:
        return response.text[:500]
    return str(body.get("ErrorDescription") or body.get("Status") or response.text[:500])


def failure(body: dict[str, Any], method: str, *, write: bool) -> Exception:
    """The error a `Status` other than Success stands for."""
    text = str(body.get("ErrorDescription") or f"Status {body.get('Status')!r} without ErrorDescription")
    lowered = text.lower()
    message = f"ResMan {method}: {text}"
    if any(t in lowered for t in _AUTH_TEXTS):
        return AuthError(message, status_code=401)
    if any(t in lowered for t in _FORBIDDEN_TEXTS):
        return AuthError(message, status_code=403)
    if write and DUPLICATE_TEXT in lowered:
        return DuplicateTransaction(message)
    return VendorRejected(message) if write else PermanentError(message)


class ResManClient:
    def __init__(self, http: ResManHttp, form: dict[str, str]) -> None:
        self.http = http
        self.form = form

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, write: bool = False
    ) -> dict[str, Any]:
        """One ResMan method; the envelope's fields and payload when Status is Success."""
        fields = {**self.form, **{k: v for k, v in (params or {}).items() if v is not None}}
        response = self.http.request("POST", f"/{method}", data=fields, idempotent=not write)
        body = envelope(response)
        if body.get("Status") != "Success":
            raise failure(body, method, write=write)
        return body

    def rows(self, method: str, key: str, params: dict[str, Any] | None = None) -> list[Any]:
        """The list a method answers under `key` (a list of objects, [] when absent)."""
        found = self.call(method, params).get(key)
        if found is None:
            return []
        if isinstance(found, dict):  # an XML list of one, read without its container
            return [found]
        if not isinstance(found, list):
            raise TransientError(f"ResMan {method} answered {key} that is not a list")
        return found

    def document(self, method: str, key: str, params: dict[str, Any]) -> str | None:
        """The MITS document a method answers (as text), None when there is none."""
        body = self.call(method, params)
        text = body.get(key) or body.get("Response")
        return None if text is None else str(text)
