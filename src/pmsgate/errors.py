"""The API error tree. Every error knows its HTTP status and renders one JSON shape:

    {"error": {"code": "...", "message": "...", "details": {...}}}

A 400's details are Propexo's documented shape (`details.details = {issues, name: "ZodError"}`
with Zod issue codes, propexo-behaviour.md section 6) so clients written for Propexo parse it,
plus pmsgate's own `details.issues`, one per field with its full path.

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

    def body(self) -> dict[str, Any]:
        body = super().body()
        issues = (self.details or {}).get("issues")
        if issues is not None:
            body["error"]["details"] = {
                **body["error"]["details"],
                "details": {"issues": zod_issues(issues), "name": "ZodError"},
            }
        return body

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


# pydantic error types and pmsgate codes -> Zod issue codes (Zod's ZodIssueCode).
_ZOD_CODES = {
    "missing": "invalid_type",
    "int_type": "invalid_type",
    "int_parsing": "invalid_type",
    "bool_type": "invalid_type",
    "bool_parsing": "invalid_type",
    "string_type": "invalid_type",
    "float_type": "invalid_type",
    "float_parsing": "invalid_type",
    "dict_type": "invalid_type",
    "list_type": "invalid_type",
    "model_type": "invalid_type",
    "int_from_float": "invalid_type",
    "too_long": "too_big",
    "string_too_long": "too_big",
    "string_too_short": "too_small",
    "less_than": "too_big",
    "less_than_equal": "too_big",
    "too_short": "too_small",
    "greater_than": "too_small",
    "greater_than_equal": "too_small",
    "enum": "invalid_enum_value",
    "literal_error": "invalid_enum_value",
    "string_pattern_mismatch": "invalid_string",
    "json_invalid": "invalid_type",
}


def zod_issues(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Our issues as Zod reports them: unknown keys grouped under their parent object
    (`{code: unrecognized_keys, keys: [...], path: <parent>}`), other codes mapped to Zod's."""
    out: list[dict[str, Any]] = []
    unknown: dict[tuple[Any, ...], list[Any]] = {}
    for issue in issues:
        path = list(issue.get("path", []))
        if issue.get("code") == "unrecognized_keys" and path:
            unknown.setdefault(tuple(path[:-1]), []).append(path[-1])
            continue
        code = _ZOD_CODES.get(str(issue.get("code")), "custom")
        out.append({"code": code, "path": path, "message": issue.get("message", "invalid")})
    for parent, keys in unknown.items():
        names = ", ".join(f"'{key}'" for key in keys)
        out.append(
            {
                "code": "unrecognized_keys",
                "keys": keys,
                "path": list(parent),
                "message": f"Unrecognized key(s) in object: {names}",
            }
        )
    return out
