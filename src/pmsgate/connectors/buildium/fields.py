"""Reading Buildium's native field formats: int32 ids, `YYYY-MM-DD` dates, UTC date-times and
money as JSON numbers in dollars. The client parses JSON numbers as Decimal, so `1450.1` is
exactly 145010 cents. Each helper raises MappingError (a ValueError) on a value it cannot read.

The parsers Buildium shares with other vendors live in `connectors.parsing`: dates keep the
calendar day of a date-time, and date-times without an offset (older endpoints omit the 'Z')
are read as UTC, as Buildium documents."""

from __future__ import annotations

from pmsgate.connectors.parsing import MappingError, Native, blank, required
from pmsgate.connectors.parsing import iso_utc as utc

# Also read from here by the tests (the rest of parsing is imported from connectors.parsing).
__all__ = ["MappingError", "utc"]


def ident(raw: Native, field: str) -> str:
    value = required(raw, field)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).lstrip("-").isdigit():
        raise MappingError(f"{field}: {value!r} is not a Buildium id")
    return str(value)


def optional_ident(raw: Native, field: str) -> str | None:
    value = raw.get(field)
    return None if blank(value) or value == 0 else ident(raw, field)
