"""Propertyware's wire: header auth (set once on the VendorHttp), offset pages, JSON with exact
money, and the `ErrorResponse` shape turned into readable messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from pmsgate.connectors.errors import TransientError
from pmsgate.connectors.http import VendorHttp, json_answer


def error_message(response: httpx.Response) -> str:
    """'1001: Invalid GL account (glAccountID: GL account 99 does not exist)' from an
    `ErrorResponse{errorCode, userMessage, errors[{key, message}]}`; some 400s have no body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or f"HTTP {response.status_code} with an empty body"
    if isinstance(body, list):  # the bulk endpoint's RESTAPIBulkErrorResponse[]
        parts = []
        for item in body:
            for error in (item.get("error") or []) if isinstance(item, dict) else []:
                parts.append(f"item {item.get('index')}: {error.get('key')}: {error.get('message')}")
        return "; ".join(parts)[:500] or response.text[:500]
    if not isinstance(body, dict):
        return response.text[:500]
    code = body.get("errorCode") or "ERROR"
    details = "; ".join(
        f"{e.get('key')}: {e.get('message')}" if e.get("key") else str(e.get("message"))
        for e in body.get("errors") or []
        if isinstance(e, dict)
    )
    text = f"{code}: {body.get('userMessage') or ''}".strip()
    return f"{text} ({details})" if details else text


def decode(response: httpx.Response) -> Any:
    """The JSON body with numbers as Decimal: 1234.56 must become 123456 cents, never 123455."""
    return json_answer(response, exact=True)


def stamp(value: datetime) -> str:
    """Propertyware's date-time format, `YYYY-MM-dd'T'HH:mm:ssXXX`, in UTC. Truncating to the
    second keeps an inclusive start inclusive."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PropertywareClient:
    def __init__(self, http: VendorHttp) -> None:
        self.http = http

    def page(self, path: str, params: dict[str, Any]) -> list[Any]:
        body = decode(self.http.request("GET", path, params=params))
        if not isinstance(body, list):
            raise TransientError(f"the PMS answered GET {path} without a JSON array")
        return body

    def get(self, path: str) -> Any:
        return decode(self.http.request("GET", path))

    def send(self, method: str, path: str, body: Any) -> httpx.Response:
        """A write: never retried once it may have acted (see VendorHttp)."""
        return self.http.request(method, path, json_body=body, idempotent=False)

    def every(self, path: str, params: dict[str, Any], page_size: int = 500) -> list[Any]:
        """All records of a list (used for the lease index and reconciliation)."""
        found: list[Any] = []
        offset = 0
        while True:
            data = self.page(path, {**params, "limit": page_size, "offset": offset, "orderby": "id"})
            found.extend(data)
            if len(data) < page_size:
                return found
            offset += len(data)
