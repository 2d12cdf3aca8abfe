"""SAMPLE writes: a generic `WriteRequest` -> SamplePMS's native write call, and back.

    CREATE_RESIDENT_CHARGE   POST  /api/v2/charges        201 {"chargeId": N}
    CREATE_RESIDENT_CREDIT   POST  /api/v2/credits        201 {"chargeId": N}  (stored negative)
    CREATE_RESIDENT_PAYMENT  POST  /api/v2/receipts       201 {"receiptId": N}
    CREATE_RECURRING_CHARGE  POST  /api/v2/recurring      201 {"recurringId": N}
    UPDATE_RECURRING_CHARGE  PATCH /api/v2/recurring/{id} 200 <the whole schedule>

The marker: every create carries the job's marker so the write can be found again. It is the
record's `ref` when the client gave no reference_number; otherwise `ref` is the client's and the
marker is appended to the memo (" [PMSG-…]"), and `find_written` lists that ref and keeps the
records whose memo holds the marker. An update needs no marker: it is found to have happened
when the PMS record already holds every value it sets.

Where the write rules say a vendor does not return created ids (SAMPLE2's charges and credits),
the POST asks `Prefer: respond-async` and the PMS answers 202 without the id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.records import CanonicalRecord
from pmsgate.canonical.registry import Model
from pmsgate.connectors import markers
from pmsgate.connectors.errors import PermanentError, TransientError, VendorRejected
from pmsgate.connectors.markers import reflects
from pmsgate.connectors.parsing import MappingError
from pmsgate.connectors.sample.rules import MEMO_LIMIT, WRITE_RULES
from pmsgate.connectors.sample.session import TokenSession, json_body, page_parts
from pmsgate.connectors.sample.streams import MAX_PAGE_SIZE, STREAMS
from pmsgate.connectors.writes import WriteOperation, WriteOutcome, WriteRequest, integer_key, utc_day
from pmsgate.kit.money import cents_to_decimal_str
from pmsgate.kit.timeutil import utcnow

Op = WriteOperation


@dataclass(frozen=True)
class Endpoint:
    send_path: str  # where a create is POSTed
    collection: str  # where the record then lives: GET {collection}/{id}, GET {collection}?ref=
    id_field: str
    model: Model  # its stream, whose mapper reads it back


_RECURRING = Endpoint(
    "/api/v2/recurring", "/api/v2/recurring", "recurringId", Model.RECURRING_RESIDENT_CHARGES
)
ENDPOINTS: dict[WriteOperation, Endpoint] = {
    Op.CREATE_RESIDENT_CHARGE: Endpoint(
        "/api/v2/charges", "/api/v2/charges", "chargeId", Model.RESIDENT_CHARGES
    ),
    Op.CREATE_RESIDENT_CREDIT: Endpoint(
        "/api/v2/credits", "/api/v2/charges", "chargeId", Model.RESIDENT_CHARGES
    ),
    Op.CREATE_RESIDENT_PAYMENT: Endpoint(
        "/api/v2/receipts", "/api/v2/receipts", "receiptId", Model.RESIDENT_PAYMENTS
    ),
    Op.CREATE_RECURRING_CHARGE: _RECURRING,
    Op.UPDATE_RECURRING_CHARGE: _RECURRING,
}

# Generic payment types -> SamplePMS methods (ach, check, card, cash, money_order, other).
PAYMENT_METHODS = {
    "ACH": "ach",
    "eCheck": "ach",
    "Cash": "cash",
    "Check": "check",
    "Cashiers Check": "check",
    "Credit Card": "card",
    "Debit Card": "card",
    "Money Order": "money_order",
}
FREQUENCIES = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month"}


def _native_id(name: str) -> Callable[[Any], int]:
    def convert(value: Any) -> int:
        return integer_key(value, name, "a SamplePMS id")

    return convert


def _amount(value: Any) -> str:
    return cents_to_decimal_str(int(value))


def us_day(value: Any) -> str:
    """An ISO-8601 date-time ('2025-01-31T00:00:00.000Z'), a date or a datetime -> '01/31/2025',
    the UTC calendar day."""
    day = utc_day(value)
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def _choice(table: Mapping[str, str], name: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        key = getattr(value, "value", value)
        if key not in table:
            raise VendorRejected(f"{name}: SamplePMS has no equivalent of {key!r}")
        return table[key]

    return convert


def _day_of_month(value: Any) -> int:
    return int(value)


def _flag(value: Any) -> bool:
    return bool(value)


# Generic field -> (native field, conversion). memo and ref are built apart (they carry the marker).
CONVERSIONS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "x_lease_id": ("tenancyId", _native_id("lease_id")),
    "x_resident_id": ("tenantId", _native_id("resident_id")),
    "x_charge_code_id": ("codeId", _native_id("charge_code_id")),
    "x_financial_account_id": ("accountId", _native_id("financial_account_id")),
    "amount_in_cents": ("amount", _amount),
    "transaction_date": ("postedOn", us_day),
    "start_date": ("startsOn", us_day),
    "end_date": ("endsOn", us_day),
    "payment_type": ("method", _choice(PAYMENT_METHODS, "payment_type")),
    "frequency_normalized": ("every", _choice(FREQUENCIES, "frequency_normalized")),
    "charge_due_day": ("dueDay", _day_of_month),
    "is_active": ("active", _flag),
}
_LEDGER = ("x_lease_id", "x_resident_id", "x_charge_code_id", "x_financial_account_id")
_SCHEDULE = (
    "amount_in_cents",
    "frequency_normalized",
    "charge_due_day",
    "start_date",
    "end_date",
    "is_active",
)
SENDS: dict[WriteOperation, tuple[str, ...]] = {
    Op.CREATE_RESIDENT_CHARGE: (*_LEDGER, "amount_in_cents", "transaction_date"),
    Op.CREATE_RESIDENT_CREDIT: (*_LEDGER, "amount_in_cents", "transaction_date"),
    Op.CREATE_RESIDENT_PAYMENT: (
        "x_lease_id",
        "x_resident_id",
        "x_financial_account_id",
        "amount_in_cents",
        "transaction_date",
        "payment_type",
    ),
    Op.CREATE_RECURRING_CHARGE: (*_LEDGER, *_SCHEDULE),
    Op.UPDATE_RECURRING_CHARGE: ("x_charge_code_id", "x_financial_account_id", *_SCHEDULE),
}


def reference(request: WriteRequest) -> str:
    """The `ref` a create carries: the client's reference number, else our marker."""
    return markers.reference(request.fields, request.marker)


