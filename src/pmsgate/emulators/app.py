"""`emulator_app`: how every emulator's ASGI app is put together from its vendor's parts.

A vendor brings its route table, its seeded store and its `Control`; it may name the exception
its handlers raise for the vendor's error bodies and how unrouted paths and methods answer (in
the vendor's error shape; Starlette's plain text otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from pmsgate.emulators.control import Control, HasFaults
from pmsgate.emulators.errors import VendorError

S = TypeVar("S", bound=HasFaults)


async def _vendor_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, VendorError)
    return exc.response()


def emulator_app(
    routes: Sequence[BaseRoute],
    store: S,
    control: Control[S],
    *,
    error: type[VendorError] | None = None,
    unrouted: Callable[[HTTPException], Response] | None = None,
) -> Starlette:
    """The vendor's `routes` behind the shared /_control ones (which come first, so no catch-all
    vendor route can shadow them), with `store` on `app.state.store`. An `error` raised by a
    handler answers its own `.response()`; an unrouted request answers `unrouted(exc)`."""
    handlers: dict[Any, Callable[[Request, Exception], Any]] = {}
    if error is not None:
        handlers[error] = _vendor_error
    if unrouted is not None:
        answer = unrouted

        async def _unrouted(_request: Request, exc: Exception) -> Response:
            assert isinstance(exc, HTTPException)
            return answer(exc)

        handlers[HTTPException] = _unrouted
    app = Starlette(routes=[*control.routes(), *routes], exception_handlers=handlers)
    app.state.store = store
    return app
