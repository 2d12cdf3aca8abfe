"""Error handlers: every error leaves as `{"error": {code, message, details}}`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pmsgate.errors import BadRequest, PmsgateError, RateLimited

_STATUS_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def _issue(error: dict[str, Any]) -> dict[str, Any]:
    location = [part for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
    kind = error.get("type", "invalid")
    code = "unrecognized_keys" if kind == "extra_forbidden" else kind
    message = error.get("msg", "invalid")
    if kind == "extra_forbidden":
        message = f"Unrecognized key: {location[-1]!r}" if location else "Unrecognized key"
    return {"code": code, "path": location, "message": message}


def install(app: FastAPI) -> None:
    @app.exception_handler(PmsgateError)
    async def pmsgate_error(_request: Request, exc: PmsgateError) -> JSONResponse:
        headers = {"retry-after": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        error = BadRequest.issues([_issue(e) for e in exc.errors()])
        return JSONResponse(error.body(), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        return JSONResponse(
            {"error": {"code": code, "message": str(exc.detail)}},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
