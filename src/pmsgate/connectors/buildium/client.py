"""Buildium over `VendorHttp`: header auth, limit/offset pages with `X-Total-Count`, and
`ApiErrorResponse` bodies turned into readable messages.

JSON numbers are parsed as Decimal so money keeps its exact digits (`1450.1` is never
1450.0999…). Buildium answers 401 to a bad key pair, 403 when the key lacks a permission, and
429 past 10 requests a second; VendorHttp maps and retries those.
"""

from __future__ import annotations

from typing import Any

import httpx

from pmsgate.connectors.errors import TransientError
from pmsgate.connectors.http import VendorHttp, error_object, json_answer

MAX_LIMIT = 1000  # Buildium answers 400 above this
TOTAL_HEADER = "x-total-count"


def error_message(response: httpx.Response) -> str:
    """'ErrorCode: UserMessage (Key: Value; …)' from an ApiErrorResponse, else the body's start:
    "ValidationError: The request has invalid data (Lines[0].GLAccountId: not found)"."""
    body = error_object(response)
    if body is None or not ("UserMessage" in body or "ErrorCode" in body):
        return response.text[:500]
    errors = [e for e in body.get("Errors") or [] if isinstance(e, dict)]
    detail = "; ".join(f"{e.get('Key')}: {e.get('Value')}" for e in errors)
    text = f"{body.get('ErrorCode') or 'Error'}: {body.get('UserMessage') or ''}".strip()
    return f"{text} ({detail})" if detail else text


def decode(response: httpx.Response) -> Any:
    return json_answer(response, "Buildium", exact=True)


class BuildiumClient:
    def __init__(self, http: VendorHttp) -> None:
        self.http = http

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return decode(self.http.request("GET", path, params=params))

    def page(self, path: str, params: dict[str, Any], offset: int, limit: int) -> tuple[list[Any], int]:
        """One page of a list and the list's total (X-Total-Count; when absent, a short page
        is the last)."""
        response = self.http.request(
            "GET", path, params={**params, "offset": offset, "limit": min(MAX_LIMIT, max(1, limit))}
        )
        body = decode(response)
        if not isinstance(body, list):
            raise TransientError(f"Buildium answered {path} without a JSON array")
        header = response.headers.get(TOTAL_HEADER, "")
        total = int(header) if header.isdigit() else offset + len(body) + (1 if len(body) >= limit else 0)
        return body, total

    def every(self, path: str, params: dict[str, Any]) -> list[Any]:
        """The whole list (for small ones: leases when mapping ledgers, found writes)."""
        found: list[Any] = []
        offset = 0
        while True:
            body, total = self.page(path, params, offset, MAX_LIMIT)
            found.extend(body)
            offset += len(body)
            if not body or offset >= total:
                return found

    def send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        """A write: never retried once it may have acted (see VendorHttp)."""
        return decode(self.http.request(method, path, json_body=body, idempotent=False))
