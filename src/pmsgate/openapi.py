"""The OpenAPI document as the API really answers: bearer security, and on every operation the
error statuses it can give with the one error body (`errors.py`) instead of FastAPI's 422,
which pmsgate never sends (validation errors are 400s)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "invalid_request"},
                "message": {"type": "string", "example": "invalid request"},
                "details": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "For 400s: `issues` (pmsgate: one per field, with its full path) "
                    "and `details: {issues, name: 'ZodError'}` (Propexo's shape)",
                },
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}
_ALWAYS = {
    "400": "Invalid request: the issues name each field",
    "401": "No or unknown API key",
    "404": "Not found, or not the caller's",
    "429": "Rate limit exceeded (`retry-after` says when to retry)",
    "503": "A shared service is unavailable (`retry-after` says when to retry)",
}
_WITH_BODY = {
    "409": "Idempotency-Key reused with another request",
    "413": "Request body too large",
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }


def customize(app: FastAPI) -> None:
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {})
        components["securitySchemes"] = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        components.setdefault("schemas", {})["ErrorResponse"] = ERROR_BODY
        for name in ("HTTPValidationError", "ValidationError"):
            components["schemas"].pop(name, None)
        schema["security"] = [{"bearerAuth": []}]
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)
                extra = {**_ALWAYS, **(_WITH_BODY if method in ("post", "put", "patch") else {})}
                for status, description in extra.items():
                    responses.setdefault(status, _error_response(description))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
