"""Groups of canonical fields that every vendor fills the same way.

A vendor's mapping says where its values are; these say what the canonical record makes of them,
so the rule is written once (splat the result into the record: `r.UnitRecord(..., **site(...))`):
- `site`, `postal`: an address. A site (property, unit) carries its street lines twice, as
  `street_address_*` and `address_*`; a person's postal address only as `address_*`. The vendor
  names its native fields in an `AddressNames` table and passes how to read one.
- `lease_status`: a lease's status as the vendor wrote it, and its canonical value (OTHER when
  the vendor's table does not know it);
- `charge_amounts`: a charge's amount, what is paid of it and what is still open (`from_cents`
  for the ones pmsgate computes), and whether it is open;
- `payment_method`, `schedule`: a vendor's payment method or charge frequency as it wrote it, and
  its canonical value from the vendor's table (OTHER when the table does not know it); the
  tables of vendors that write them in plain words ("Money Order", "Monthly") start from
  `PAYMENT_METHOD_WORDS` and `FREQUENCY_WORDS`, MITS's lease statuses `MITS_LEASE_STATUS`;
- `move_in_dates`, `move_out_dates`: a lease's move dates are plans (`scheduled_*`) until the lease has
  started or ended, facts (`realized_*`) after;
- `terms`, `balances`: a lease's rent (and its due day) and deposit, and what is owed on it, from
  `parsing.money` pairs;
- `property_type`: a property's type as the vendor wrote it, and its canonical value;
- `resident_link`: the keys of a residents-to-leases link and whether it is the primary resident;
- `verbatim`: canonical fields that take a native value as it is, from a {canonical: native} table;
- `company_wide`, `company_account`: charge codes and GL accounts belong to the whole company, not
  to a property (NO_PROPERTY); a GL account's status is the vendor's active flag in its words;
- `allocation`: the record of a part of a payment applied to a charge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from pmsgate.canonical.enums import Frequency, LeaseStatus, PropertyType, ResidentType
from pmsgate.canonical.records import NO_PROPERTY, AllocationRecord
from pmsgate.kit.money import cents_to_decimal_str

Read = Callable[[str], Any]  # a native field's value by name (`dict.get`, an XML child's text)


def verbatim(read: Read, names: Mapping[str, str | None]) -> dict[str, Any]:
    """Canonical fields filled with native values as they are: {canonical name: native name}, in
    the order given (a native name of None: the vendor has no such field, the value is None)."""
    return {canonical: None if native is None else read(native) for canonical, native in names.items()}


def company_wide(read: Read, names: Mapping[str, str | None]) -> dict[str, Any]:
    """A record of the whole company, not of one property (a charge code, a GL account): it carries
    NO_PROPERTY, and its `verbatim` fields."""
    return {"x_property_id": NO_PROPERTY, **verbatim(read, names)}


@dataclass(frozen=True)
class AccountNames:
    """The vendor's names of a GL account's native fields; `active` is a yes/no flag, which the
    account's status gives in the vendor's `words` (for yes, for no)."""

    name: str
    number: str
    active: str
    words: tuple[str, str] = ("Active", "Inactive")


def company_account(read: Read, names: AccountNames) -> dict[str, Any]:
    """A GL account (company-wide): name, number and status (None when the flag is absent)."""
    active = read(names.active)
    status = None if active is None else names.words[0 if active else 1]
    return {**company_wide(read, {"name": names.name, "account_number": names.number}), "status_raw": status}


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


class Kind(TypedDict):
    type: Any
    type_raw: Any
    type_normalized: str | None


def property_type(kind: Any, table: Mapping[str, PropertyType]) -> Kind:
    """The vendor's property type, and its canonical value (OTHER when the table does not know it)."""
    normalized = None if kind is None else table.get(kind, PropertyType.OTHER).value
    return Kind(type=kind, type_raw=kind, type_normalized=normalized)


class Link(TypedDict):
    x_id: str
    x_property_id: str
    x_lease_id: str
    x_resident_id: str
    x_resident_type: Any
    resident_type_normalized: str


def resident_link(lease_id: str, resident_id: str, *, property_id: str, kind: Any, primary: bool) -> Link:
    """A residents-to-leases link, keyed `lease:resident`; `kind` is the vendor's word for the
    resident's role, and the lease's primary resident is PRIMARY, any other OTHER."""
    return Link(
        x_id=f"{lease_id}:{resident_id}",
        x_property_id=property_id,
        x_lease_id=lease_id,
        x_resident_id=resident_id,
        x_resident_type=kind,
        resident_type_normalized=(ResidentType.PRIMARY if primary else ResidentType.OTHER).value,
    )


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


Money = tuple[int | None, str | None]  # (cents, the amount as text), as `parsing.money` reads it
NO_MONEY: Money = (None, None)


class Terms(TypedDict):
    rent_amount_in_cents: int | None
    rent_due_day: Any
    deposit_amount: str | None
    deposit_amount_in_cents: int | None


