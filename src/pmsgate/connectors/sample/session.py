"""SamplePMS's token session: log in lazily, renew before expiry, and log in once more when the
PMS answers 401 anyway (tokens also die on a server restart or an admin's revoke)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from pmsgate.connectors.errors import AuthError, PermanentError, TransientError
from pmsgate.connectors.http import VendorHttp, json_answer, redact

LOGIN_PATH = "/api/v2/auth/token"
_RENEW_MARGIN_S = 30.0  # renew this long before the stated expiry: clocks and queues drift


def fault_message(response: httpx.Response) -> str:
    """'CODE on field: text' (or 'CODE: text') from a `{"fault": {...}}` body, else the start of
    the body: "VALIDATION on accountId: account 50000004 is not a bank account"."""
    try:
        fault = response.json().get("fault")
    except (ValueError, AttributeError):
        fault = None
    if not isinstance(fault, dict):
        return response.text[:500]
    code = fault.get("code") or "ERROR"
    where = f" on {fault['field']}" if fault.get("field") else ""
    return f"{code}{where}: {fault.get('text') or ''}".strip()


def json_body(response: httpx.Response) -> Any:
    return json_answer(response)


def page_parts(body: Any) -> tuple[list[Any], str | None]:
    """(records, next cursor) of a list answer `{"data": [...], "paging": {"next": …}}`."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise TransientError("the PMS answered a list request without a data array")
    paging = body.get("paging") or {}
    cursor = paging.get("next") if isinstance(paging, dict) else None
    return body["data"], cursor if isinstance(cursor, str) and cursor else None


class TokenSession:
    def __init__(
        self, http: VendorHttp, login_body: dict[str, str], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.http = http
        self._login_body = login_body
        self._clock = clock
        self._token: str | None = None
        self._renew_at = 0.0

    def login(self) -> None:
        """POST the credentials; AuthError when the PMS refuses them."""
        self._token = None
        body = json_body(self.http.request("POST", LOGIN_PATH, json_body=self._login_body))
        token = body.get("accessToken") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise PermanentError("the PMS login answer has no accessToken")
        lifetime = body.get("expiresIn")
        lifetime_s = float(lifetime) if isinstance(lifetime, int | float) else 300.0
        self._token = token
        self._renew_at = self._clock() + max(0.0, lifetime_s - _RENEW_MARGIN_S)
        self.http.secrets.append(token)  # keep it out of later exchange logs…
        for exchange in self.http.exchanges[-1:]:  # …and out of the login's own, logged before we knew
            exchange.response_body = redact(exchange.response_body, [token])

    def get(self, path: str, params: dict[str, Any]) -> Any:
        if self._token is None or self._clock() >= self._renew_at:
            self.login()
        try:
            return json_body(self.http.request("GET", path, params=params, headers=self._header()))
        except AuthError as exc:
            if exc.status_code != 401:  # 403: this login may not read this; a new token will not help
                raise
        self.login()
        return json_body(self.http.request("GET", path, params=params, headers=self._header()))

    def send(
        self, method: str, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """A write: never retried once it may have acted (see `VendorHttp`). A 401 is answered
        before the PMS acts on anything, so it is safe to log in again and send once more."""
        if self._token is None or self._clock() >= self._renew_at:
            self.login()
        try:
            return self.http.request(
                method, path, json_body=body, headers={**(headers or {}), **self._header()}, idempotent=False
            )
        except AuthError as exc:
            if exc.status_code != 401:
                raise
        self.login()
        return self.http.request(
            method, path, json_body=body, headers={**(headers or {}), **self._header()}, idempotent=False
        )

    def _header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}
