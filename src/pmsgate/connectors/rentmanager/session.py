"""RM's token session: `POST /Authentication/AuthorizeUser` answers a bare JSON string token,
sent back as `X-RM12Api-ApiToken`. Tokens die after 15 idle minutes (24 h at most), so a 401 is
answered by logging in once more and resending; a 401 is given before RM acts on anything, so
resending even a write is safe."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import httpx

from pmsgate.connectors.errors import AuthError, PermanentError
from pmsgate.connectors.http import VendorHttp, json_answer, redact

LOGIN_PATH = "/Authentication/AuthorizeUser"
TOKEN_HEADER = "X-RM12Api-ApiToken"  # noqa: S105 (a header name)


def error_message(response: httpx.Response) -> str:
    """The useful text of RM's error shapes: ErrorModel's `UserMessage`/`DeveloperMessage`,
    `{Message, ModelState}` (bad query), bare `{Message}` (unknown route), or an empty 404."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return str(body)[:500]
    text = body.get("UserMessage") or body.get("DeveloperMessage") or body.get("Message") or ""
    state = body.get("ModelState")
    if isinstance(state, dict):
        text = "; ".join([text, *(f"{k}: {' '.join(map(str, v))}" for k, v in state.items())]).strip("; ")
    return str(text)[:500] or response.text[:500]


def json_body(response: httpx.Response) -> Any:
    """The body with JSON numbers as Decimal (RM's money is a JSON number; floats would round)."""
    if response.status_code == 204 or not response.content:
        return None
    return json_answer(response, "Rent Manager", exact=True)


class RMSession:
    def __init__(self, http: VendorHttp, login_body: dict[str, object]) -> None:
        self.http = http
        self._login_body = login_body
        self._token: str | None = None

    def login(self) -> None:
        self._token = None
        token = json_body(self.http.request("POST", LOGIN_PATH, json_body=self._login_body))
        if not isinstance(token, str) or not token:
            raise PermanentError("Rent Manager's AuthorizeUser answer is not a token string")
        self._token = token
        self.http.secrets.append(token)  # keep it out of later exchange logs…
        for exchange in self.http.exchanges[-1:]:  # …and out of the login's own
            exchange.response_body = redact(exchange.response_body, [token])

    def call(self, method: str, path: str, *, body: Any = None, idempotent: bool = True) -> httpx.Response:
        return self._with_token(
            partial(self.http.request, method, path, json_body=body, idempotent=idempotent)
        )

    def get(self, path: str, params: dict[str, Any] | None = None) -> tuple[Any, httpx.Response]:
        response = self._with_token(partial(self.http.request, "GET", path, params=params))
        return json_body(response), response

    def _with_token(self, send: Callable[..., httpx.Response]) -> httpx.Response:
        """`send(headers=…)` with the session's token, logging in first if need be, and once more
        when RM answers 401."""
        if self._token is None:
            self.login()
        for attempt in (1, 2):
            try:
                return send(headers={TOKEN_HEADER: self._token or ""})
            except AuthError as exc:
                if exc.status_code != 401 or attempt == 2:
                    raise
                self.login()
        raise AssertionError("unreachable")