def terms(rent: Money, deposit: Money = NO_MONEY, *, due_day: Any = None) -> Terms:
    """A lease's rent (in cents, due on `due_day` of the month) and deposit (in cents, and as the
    vendor wrote it)."""
    return Terms(
        rent_amount_in_cents=rent[0],
        rent_due_day=due_day,
        deposit_amount=deposit[1],
        deposit_amount_in_cents=deposit[0],
    )


class Balances(TypedDict):
    balance_amount_in_cents: int | None
    balance_amount_raw: str | None
    past_due_balance_in_cents: int | None
    past_due_balance_raw: str | None


def balances(balance: Money, past_due: Money = NO_MONEY) -> Balances:
    """What is owed on a lease, and what of it is past due (in cents, and as the vendor wrote it)."""
    return Balances(
        balance_amount_in_cents=balance[0],
        balance_amount_raw=balance[1],
        past_due_balance_in_cents=past_due[0],
        past_due_balance_raw=past_due[1],
    )


def from_cents(cents: int | None) -> Money:
    """An amount pmsgate computed (open = amount - paid) with its decimal text."""
    return cents, None if cents is None else cents_to_decimal_str(cents)


class ChargeAmounts(TypedDict):
    amount_in_cents: int | None
    amount_raw: str | None
    amount_paid_in_cents: int | None
    amount_paid_raw: str | None
    amount_open_in_cents: int | None
    amount_open_raw: str | None
    is_open: bool | None


def charge_amounts(amount: Money, *, paid: Money, open_: Money, owed_only: bool = False) -> ChargeAmounts:
    """A charge is open while anything of it is left to settle, either way (unknown: None); with
    `owed_only`, only while something is still owed (a negative open amount is not)."""
    open_cents = open_[0]
    return ChargeAmounts(
        amount_in_cents=amount[0],
        amount_raw=amount[1],
        amount_paid_in_cents=paid[0],
        amount_paid_raw=paid[1],
        amount_open_in_cents=open_[0],
        amount_open_raw=open_[1],
        is_open=None if open_cents is None else (open_cents > 0 if owed_only else open_cents != 0),
    )


# Payment methods as the vendors that write them in plain words name them: {native: canonical}.
PAYMENT_METHOD_WORDS: dict[str, str] = {
    "ACH": "ACH",
    "eCheck": "ACH",
    "Check": "CHECK",
    "Cash": "CASH",
    "Money Order": "MONEY_ORDER",
    "Cashier's Check": "CASHIERS_CHECK",
    "Credit Card": "CREDIT_CARD",
    "Debit Card": "DEBIT_CARD",
}


class PaymentMethod(TypedDict):
    payment_method_raw: Any
    payment_method_normalized: str | None


def payment_method(method: Any, table: Mapping[str, str]) -> PaymentMethod:
    normalized = None if method is None else table.get(method, "OTHER")
    return PaymentMethod(payment_method_raw=method, payment_method_normalized=normalized)


# Charge frequencies as the vendors that write them in plain words name them.
# The resident statuses of the MITS standard that Yardi and Entrata report a lease's residents
# by; each vendor adds its own words for the ended and refused ones.
MITS_LEASE_STATUS: dict[str, LeaseStatus] = {
    "Current": LeaseStatus.ACTIVE,
    "Notice": LeaseStatus.ACTIVE,
    "Future": LeaseStatus.PENDING,
    "Applicant": LeaseStatus.PENDING,
    "Approved": LeaseStatus.PENDING,
    "Past": LeaseStatus.INACTIVE,
}

FREQUENCY_WORDS: dict[str, Frequency] = {
    "Monthly": Frequency.MONTHLY,
    "Weekly": Frequency.WEEKLY,
    "Daily": Frequency.DAILY,
}


class Schedule(TypedDict):
    frequency_raw: Any
    frequency_normalized: str | None


def schedule(frequency: Any, table: Mapping[Any, Frequency]) -> Schedule:
    normalized = None if frequency is None else table.get(frequency, Frequency.OTHER).value
    return Schedule(frequency_raw=frequency, frequency_normalized=normalized)


def allocation(
    payment_id: str,
    charge_id: str | None,
    amount: Money,
    *,
    property_id: str,
    account_id: str | None = None,
    x_id: str | None = None,
) -> AllocationRecord:
    """Part of a payment (the source) applied to a charge (the destination; None where the vendor
    applies payments to GL accounts, not to charges), keyed `payment:charge` unless `x_id` is given."""
    return AllocationRecord(
        x_id=f"{payment_id}:{charge_id}" if x_id is None else x_id,
        x_property_id=property_id,
        x_source_id=payment_id,
        x_destination_id=charge_id,
        x_financial_account_id=account_id,
        amount_in_cents=amount[0],
        amount_raw=amount[1],
    )
