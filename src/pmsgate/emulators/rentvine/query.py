"""List queries as Rentvine takes them: `page`/`pageSize`, bracketed arrays (`propertyIDs[]=1`),
inclusive date filters. Parsed strictly: an unknown or malformed parameter is a 400, so a
connector bug shows up in tests instead of silently reading everything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from starlette.datastructures import QueryParams

from pmsgate.emulators.rentvine.wire import RentvineError, parse_day, parse_stamp

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
_PAGING = frozenset({"page", "pageSize"})
MODIFIED = frozenset({"dateTimeModifiedMin", "dateTimeModifiedMax"})
POSTED = frozenset({"datePostedMin", "datePostedMax"})


def _bad(text: str) -> RentvineError:
    return RentvineError(400, text)


@dataclass(frozen=True)
class ListQuery:
    page: int
    page_size: int
    params: QueryParams

    def window(self, rows: list[Any]) -> list[Any]:
        start = (self.page - 1) * self.page_size
        return rows[start : start + self.page_size]

    def ints(self, name: str) -> frozenset[int] | None:
        values = self.params.getlist(f"{name}[]")
        if not values:
            return None
        if not all(v.isdigit() for v in values):
            raise _bad(f"{name}[] must be integers")
        return frozenset(int(v) for v in values)

    def stamp_range(self, record: dict[str, Any]) -> bool:
        return _within(self.params, "dateTimeModified", parse_stamp, parse_stamp(record["dateTimeModified"]))

    def day_range(self, record: dict[str, Any]) -> bool:
        return _within(self.params, "datePosted", parse_day, parse_day(record["datePosted"]))


def _within(params: QueryParams, name: str, parse: Callable[[str], Any], value: date | datetime) -> bool:
    for suffix, keep in (("Min", lambda b: value >= b), ("Max", lambda b: value <= b)):
        raw = params.get(name + suffix)
        if raw is None:
            continue
        try:
            bound = parse(raw)
        except ValueError:
            raise _bad(f"{name}{suffix} is not a valid date") from None
        if not keep(bound):
            return False
    return True


def parse_list(params: QueryParams, allowed: frozenset[str]) -> ListQuery:
    known = _PAGING | allowed
    unknown = sorted(k for k in params if k not in known)
    if unknown:
        raise _bad(f"unknown query parameter {unknown[0]!r}")
    page, size = params.get("page", "1"), params.get("pageSize", str(DEFAULT_PAGE_SIZE))
    if not page.isdigit() or int(page) < 1:
        raise _bad("page must be a positive integer")
    if not size.isdigit() or not 1 <= int(size) <= MAX_PAGE_SIZE:
        raise _bad(f"pageSize must be an integer from 1 to {MAX_PAGE_SIZE}")
    query = ListQuery(int(page), int(size), params)
    for name in ("dateTimeModified", "datePosted"):
        for suffix in ("Min", "Max"):
            raw = params.get(name + suffix)
            if raw is not None:
                try:
                    (parse_stamp if name == "dateTimeModified" else parse_day)(raw)
                except ValueError:
                    raise _bad(f"{name}{suffix} is not a valid date") from None
    return query
