"""Groups of canonical fields that every vendor fills the same way.

A vendor's mapping says where its values are; these say what the canonical record makes of them,
so the rule is written once (splat the result into the record: `r.UnitRecord(..., **site(...))`):
- `site`, `postal`: an address. A site (property, unit) carries its street lines twice, as
  `street_address_*` and `address_*`; a person's postal address only as `address_*`. The vendor
  names its native fields in an `AddressNames` table and passes how to read one.
- `lease_status`: a lease's status as the vendor wrote it, and its canonical value (OTHER when
  the vendor's table does not know it);
- `move_in_dates`, `move_out_dates`: a lease's move dates are plans (`scheduled_*`) until the lease has
  started or ended, facts (`realized_*`) after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from pmsgate.canonical.enums import LeaseStatus

Read = Callable[[str], Any]  # a native field's value by name (`dict.get`, an XML child's text)


@dataclass(frozen=True)
class AddressNames:
    """The vendor's names of an address's native fields (None: the vendor has no such field)."""

    line1: str
    line2: str | None
    city: str
    state: str
    zip: str
    country: str | None = None


class Postal(TypedDict):
    address_1: Any
    address_2: Any
    city: Any
    state: Any
    zip: Any
    country: Any


class Site(Postal):
    street_address_1: Any
    street_address_2: Any


def postal(read: Read, names: AddressNames) -> Postal:
    def get(name: str | None) -> Any:
        return None if name is None else read(name)

    return Postal(
        address_1=get(names.line1),
        address_2=get(names.line2),
        city=get(names.city),
        state=get(names.state),
        zip=get(names.zip),
        country=get(names.country),
    )


def site(read: Read, names: AddressNames) -> Site:
    found = postal(read, names)
    return Site(**found, street_address_1=found["address_1"], street_address_2=found["address_2"])


class Status(TypedDict):
    status: str | None
    status_raw: str | None
    status_normalized: str


def lease_status(status: str | None, table: Mapping[str, LeaseStatus]) -> Status:
    normalized = table.get(status or "", LeaseStatus.OTHER)
    return Status(status=status, status_raw=status, status_normalized=normalized.value)


class MoveIn(TypedDict):
    scheduled_move_in_date: date | None
    realized_move_in_date: date | None


class MoveOut(TypedDict):
    scheduled_move_out_date: date | None
    realized_move_out_date: date | None


def move_in_dates(day: date | None, *, upcoming: bool) -> MoveIn:
    """Before the lease starts (`upcoming`) its move-in is scheduled; after, realized."""
    return MoveIn(
        scheduled_move_in_date=day if upcoming else None,
        realized_move_in_date=None if upcoming else day,
    )


def move_out_dates(day: date | None, *, moved_out: bool) -> MoveOut:
    """Until the lease has ended (`moved_out`) its move-out is scheduled; after, realized."""
    return MoveOut(
        scheduled_move_out_date=None if moved_out else day,
        realized_move_out_date=day if moved_out else None,
    )
