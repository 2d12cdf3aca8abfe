"""The unauthenticated /_control endpoints every emulator serves (tests, demos, benchmarks; no
real PMS has anything like them). A vendor declares what it adds as a `Control`:

    POST /_control/faults   the shared faults (`pmsgate.emulators.faults`), answers the state
    POST /_control/{name}   one per `updaters` entry: apply a JSON object to the store and answer
                            the state, or 400 {"error": ...} when the body is refused
    POST /_control/{name}   one per `actions` entry: answer what the action returns
    POST /_control/reset    no faults pending or fired, then the vendor's `on_reset`
    GET  /_control/state    {"faults": pending, "fired": fired, **the vendor's `state`}

Most vendors' rate limit is the shared `RateLimiter`: `rate_limited_state` and
`apply_rate_limit` serve them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pmsgate.emulators.faults import Faults, RateLimiter

Handler = Callable[[Request], Awaitable[Response]]


class HasFaults(Protocol):
    @property
    def faults(self) -> Faults: ...


class RateLimited(HasFaults, Protocol):
    @property
    def limiter(self) -> RateLimiter: ...

    def counts(self) -> Mapping[str, int]: ...


S = TypeVar("S", bound=HasFaults)


def store_of(request: Request) -> Any:
    """The emulator's state, which `emulator_app` keeps on `app.state.store`."""
    return request.app.state.store


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


def apply_rate_limit(store: RateLimited, body: dict[str, Any]) -> None:
    """{"requests_per_second": n | null}: the shared rate limit; null (or no value) switches it off."""
    rps = optional_non_negative(body.get("requests_per_second"), "requests_per_second")
    store.limiter.per_second = rps or None


def rate_limited_state(store: RateLimited) -> dict[str, Any]:
    """The state of an emulator whose only limit is the shared rate limit."""
    return {"limits": {"requests_per_second": store.limiter.per_second}, "counts": store.counts()}


def _configure_faults(store: HasFaults, body: dict[str, Any]) -> None:
    store.faults.configure(body)


@dataclass(frozen=True)
class Control(Generic[S]):
    """What one emulator's /_control endpoints do beyond the shared faults, reset and state."""

    state: Callable[[S], dict[str, Any]]  # the state after "faults" and "fired", in answer order
    updaters: Mapping[str, Callable[[S, dict[str, Any]], None]] = field(default_factory=dict)
    actions: Mapping[str, Callable[[S], dict[str, Any]]] = field(default_factory=dict)
    on_reset: Callable[[S], None] | None = None

    def render(self, store: S) -> dict[str, Any]:
        faults = store.faults.snapshot()
        return {"faults": faults["pending"], "fired": faults["fired"], **self.state(store)}

    def routes(self) -> list[Route]:
        return [
            Route("/_control/faults", self._updater(_configure_faults), methods=["POST"]),
            *(Route(f"/_control/{n}", self._updater(f), methods=["POST"]) for n, f in self.updaters.items()),
            *(Route(f"/_control/{n}", self._action(f), methods=["POST"]) for n, f in self.actions.items()),
            Route("/_control/reset", self._reset, methods=["POST"]),
            Route("/_control/state", self._state, methods=["GET"]),
        ]

    def _updater(self, apply: Callable[[S, dict[str, Any]], None]) -> Handler:
        async def handler(request: Request) -> Response:
            store: S = store_of(request)
            try:
                apply(store, await read_object(request))
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(self.render(store))

        return handler

    def _action(self, act: Callable[[S], dict[str, Any]]) -> Handler:
        async def handler(request: Request) -> Response:
            return JSONResponse(act(store_of(request)))

        return handler

    async def _reset(self, request: Request) -> Response:
        store: S = store_of(request)
        store.faults.reset()
        if self.on_reset is not None:
            self.on_reset(store)
        return JSONResponse(self.render(store))

    async def _state(self, request: Request) -> Response:
        return JSONResponse(self.render(store_of(request)))
