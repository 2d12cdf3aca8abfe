"""Write-body validation with SamplePMS's answers: 400 for a body that is not an object, 422 with
the native field name for a missing, unknown or malformed field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from pmsgate.emulators.sample.wire import FaultError, parse_money, parse_us_date

T = TypeVar("T")
_MAX_TEXT = 255
_MAX_REF = 40


def invalid(field: str, text: str) -> FaultError:
    return FaultError(422, "VALIDATION", text, field=field)


def _present(name: str, value: T | None) -> T:
    if value is None:
        raise invalid(name, f"{name} is required")
    return value


class Body:
    """A JSON write body, read field by field; every accessor raises the vendor's 422."""

    def __init__(self, raw: object, allowed: Iterable[str]) -> None:
        if not isinstance(raw, dict):
            raise FaultError(400, "BAD_REQUEST", "the body must be a JSON object")
        allowed_set = frozenset(allowed)
        for name in raw:
            if name not in allowed_set:
                raise invalid(name, f"unknown field {name!r}; allowed: {', '.join(sorted(allowed_set))}")
        self.raw: dict[str, Any] = raw

    def _required(self, name: str) -> Any:
        return _present(name, self.raw.get(name))

    def _optional(self, name: str, check: Callable[[str, Any], T]) -> T | None:
        """The field checked by `check` (which raises the 422), or None when it is absent."""
        value = self.raw.get(name)
        return None if value is None else check(name, value)

    def ident(self, name: str) -> int:
        return _present(name, self.optional_ident(name))

    def optional_ident(self, name: str) -> int | None:
        return self._optional(name, _positive_id)

    def amount(self, name: str = "amount") -> int:
        """Cents of a positive decimal string ('125.50'); sign is the endpoint's business."""
        value = self._required(name)
        try:
            cents = parse_money(value)
        except ValueError:
            raise invalid(name, f"{name} must be a decimal string like '125.50'") from None
        if cents <= 0:
            raise invalid(name, f"{name} must be greater than zero")
        return cents

    def day(self, name: str) -> date:
        return _present(name, self.optional_day(name))

    def optional_day(self, name: str) -> date | None:
        return self._optional(name, _us_date)

    def text(self, name: str, *, limit: int = _MAX_TEXT) -> str | None:
        return self._optional(name, lambda field, value: _text(field, value, limit))

    def ref(self) -> str | None:
        return self.text("ref", limit=_MAX_REF)

    def choice(self, name: str, options: Iterable[str]) -> str:
        value = self._required(name)
        known = tuple(options)
        if value not in known:
            raise invalid(name, f"{name} must be one of {', '.join(known)}")
        return str(value)

    def day_of_month(self, name: str) -> int | None:
        return self._optional(name, _month_day)

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise invalid(name, f"{name} must be true or false")
        return value


# The checks of present values: each returns the value or raises the vendor's 422 naming the field.
def _positive_id(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise invalid(name, f"{name} must be a positive integer id")
    return value


def _us_date(name: str, value: Any) -> date:
    try:
        return parse_us_date(value)
    except ValueError:
        raise invalid(name, f"{name} must be a MM/DD/YYYY date") from None


def _text(name: str, value: Any, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(name, f"{name} must be text of at most {limit} characters")
    return value


def _month_day(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 31:
        raise invalid(name, f"{name} must be a day of the month, 1 to 31")
    return value
