"""Propertyware's native formats: `YYYY-MM-DD` dates, UTC date-times
(`YYYY-MM-dd'T'HH:mm:ssXXX`), money as JSON numbers, and `ErrorResponse` bodies."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from starlette.responses import JSONResponse

# Seed data is anchored here so every run produces identical records.
BASE = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ERROR_CODE = "1001"  # Propertyware answers every error with this errorCode


class PwError(Exception):
    """An error the vendor answers with, as `ErrorResponse{errorCode, errors[{key, message}],
    userMessage}`."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        body = {
            "errorCode": ERROR_CODE,
            "errors": [{"key": key, "message": text} for key, text in self.errors],
            "userMessage": self.message,
        }
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def bad_request(key: str, message: str) -> PwError:
    return PwError(400, message, errors=[(key, message)])


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str, key: str) -> datetime:
    """A query date-time; Propertyware accepts `YYYY-MM-dd'T'HH:mm:ssXXX` only."""
    try:
        if "." in text or "T" not in text:
            raise ValueError
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(key, f"{key} must be formatted yyyy-MM-dd'T'HH:mm:ssXXX") from None
    if parsed.tzinfo is None:
        raise bad_request(key, f"{key} must carry a UTC offset (XXX)")
    return parsed.astimezone(UTC)


def parse_day(value: Any, key: str) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise bad_request(key, f"{key} must be formatted yyyy-MM-dd")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad_request(key, f"{key} must be formatted yyyy-MM-dd") from None


def dollars(cents: int) -> float:
    """Propertyware's amounts are doubles; cents / 100 serialises as the exact decimal."""
    return cents / 100


def cents(value: Any, key: str) -> int:
    """An amount from a request body: a JSON number with at most two decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(key, f"{key} must be a number")
    scaled = round(value * 100)
    if abs(scaled - value * 100) > 1e-6:
        raise bad_request(key, f"{key} must have at most two decimals")
    return int(scaled)
