"""List queries: parsing SamplePMS's query string strictly (a real vendor's 400s) and matching."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from pmsgate.emulators.sample.collections import CollectionSpec
from pmsgate.emulators.sample.wire import FaultError, decode_cursor, parse_stamp, parse_us_date

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
_KNOWN_PARAMS = frozenset({"pageSize", "cursor", "changedSince", "postedFrom", "siteIds", "ref"})


@dataclass(frozen=True)
class ListQuery:
    page_size: int = DEFAULT_PAGE_SIZE
    after_id: int | None = None
    changed_since: datetime | None = None
    posted_from: date | None = None
    site_ids: frozenset[int] | None = None
    ref: str | None = None

    def matches(self, data: Mapping[str, Any], changed_on: datetime, posted_on: date | None) -> bool:
        if self.changed_since is not None and changed_on < self.changed_since:
            return False
        if self.posted_from is not None and (posted_on is None or posted_on < self.posted_from):
            return False
        if self.site_ids is not None and data.get("siteId") not in self.site_ids:
            return False
        return self.ref is None or data.get("ref") == self.ref


def _bad(param: str, text: str) -> FaultError:
    return FaultError(400, "BAD_REQUEST", text, field=param)


def parse_list_query(spec: CollectionSpec, params: Mapping[str, str]) -> ListQuery:
    unknown = sorted(set(params) - _KNOWN_PARAMS)
    if unknown:
        raise _bad(unknown[0], f"unknown query parameter {unknown[0]!r}")
    if "postedFrom" in params and not spec.posted:
        raise _bad("postedFrom", f"{spec.name} cannot be filtered by postedFrom")
    if "ref" in params and not spec.by_ref:
        raise _bad("ref", f"{spec.name} cannot be filtered by ref")
    return ListQuery(
        page_size=_page_size(params.get("pageSize")),
        after_id=_parsed(params, "cursor", decode_cursor, "cursor is not one this server issued"),
        changed_since=_parsed(
            params, "changedSince", parse_stamp, "changedSince must be ISO-8601 with a UTC offset"
        ),
        posted_from=_parsed(params, "postedFrom", parse_us_date, "postedFrom must be MM/DD/YYYY"),
        site_ids=_site_ids(params.get("siteIds")),
        ref=params.get("ref"),
    )


def _page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise _bad("pageSize", f"pageSize must be an integer from 1 to {MAX_PAGE_SIZE}")
    return int(raw)


def _parsed(params: Mapping[str, str], name: str, parse: Callable[[str], T], refusal: str) -> T | None:
    """The parameter parsed, None when absent; 400 naming it when `parse` refuses it."""
    raw = params.get(name)
    if raw is None:
        return None
    try:
        return parse(raw)
    except ValueError:
        raise _bad(name, refusal) from None


def _site_ids(raw: str | None) -> frozenset[int] | None:
    if raw is None:
        return None
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise _bad("siteIds", "siteIds must be a comma-separated list of site ids")
    return frozenset(int(p) for p in parts)