def marker_tag(request: WriteRequest) -> str | None:
    """What goes into the memo to find the write: only needed when `ref` is the client's."""
    return None if reference(request) == request.marker else markers.tag(request.marker)


def _memo(request: WriteRequest) -> str | None:
    text = request.fields.get("description") or request.fields.get("notes")
    in_memo = None if reference(request) == request.marker else request.marker
    return markers.memo(text, in_memo, MEMO_LIMIT)


def _first_of_next_month(today: date) -> date:
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def native_body(request: WriteRequest, *, today: date | None = None) -> dict[str, Any]:
    """The JSON body of the native call, with only the fields that have a value."""
    operation, fields = request.operation, request.fields
    body: dict[str, Any] = {}
    for name in SENDS[operation]:
        if fields.get(name) is not None:
            native, convert = CONVERSIONS[name]
            body[native] = convert(fields[name])
    if operation is Op.UPDATE_RECURRING_CHARGE:  # only what the client changes; no marker needed
        if fields.get("description") is not None:
            body["memo"] = str(fields["description"])
        if fields.get("reference_number") is not None:
            body["ref"] = str(fields["reference_number"])
        return body
    if "tenancyId" not in body:
        raise VendorRejected("resident_id: the resident has no lease at the PMS to post to; send lease_id")
    if operation is Op.CREATE_RECURRING_CHARGE and "startsOn" not in body:
        # SamplePMS needs a start; a monthly schedule given none starts with the next month.
        body["startsOn"] = us_day(_first_of_next_month(today or utcnow().date()))
    memo = _memo(request)
    if memo is not None:
        body["memo"] = memo
    body["ref"] = reference(request)
    return body


