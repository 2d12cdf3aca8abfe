"""List parameters (`offset`, `limit`, `order-by`) and the `{meta, results}` envelope.
Free of the web framework (the workers import it through the repositories and never serve
HTTP); the query-string dependency that builds ListParams is kit.deps.list_params.

`order-by` is `field[:asc|desc][,field[:asc|desc]…]`; each field must be in the endpoint's
whitelist, and the record id is always the last tie-breaker so pages never overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from pmsgate.errors import BadRequest

DEFAULT_LIMIT = 100
MAX_LIMIT = 250
# Offsets past 2^31-1 overflow a 32-bit OFFSET on some stores and page nothing real anyway.
MAX_OFFSET = 2**31 - 1
DEFAULT_ORDER = "created_at:desc"


@dataclass(frozen=True)
class ListParams:
    offset: int
    limit: int
    order_by: tuple[tuple[str, str], ...]

    def checked(self, allowed: Iterable[str]) -> ListParams:
        allowed_set = set(allowed)
        for field_name, _ in self.order_by:
            if field_name not in allowed_set:
                raise BadRequest.field(
                    "order-by",
                    f"cannot order by {field_name!r}; allowed fields: {', '.join(sorted(allowed_set))}",
                )
        return self


def parse_order_by(raw: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            raise BadRequest.field("order-by", "empty field name")
        name, _, direction = part.partition(":")
        direction = (direction or "asc").lower()
        if direction not in ("asc", "desc"):
            raise BadRequest.field("order-by", f"direction of {name!r} must be asc or desc")
        if not name.replace("_", "").isalnum():
            raise BadRequest.field("order-by", f"{name!r} is not a field name")
        pairs.append((name, direction))
    if len(pairs) > 5:
        raise BadRequest.field("order-by", "at most 5 fields")
    return tuple(pairs)


class Meta(BaseModel):
    offset: int = Field(ge=0)
    limit: int = Field(ge=0, le=MAX_LIMIT)
    orderBy: list[dict[str, str]]  # noqa: N815  (the contract's spelling)
    hasMore: bool | None  # noqa: N815
    total: int = Field(ge=0)


def meta(params: ListParams, total: int, returned: int) -> Meta:
    return Meta(
        offset=params.offset,
        limit=params.limit,
        orderBy=[{name: direction} for name, direction in params.order_by],
        hasMore=params.offset + returned < total,
        total=total,
    )


def single_meta() -> Meta:
    return Meta(offset=0, limit=1, orderBy=[], hasMore=False, total=1)


def envelope(params: ListParams, total: int, results: Sequence[Any]) -> dict[str, Any]:
    return {"meta": meta(params, total, len(results)), "results": results}
