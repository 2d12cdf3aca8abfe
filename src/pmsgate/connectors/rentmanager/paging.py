"""Walking RM's paged lists: `pagenumber` from 1, `pagesize` up to 1000, `X-Total-Results`
for the total, 204 (no body) for an empty result."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pmsgate.connectors.errors import TransientError
from pmsgate.connectors.rentmanager.session import RMSession

PAGE_SIZE = 1000


def fetch_page(
    session: RMSession, path: str, params: dict[str, Any], number: int, size: int
) -> tuple[list[Any], bool]:
    """(rows of page `number`, whether a later page exists)."""
    body, response = session.get(path, {**params, "pagenumber": number, "pagesize": size})
    if body is None:
        return [], False
    if not isinstance(body, list):
        raise TransientError(f"Rent Manager answered GET {path} without a list")
    total = response.headers.get("x-total-results")
    if total is not None and total.isdigit():
        return body, number * size < int(total)
    return body, len(body) >= size  # no total: a full page may have a successor


def fetch_all(session: RMSession, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    number = 1
    while True:
        rows, more = fetch_page(session, path, params, number, PAGE_SIZE)
        yield from (row for row in rows if isinstance(row, dict))
        if not more:
            return
        number += 1