class SampleWrites:
    """The write half of the SAMPLE connector (it delegates here)."""

    def __init__(self, session: TokenSession, vendor: Vendor) -> None:
        self.session = session
        self.vendor = vendor

    def returns_id(self, operation: WriteOperation) -> bool:
        rules = WRITE_RULES[self.vendor].get(operation)
        return rules is None or rules.returns_id

    def write(self, request: WriteRequest) -> WriteOutcome:
        operation = request.operation
        endpoint = ENDPOINTS[operation]
        body = native_body(request)
        if operation is Op.UPDATE_RECURRING_CHARGE:
            x_id = str(request.fields["x_id"])
            path = f"{endpoint.collection}/{_native_id('x_id')(x_id)}"
            response = self.session.send("PATCH", path, body)
            return WriteOutcome(x_id=x_id, records=self._records_in(endpoint, response))
        headers = None if self.returns_id(operation) else {"Prefer": "respond-async"}
        response = self.session.send("POST", endpoint.send_path, body, headers)
        if response.status_code == 202:  # stored; this interface does not say under which id
            return WriteOutcome(x_id=None)
        created = _created_id(response, endpoint.id_field)
        if created is None:  # stored (2xx) but the answer does not name it: look it up
            found = self._find_created(request)
            created = found[0] if len(found) == 1 else None
        return WriteOutcome(x_id=created)

    def find_written(self, request: WriteRequest) -> list[str]:
        endpoint = ENDPOINTS[request.operation]
        if request.operation is Op.UPDATE_RECURRING_CHARGE:
            x_id = str(request.fields["x_id"])
            record = self.session.get(f"{endpoint.collection}/{_native_id('x_id')(x_id)}", {})
            patch = native_body(request)
            return [x_id] if isinstance(record, dict) and reflects(patch, record) else []
        return self._find_created(request)

    def read_back(self, operation: WriteOperation, x_id: str) -> Sequence[CanonicalRecord]:
        endpoint = ENDPOINTS[operation]
        raw = self.session.get(f"{endpoint.collection}/{_native_id('x_id')(x_id)}", {})
        try:
            if not isinstance(raw, dict):
                raise MappingError(f"a {type(raw).__name__}, not an object")
            return STREAMS[endpoint.model].mapper(raw)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise PermanentError(
                f"the PMS's {endpoint.collection} record {x_id} cannot be read: {exc}"
            ) from exc

    def _find_created(self, request: WriteRequest) -> list[str]:
        endpoint = ENDPOINTS[request.operation]
        ref, tag = reference(request), marker_tag(request)
        params: dict[str, Any] = {"ref": ref, "pageSize": MAX_PAGE_SIZE}
        found: list[str] = []
        cursor: str | None = None
        while True:
            data, cursor = page_parts(
                self.session.get(endpoint.collection, {**params, "cursor": cursor} if cursor else params)
            )
            for raw in data:
                if not isinstance(raw, dict) or (tag is not None and tag not in str(raw.get("memo") or "")):
                    continue
                native_id = raw.get(endpoint.id_field)
                if native_id is None:
                    raise TransientError(f"the PMS listed a record with reference {ref} without its id")
                found.append(str(native_id))
            if not cursor:
                return found

    @staticmethod
    def _records_in(endpoint: Endpoint, response: httpx.Response) -> Sequence[CanonicalRecord]:
        """The records of an answer that holds the whole record (else none: read back later)."""
        try:
            raw = response.json()
            return STREAMS[endpoint.model].mapper(raw) if isinstance(raw, dict) else ()
        except (ValueError, TypeError, KeyError, AttributeError):
            return ()


def _created_id(response: httpx.Response, id_field: str) -> str | None:
    try:
        body = json_body(response)
    except TransientError:
        return None
    value = body.get(id_field) if isinstance(body, dict) else None
    return None if value is None else str(value)
