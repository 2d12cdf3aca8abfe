"""`VendorError`: the base of the errors an emulated vendor answers with in its own shape."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import Response


class VendorError(Exception):
    """An HTTP status, a message, headers and, for a vendor whose body lists them, a message per
    field (`field_errors`); each vendor's subclass renders `response()` in its vendor's error
    body. `emulator_app(error=...)` answers the ones its handlers raise."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        field_errors: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.field_errors = dict(field_errors or {})

    def response(self) -> Response:
        raise NotImplementedError
