"""The one shape of a write endpoint, shared by the generic endpoints (`endpoints.py`) and the
vendor-specific ones (`vendor_endpoints.py`): a body, the target record for updates, the two
request options, and a function that accepts the write.

Where the shapes differ it is by dependency: an update takes its target from the path, a create
has none; the generic endpoints read `?ignore_unknown_fields`, the vendor-specific ones have no
such option (their bodies are already narrowed to the vendor's fields).
"""

# No `from __future__ import annotations`: `endpoint()` closes over the body model, so the
# annotations must be evaluated where they are defined.

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from pmsgate.customers.auth import CurrentCustomer
from pmsgate.kit.deps import DispatcherDep, SessionDep
from pmsgate.models.customers import Customer

IgnoreUnknown = Annotated[
    bool,
    Query(description="Drop fields the target PMS does not accept instead of answering 400"),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Retrying with the same key returns the same job (1 to 255 printable characters)",
        min_length=1,
        max_length=255,
    ),
]


# The dependencies below only pass a value on: `async`, so FastAPI calls them on the event loop
# instead of sending each to the thread pool.


async def ignore_unknown(ignore_unknown_fields: IgnoreUnknown = False) -> bool:
    return ignore_unknown_fields


async def strict() -> bool:
    return False


async def no_target() -> str | None:
    return None


async def charge_id(recurring_resident_charge_id: str) -> str | None:
    return recurring_resident_charge_id


async def bounded_charge_id(recurring_resident_charge_id: Annotated[str, Path(max_length=64)]) -> str | None:
    # The path parameter is declared so the document describes the path it publishes.
    return recurring_resident_charge_id


@dataclass(frozen=True)
class WriteCall:
    """What a write endpoint received, handed to its `accept` function."""

    session: Session
    customer: Customer
    dispatcher: Any
    body: BaseModel
    target: str | None  # the record an update changes
    ignore_unknown_fields: bool
    idempotency_key: str | None


Accept = Callable[[WriteCall], dict[str, Any]]


def endpoint(
    body_model: type[BaseModel],
    accept: Accept,
    *,
    target: Callable[..., Awaitable[str | None]] = no_target,
    ignore: Callable[..., Awaitable[bool]] = strict,
) -> Callable[..., dict[str, Any]]:
    """A write endpoint: validates the body as `body_model` and hands everything to `accept`."""

    def write(
        body: body_model,  # type: ignore[valid-type]
        session: SessionDep,
        customer: CurrentCustomer,
        dispatcher: DispatcherDep,
        target_id: Annotated[str | None, Depends(target)],
        ignore_unknown_fields: Annotated[bool, Depends(ignore)],
        idempotency_key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        return accept(
            WriteCall(session, customer, dispatcher, body, target_id, ignore_unknown_fields, idempotency_key)
        )

    return write
