"""RM's query conventions: RQL `filters=Field,op,value;…`, `fields=`, `embeds=` and paging by
`pagenumber`/`pagesize` with `Link` and `X-Total-Results` headers.

Ops: eq ne gt ge lt le in ni ct sw ew bt hv (the documented `gtn`/`ltn`/`gen`/`len` variants are
not emulated). Values compare as numbers when both sides are numbers, as local times when the
value reads as a date, else as case-insensitive text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pmsgate.emulators.rentmanager.wire import QueryError

Record = dict[str, Any]
AUTO_PAGE = 1000  # RM pages on its own above this many rows
OPS = ("eq", "ne", "gt", "ge", "lt", "le", "in", "ni", "ct", "sw", "ew", "bt", "hv")


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    values: tuple[str, ...]


def _list(text: str) -> tuple[str, ...]:
    inner = text[1:-1] if text.startswith("(") and text.endswith(")") else text
    return tuple(part.strip() for part in inner.split(",")) if inner else ()


def parse_filters(text: str | None, known: frozenset[str]) -> list[Filter]:
    parsed: list[Filter] = []
    for clause in (text or "").split(";"):
        if not clause.strip():
            continue
        parts = clause.split(",", 2)
        if len(parts) < 2:
            raise QueryError("filters", f"'{clause}' is not Field,op,value")
        field, op = parts[0].strip(), parts[1].strip().lower()
        if field not in known:
            raise QueryError("filters", f"'{field}' is not a filterable field of this resource")
        if op not in OPS:
            raise QueryError("filters", f"'{op}' is not a filter operation")
        rest = parts[2].strip() if len(parts) > 2 else ""
        values = _list(rest) if op in ("in", "ni", "bt") else (rest,)
        if op == "bt" and len(values) != 2:
            raise QueryError("filters", "bt needs (low,high)")
        parsed.append(Filter(field, op, values))
    return parsed


def _key(value: Any) -> tuple[int, Any]:
    """Comparable form: numbers, then times, then text."""
    if isinstance(value, bool):
        return (3, str(value).lower())
    if isinstance(value, int | float | Decimal):
        return (0, Decimal(str(value)))
    text = str(value)
    try:
        return (0, Decimal(text))
    except InvalidOperation:
        pass
    try:
        return (1, datetime.fromisoformat(text))
    except ValueError:
        return (2, text.lower())


def _cmp(left: Any, right: str) -> int | None:
    a, b = _key(left), _key(right)
    if a[0] != b[0]:
        return None
    return (a[1] > b[1]) - (a[1] < b[1])


_COMPARE: dict[str, Callable[[int], bool]] = {
    "eq": lambda c: c == 0,
    "ne": lambda c: c != 0,
    "gt": lambda c: c > 0,
    "ge": lambda c: c >= 0,
    "lt": lambda c: c < 0,
    "le": lambda c: c <= 0,
}


def matches(record: Mapping[str, Any], flt: Filter) -> bool:
    value = record.get(flt.field)
    if flt.op == "hv":
        return value is not None and value != ""
    if value is None:
        return flt.op in ("ne", "ni")
    if flt.op in _COMPARE:
        result = _cmp(value, flt.values[0])
        return result is not None and _COMPARE[flt.op](result)
    if flt.op in ("in", "ni"):
        hit = any(_cmp(value, v) == 0 for v in flt.values)
        return hit if flt.op == "in" else not hit
    if flt.op == "bt":
        low, high = _cmp(value, flt.values[0]), _cmp(value, flt.values[1])
        return low is not None and high is not None and low >= 0 and high <= 0
    text, needle = str(value).lower(), flt.values[0].lower()
    return {"ct": needle in text, "sw": text.startswith(needle), "ew": text.endswith(needle)}[flt.op]


def embed_paths(embeds: frozenset[str]) -> frozenset[str]:
    """Every embed asked for with its parents: `Contacts.PhoneNumbers` also embeds `Contacts`."""
    paths: set[str] = set()
    for embed in embeds:
        parts = embed.split(".")
        paths.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return frozenset(paths)


def _embedded(record: Record, prefix: str, wanted: frozenset[str], allowed: frozenset[str]) -> Record:
    shown: Record = {}
    for key, value in record.items():
        path = prefix + key
        if path in allowed:
            if path not in wanted:
                continue
            if isinstance(value, list):
                value = [
                    _embedded(v, f"{path}.", wanted, allowed) if isinstance(v, dict) else v for v in value
                ]
            elif isinstance(value, dict):
                value = _embedded(value, f"{path}.", wanted, allowed)
        shown[key] = value
    return shown


def project(
    record: Record, fields: list[str] | None, embeds: frozenset[str], allowed: frozenset[str]
) -> Record:
    """The record as listed: embedded collections only when asked for (nested ones by dotted
    path, e.g. `Contacts.PhoneNumbers`), only `fields` if given."""
    wanted = embed_paths(embeds)
    shown = _embedded(record, "", wanted, allowed)
    if fields:
        shown = {k: v for k, v in shown.items() if k in fields or k in wanted}
    return shown


def page_bounds(params: Mapping[str, str], total: int) -> tuple[int, int | None]:
    """(page number, page size); size None = everything (small results are not paged)."""
    try:
        size = int(params["pagesize"]) if "pagesize" in params else None
        number = int(params.get("pagenumber", "1"))
    except ValueError:
        raise QueryError("pagenumber", "pagenumber and pagesize must be integers") from None
    if number < 1 or (size is not None and size < 1):
        raise QueryError("pagenumber", "pagenumber and pagesize must be at least 1")
    if size is None and (total > AUTO_PAGE or "pagenumber" in params):
        size = AUTO_PAGE
    return number, size


def link_header(url: str, params: Mapping[str, str], number: int, size: int, total: int) -> str:
    last = max(1, -(-total // size))
    others = "&".join(f"{k}={v}" for k, v in params.items() if k not in ("pagenumber", "pagesize"))
    prefix = f"{url}?{others + '&' if others else ''}"
    links = [(1, "first"), (last, "last")]
    if number > 1:
        links.append((number - 1, "previous"))
    if number < last:
        links.append((number + 1, "next"))
    return ", ".join(f'<{prefix}pagenumber={n}&pagesize={size}>; rel="{rel}"' for n, rel in links)
