"""Strict scalar types for request bodies. A JSON body must carry integers as JSON numbers and
flags as JSON booleans: pydantic's lax mode would take `true` or `"100"` as an amount of cents.
Every number is bounded, so nothing a client sends overflows a column."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

MAX_INT32 = 2**31 - 1
# Amounts are cents in a 64-bit column; 2^31-1 cents (about 21 million) bounds any single
# resident charge, credit or payment.
MAX_CENTS = MAX_INT32

Int = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
Cents = Annotated[int, Strict(), Field(ge=-MAX_CENTS, le=MAX_CENTS)]
PositiveCents = Annotated[int, Strict(), Field(gt=0, le=MAX_CENTS)]


class StrictBody(BaseModel):
    """A request body: an unknown key is a 400 naming it."""

    model_config = ConfigDict(extra="forbid")
