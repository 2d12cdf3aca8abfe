"""Building blocks of every emulator's unauthenticated /_control endpoints.

Each emulator names how to find its store on a request and how to render the store's state;
`control_handlers` turns that into the `faults`, `reset` and `state` handlers and into further
"read a JSON object, apply it to the store, answer the state (or 400)" handlers such as `limits`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pmsgate.emulators.faults import Faults

Handler = Callable[[Request], Awaitable[Response]]


class HasFaults(Protocol):
    @property
    def faults(self) -> Faults: ...


S = TypeVar("S", bound=HasFaults)


async def read_object(request: Request) -> dict[str, Any]:
    """The request's JSON body, {} when empty; ValueError unless it is a JSON object."""
    raw = await request.body()
    body = json.loads(raw) if raw else {}
    if not isinstance(body, dict):
        raise ValueError("send a JSON object")
    return body


def optional_non_negative(value: object, name: str) -> float | None:
    """`value` when it is None or a non-negative number; else ValueError."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or value < 0):
        raise ValueError(f"{name} must be a non-negative number or null")
    return value


def optional_non_negative_int(value: object, name: str) -> int | None:
    """`value` when it is None or a non-negative integer; else ValueError."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{name} must be a non-negative integer or null")
    return value


def positive_number(value: object, name: str) -> float:
    """`value` as a float when it is a positive number; else ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{name} must be a positive number")
    return float(value)


def _configure_faults(store: HasFaults, body: dict[str, Any]) -> None:
    store.faults.configure(body)


@dataclass(frozen=True)
class ControlHandlers(Generic[S]):
    """The shared /_control handlers of one emulator."""

    store_of: Callable[[Request], S]
    render: Callable[[S], dict[str, Any]]
    on_reset: Callable[[S], None] | None = None

    def updater(self, apply: Callable[[S, dict[str, Any]], None]) -> Handler:
        """A handler that applies the request's JSON object to the store and answers the state;
        400 with {"error": ...} when the body or `apply` raises ValueError."""

        async def handler(request: Request) -> Response:
            store = self.store_of(request)
            try:
                apply(store, await read_object(request))
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(self.render(store))

        return handler

    async def set_faults(self, request: Request) -> Response:
        return await self.updater(_configure_faults)(request)

    async def reset(self, request: Request) -> Response:
        store = self.store_of(request)
        store.faults.reset()
        if self.on_reset is not None:
            self.on_reset(store)
        return JSONResponse(self.render(store))

    async def state(self, request: Request) -> Response:
        return JSONResponse(self.render(self.store_of(request)))


def control_handlers(
    store_of: Callable[[Request], S],
    render: Callable[[S], dict[str, Any]],
    *,
    on_reset: Callable[[S], None] | None = None,
) -> ControlHandlers[S]:
    """The `faults`, `reset` and `state` handlers (and an `updater` for more) of one emulator."""
    return ControlHandlers(store_of, render, on_reset)
