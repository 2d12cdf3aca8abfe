"""The API error tree. Every error knows its HTTP status and renders one JSON shape:

    {"error": {"code": "...", "message": "...", "details": {...}}}

PmsgateError
 ├── BadRequest (400)            validation; details.issues names each field
 ├── Unauthorized (401)          missing or unknown API key
 ├── NotFound (404)              anything the caller's customer does not own, too
 ├── MethodNotSupported (405)    a write the vendor cannot perform
 ├── Conflict (409)              idempotency-key reuse with another body
 ├── PayloadTooLarge (413)
 └── RateLimited (429)           carries retry_after seconds
"""

from __future__ import annotations

from typing import Any


class PmsgateError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class BadRequest(PmsgateError):
    status_code = 400
    code = "invalid_request"

    @classmethod
    def field(cls, path: str | list[str | int], message: str, *, code: str = "invalid") -> BadRequest:
        loc = path if isinstance(path, list) else path.split(".")
        issue = {"code": code, "path": loc, "message": message}
        return cls(f"{'.'.join(map(str, loc))}: {message}", details={"issues": [issue]})

    @classmethod
    def issues(cls, issues: list[dict[str, Any]]) -> BadRequest:
        summary = "; ".join(f"{'.'.join(map(str, i['path']))}: {i['message']}" for i in issues)
        return cls(summary or "invalid request", details={"issues": issues})


class Unauthorized(PmsgateError):
    status_code = 401
    code = "unauthorized"


class NotFound(PmsgateError):
    status_code = 404
    code = "not_found"

    @classmethod
    def resource(cls, kind: str, ident: str) -> NotFound:
        return cls(f"{kind} {ident} not found")


class MethodNotSupported(PmsgateError):
    status_code = 405
    code = "not_supported"


class Conflict(PmsgateError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(PmsgateError):
    status_code = 413
    code = "payload_too_large"


class RateLimited(PmsgateError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
