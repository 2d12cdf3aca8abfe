"""The write half of the connector interface.

The write service validates a generic request against the vendor's declared rules, resolves
pmsgate ids to the vendor's keys, and hands the connector a `WriteRequest`. The connector
builds the native call, performs it (never retrying a non-idempotent call whose outcome is
unknown) and says what it created. Before a job that may already have reached the PMS is sent
again, `find_written` looks it up by its `marker` (sent as the vendor's reference number).

Also here, for every vendor: `accepts` (how a `rules.py` declares an operation's rules),
`DelegatedWrites` (a connector handing its write calls to its writes object), and for native
bodies `utc_day` (the calendar day of a generic date field), `integer_key` (a vendor's numeric
key) and `dollars` (cents as a JSON number). How the marker is written and found is in
`connectors.markers`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors.errors import VendorRejected
from pmsgate.kit.timeutil import parse_datetime


class WriteOperation(StrEnum):
    CREATE_RESIDENT_CHARGE = "CREATE_RESIDENT_CHARGE"
    CREATE_RESIDENT_CREDIT = "CREATE_RESIDENT_CREDIT"
    CREATE_RESIDENT_PAYMENT = "CREATE_RESIDENT_PAYMENT"
    CREATE_RECURRING_CHARGE = "CREATE_RECURRING_CHARGE"
    UPDATE_RECURRING_CHARGE = "UPDATE_RECURRING_CHARGE"
    # Several charges in one native call; the rules describe one item, `fields["items"]` holds them.
    CREATE_RESIDENT_CHARGE_BATCH = "CREATE_RESIDENT_CHARGE_BATCH"


# The common model a write's record lands in (credits are charges with a negative amount).
OPERATION_MODEL: dict[WriteOperation, Model] = {
    WriteOperation.CREATE_RESIDENT_CHARGE: Model.RESIDENT_CHARGES,
    WriteOperation.CREATE_RESIDENT_CREDIT: Model.RESIDENT_CHARGES,
    WriteOperation.CREATE_RESIDENT_PAYMENT: Model.RESIDENT_PAYMENTS,
    WriteOperation.CREATE_RECURRING_CHARGE: Model.RECURRING_RESIDENT_CHARGES,
    WriteOperation.UPDATE_RECURRING_CHARGE: Model.RECURRING_RESIDENT_CHARGES,
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: Model.RESIDENT_CHARGES,
}


@dataclass(frozen=True)
class OperationRules:
    """What a vendor accepts for one operation, in generic field names."""

    required: frozenset[str]
    optional: frozenset[str] = frozenset()
    returns_id: bool = True
    # field -> check returning a problem ("must be greater than 0") or None
    constraints: Mapping[str, Callable[[Any], str | None]] = field(default_factory=dict)
    notes: str = ""
    # Rules spanning fields ("start_date is required for a WEEKLY schedule"): given the fields the
    # client set, (field, problem) pairs, empty when the request is fine.
    check: Callable[[Mapping[str, Any]], list[tuple[str, str]]] | None = None

    @property
    def accepted(self) -> frozenset[str]:
        return self.required | self.optional | {"integration_id"}


def accepts(
    required: str,
    optional: str = "",
    *,
    constraints: Mapping[str, Callable[[Any], str | None]] | None = None,
    check: Callable[[Mapping[str, Any]], list[tuple[str, str]]] | None = None,
    returns_id: bool = True,
    notes: str = "",
) -> OperationRules:
    """A vendor's `OperationRules` for one operation as its `rules.py` declares them: the required
    and the optional fields each written as one space-separated list of generic names."""
    return OperationRules(
        required=frozenset(required.split()),
        optional=frozenset(optional.split()),
        returns_id=returns_id,
        constraints={} if constraints is None else constraints,
        notes=notes,
        check=check,
    )


@dataclass(frozen=True)
class WriteRequest:
    """A validated write. `fields` holds the generic body's values with pmsgate ids replaced by
    the vendor's keys (`x_lease_id`, `x_resident_id`, `x_charge_code_id`,
    `x_financial_account_id`, `x_property_id`, `x_unit_id`, and for updates `x_id`)."""

    operation: WriteOperation
    fields: Mapping[str, Any]
    marker: str  # our reference, unique per job; the vendor stores it as the reference number


@dataclass(frozen=True)
class WriteOutcome:
    x_id: str | None  # None when the vendor does not return the created id
    records: Sequence[CanonicalRecord] = field(default_factory=tuple)  # read back, if the vendor allows
    # A batch the PMS took only in part: one message per item (or group of items) that failed.
    # The job ends PARTIAL_SUCCESS with these as its errors.
    item_errors: Sequence[str] = field(default_factory=tuple)
    # What the job should say beyond its status, e.g. that the PMS holds the record pending approval.
    note: str | None = None


@runtime_checkable
class WritingConnector(Protocol):
    def write(self, request: WriteRequest) -> WriteOutcome:
        """Perform the native call(s). Raises VendorRejected, OutcomeUnknown, or a retriable error
        that certainly left nothing behind."""

    def find_written(self, request: WriteRequest) -> list[str]:
        """x_ids of records at the PMS carrying this request's marker (reconciliation)."""

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        """The record (with its child records) as the PMS now has it."""


class DelegatedWrites:
    """The WritingConnector methods for a connector whose writes live in their own object
    (`self._writes`, built from the vendor's `writes.py`): each call is handed on as it is."""

    _writes: WritingConnector

    def write(self, request: WriteRequest) -> WriteOutcome:
        return self._writes.write(request)

    def find_written(self, request: WriteRequest) -> list[str]:
        return self._writes.find_written(request)

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        return self._writes.read_back(operation, x_id)


def utc_day(value: Any) -> date:
    """The calendar day of a generic date field: a date as it is, a date-time's UTC day (a naive
    one is read as UTC), an ISO-8601 text parsed; VendorRejected when it is none of these."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()
    if isinstance(value, date):
        return value
    try:
        return parse_datetime(str(value)).date()
    except ValueError:
        raise VendorRejected(f"{value!r} is not an ISO-8601 date") from None


def integer_key(value: Any, name: str, what: str) -> int:
    """A vendor's numeric key (`x_lease_id`, …) as the integer its API takes; VendorRejected
    naming the field when it is not all digits (`what` says whose id: "a Buildium id")."""
    text = str(value)
    if not text.isdigit():
        raise VendorRejected(f"{name}: {value!r} is not {what}")
    return int(text)


def dollars(cents: Any) -> float:
    """An amount in cents as a JSON number of dollars. A float of a two-decimal value serialises
    to its shortest exact text (12.34, not 12.3399…)."""
    return float(Decimal(int(cents)) / 100)
