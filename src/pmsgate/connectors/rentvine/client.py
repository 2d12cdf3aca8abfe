"""Rentvine over HTTP: Basic auth on every request, JSON answers, error bodies read for logs.

Lists are bare JSON arrays; Rentvine sends no total or next link, so a page shorter than the
page size asked for is the last one.
"""

from __future__ import annotations

from typing import Any

import httpx

from pmsgate.connectors.errors import TransientError
from pmsgate.connectors.http import VendorHttp, error_object, json_answer


def error_message(response: httpx.Response) -> str:
    """'message (field: text; ...)' from `{"message": ..., "errors": {...}}`, else the body's start:
    "The given data was invalid. (accountID: The selected account must be a bank account.)"."""
    body = error_object(response)
    if body is None:
        return response.text[:500]
    message = str(body.get("message") or body.get("error") or "").strip()
    errors = body.get("errors")
    if isinstance(errors, dict) and errors:
        details = "; ".join(f"{k}: {' '.join(v) if isinstance(v, list) else v}" for k, v in errors.items())
        return f"{message} ({details})" if message else details
    return message or response.text[:500]


def json_of(response: httpx.Response) -> Any:
    return json_answer(response, "Rentvine")


class RentvineClient:
    def __init__(self, http: VendorHttp) -> None:
        self.http = http

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return json_of(self.http.request("GET", path, params=params))

    def rows(self, path: str, params: dict[str, Any]) -> list[Any]:
        body = self.get(path, params)
        if not isinstance(body, list):
            raise TransientError(f"Rentvine answered a list request ({path}) without an array")
        return body

    def all_rows(self, path: str, params: dict[str, Any], page_size: int) -> list[Any]:
        """Every page of a (small) list."""
        found: list[Any] = []
        page = 1
        while True:
            rows = self.rows(path, {**params, "page": page, "pageSize": page_size})
            found.extend(rows)
            if len(rows) < page_size:
                return found
            page += 1

    def post(self, path: str, body: dict[str, Any]) -> Any:
        """A write: never retried once it may have acted (see `VendorHttp`)."""
        return json_of(self.http.request("POST", path, json_body=body, idempotent=False))
