"""The SAMPLE connector's writes against a real SamplePMS served over a socket."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.errors import OutcomeUnknown, VendorRejected
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.registry import ConnectorContext, definition_for
from pmsgate.connectors.sample import SampleConnector
from pmsgate.connectors.sample.writes import native_body, us_day
from pmsgate.connectors.throttle import RequestBudget, TokenBucket
from pmsgate.connectors.writes import WriteOperation, WriteOutcome, WriteRequest, WritingConnector
from pmsgate.emulators.sample import SampleCredentials, SampleStore, create_sample_app
from pmsgate.emulators.server import RunningServer, serve_in_thread
from pmsgate.errors import BadRequest

Op = WriteOperation
PASSWORD = "pa55word-amy"
LOGIN = SampleCredentials("amy", PASSWORD, "acme")
GOOD = {"username": "amy", "password": PASSWORD, "companyId": "acme"}
_markers = itertools.count(1)


@dataclass
class Served:
    server: RunningServer
    store: SampleStore

    def faults(self, **values: int) -> None:
        httpx.post(f"{self.server.base_url}/_control/faults", json=values).raise_for_status()

    def record(self, collection: str, record_id: str | int) -> dict[str, Any]:
        found = self.store.table(collection).get(int(record_id))
        assert found is not None
        return found

    def by_ref(self, collection: str, ref: str) -> list[dict[str, Any]]:
        return [rec for rec in self.store.table(collection).records() if rec.get("ref") == ref]


@dataclass(frozen=True)
class Books:
    """A current household with two occupants, and its site's books, as x ids."""

    lease: str
    head: str
    other: str
    site: str
    code: str
    income: str
    bank: str


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    app = create_sample_app(records=40, seed=5, credentials=LOGIN)
    with serve_in_thread(app) as server:
        yield Served(server, app.state.store)


@pytest.fixture(scope="module")
def books(served: Served) -> Books:
    store = served.store
    tenancy = next(
        t
        for t in store.table("tenancies").records()
        if t["state"] == "current" and len(t["occupants"]) > 1 and t["occupants"][0]["role"] == "head"
    )
    site = tenancy["siteId"]
    code = next(
        c for c in store.table("ledger-codes").records() if c["siteId"] == site and c["code"] == "RENT"
    )
    accounts = [a for a in store.table("gl-accounts").records() if a["siteId"] == site]
    income = next(a for a in accounts if a["number"] == code["creditAccount"])
    bank = next(a for a in accounts if a["kind"] == "bank")
    return Books(
        lease=str(tenancy["tenancyId"]),
        head=str(tenancy["occupants"][0]["tenantId"]),
        other=str(tenancy["occupants"][1]["tenantId"]),
        site=str(site),
        code=str(code["codeId"]),
        income=str(income["accountId"]),
        bank=str(bank["accountId"]),
    )


def connect(served: Served, vendor: Vendor = Vendor.SAMPLE1) -> SampleConnector:
    context = ConnectorContext(
        integration_id=f"int_{vendor.value.lower()}",
        vendor=vendor,
        base_url=served.server.base_url,
        credentials=GOOD,
        retry=RetryPolicy(max_attempts=3, base_delay=0.001, sleep=lambda _s: None),
    )
    connector = SampleConnector(context, bucket=TokenBucket(RequestBudget(1000, 1)))
    connector.http.record_exchanges = True  # as the write engine does
    return connector


def request(operation: WriteOperation, **fields: Any) -> WriteRequest:
    return WriteRequest(operation=operation, fields=fields, marker=f"PMSG-TEST{next(_markers):011d}")


def charge_fields(books: Books, **changes: Any) -> dict[str, Any]:
    return {
        "x_lease_id": books.lease,
        "x_property_id": books.site,
        "x_charge_code_id": books.code,
        "amount_in_cents": 12345,
        "transaction_date": "2025-01-31T00:00:00.000Z",
        "integration_id": "int_sample1",
        **changes,
    }


def payment_fields(books: Books, **changes: Any) -> dict[str, Any]:
    return {
        "x_lease_id": books.lease,
        "x_resident_id": books.head,
        "x_financial_account_id": books.bank,
        "amount_in_cents": 5000,
        "transaction_date": "2025-02-03T00:00:00.000Z",
        "payment_type": "eCheck",
        **changes,
    }


def sent(connector: SampleConnector, method: str) -> dict[str, Any]:
    """The last native request of this method the connector logged."""
    exchange = next(e for e in reversed(connector.http.exchanges) if e.method == method)
    return asdict(exchange)


# -- SAMPLE1: lease-anchored, returns ids ------------------------------------------------------


def test_the_connector_is_a_writing_connector(served: Served) -> None:
    assert isinstance(connect(served), WritingConnector)


def test_a_charge_is_posted_natively_and_read_back(served: Served, books: Books) -> None:
    connector = connect(served)
    write = request(Op.CREATE_RESIDENT_CHARGE, **charge_fields(books, description="Late fee"))
    outcome = connector.write(write)
    assert outcome.x_id is not None and outcome.records == ()
    exchange = sent(connector, "POST")
    assert exchange["url"].endswith("/api/v2/charges")
    assert exchange["status_code"] == 201
    assert "Prefer" not in exchange["request_headers"]
    assert exchange["request_body"] == {
        "tenancyId": int(books.lease),
        "codeId": int(books.code),
        "amount": "123.45",
        "postedOn": "01/31/2025",
        "memo": "Late fee",
        "ref": write.marker,
    }
    stored = served.record("charges", outcome.x_id)
    assert (stored["amount"], stored["tenantId"], stored["source"]) == ("123.45", int(books.head), "api")
    assert stored["accountId"] == int(books.income)  # defaulted from the code, as the PMS does
    [charge] = connector.read_back(write.operation, outcome.x_id)
    assert isinstance(charge, r.ResidentChargeRecord)
    assert (charge.x_id, charge.amount_in_cents, charge.x_lease_id) == (outcome.x_id, 12345, books.lease)
    assert (charge.reference_number, charge.description) == (write.marker, "Late fee")
    assert connector.find_written(write) == [outcome.x_id]


def test_a_credit_is_stored_and_read_back_negative(served: Served, books: Books) -> None:
    connector = connect(served)
    fields = charge_fields(
        books, amount_in_cents=2500, x_resident_id=books.other, x_financial_account_id=books.income
    )
    write = request(Op.CREATE_RESIDENT_CREDIT, **fields)
    outcome = connector.write(write)
    assert outcome.x_id is not None
    assert sent(connector, "POST")["url"].endswith("/api/v2/credits")
    stored = served.record("charges", outcome.x_id)
    assert (stored["amount"], stored["tenantId"]) == ("-25.00", int(books.other))
    [credit] = connector.read_back(write.operation, outcome.x_id)
    assert isinstance(credit, r.ResidentChargeRecord) and credit.amount_in_cents == -2500


def test_a_payment_keeps_the_clients_reference_and_reads_back_with_allocations(
    served: Served, books: Books
) -> None:
    connector = connect(served)
    connector.write(request(Op.CREATE_RESIDENT_CHARGE, **charge_fields(books)))  # something open to pay
    write = request(
        Op.CREATE_RESIDENT_PAYMENT, **payment_fields(books, reference_number="CHK-1001", description="Feb")
    )
    outcome = connector.write(write)
    assert outcome.x_id is not None
    body = sent(connector, "POST")["request_body"]
    assert (body["method"], body["ref"], body["memo"]) == ("ach", "CHK-1001", f"Feb [{write.marker}]")
    records = connector.read_back(write.operation, outcome.x_id)
    payment, allocations = records[0], [a for a in records[1:] if isinstance(a, r.AllocationRecord)]
    assert isinstance(payment, r.ResidentPaymentRecord)
    assert (payment.amount_in_cents, payment.reference_number) == (5000, "CHK-1001")
    assert allocations and len(allocations) == len(records) - 1
    assert sum(a.amount_in_cents or 0 for a in allocations) <= 5000
    assert {a.x_source_id for a in allocations} == {outcome.x_id}
    assert connector.find_written(write) == [outcome.x_id]
    # Another job with the same client reference is a different write: the marker tells them apart.
    assert (
        connector.find_written(
            request(Op.CREATE_RESIDENT_PAYMENT, **payment_fields(books, reference_number="CHK-1001"))
        )
        == []
    )


def test_a_recurring_charge_is_created_then_updated(served: Served, books: Books) -> None:
    connector = connect(served)
    create = request(
        Op.CREATE_RECURRING_CHARGE,
        **charge_fields(books, amount_in_cents=4500, transaction_date=None),
        frequency_normalized="MONTHLY",
        charge_due_day=5,
        start_date="2026-03-01T00:00:00.000Z",
        end_date="2027-02-28T00:00:00.000Z",
        is_active=False,
        x_financial_account_id=books.income,
    )
    outcome = connector.write(create)
    assert outcome.x_id is not None
    stored = served.record("recurring", outcome.x_id)
    assert (stored["every"], stored["dueDay"], stored["startsOn"], stored["endsOn"]) == (
        "month",
        5,
        "03/01/2026",
        "02/28/2027",
    )
    assert (stored["active"], stored["amount"], stored["ref"]) == (False, "45.00", create.marker)
    update = request(
        Op.UPDATE_RECURRING_CHARGE,
        x_id=outcome.x_id,
        x_lease_id=books.lease,
        amount_in_cents=6000,
        is_active=True,
        description="Parking",
    )
    assert connector.find_written(update) == []  # not applied yet
    updated = connector.write(update)
    exchange = sent(connector, "PATCH")
    assert exchange["url"].endswith(f"/api/v2/recurring/{outcome.x_id}")
    assert exchange["request_body"] == {"amount": "60.00", "active": True, "memo": "Parking"}
    [record] = updated.records  # the PATCH answers the whole schedule: no read-back needed
    assert isinstance(record, r.RecurringChargeRecord)
    assert (updated.x_id, record.amount_in_cents, record.is_active, record.frequency_normalized) == (
        outcome.x_id,
        6000,
        True,
        "MONTHLY",
    )
    assert connector.find_written(update) == [outcome.x_id]
    [read] = connector.read_back(update.operation, outcome.x_id)
    assert read == record


# -- SAMPLE2: resident-anchored; charges and credits return no id -------------------------------


@pytest.mark.parametrize(
    ("operation", "amount"), [(Op.CREATE_RESIDENT_CHARGE, "75.00"), (Op.CREATE_RESIDENT_CREDIT, "-75.00")]
)
def test_sample2_charges_and_credits_do_not_return_ids(
    served: Served, books: Books, operation: WriteOperation, amount: str
) -> None:
    connector = connect(served, Vendor.SAMPLE2)
    reference = f"RM-{operation.value[-6:]}"
    write = request(
        operation,
        x_resident_id=books.other,
        x_lease_id=books.lease,  # resolved from the resident's current lease by validation
        x_charge_code_id=books.code,
        amount_in_cents=7500,
        transaction_date="2025-03-01",
        notes="Key replacement",
        reference_number=reference,
    )
    assert connector.write(write) == WriteOutcome(x_id=None)
    exchange = sent(connector, "POST")
    assert exchange["request_headers"]["Prefer"] == "respond-async"
    assert (exchange["status_code"], exchange["response_body"]) == (202, {"accepted": True})
    assert exchange["request_body"]["memo"] == f"Key replacement [{write.marker}]"
    [stored] = [c for c in served.by_ref("charges", reference) if write.marker in c["memo"]]
    assert (stored["amount"], stored["tenantId"], stored["postedOn"]) == (
        amount,
        int(books.other),
        "03/01/2025",
    )
    assert connector.find_written(write) == [str(stored["chargeId"])]


def test_sample2_payments_and_recurring_charges_return_ids(served: Served, books: Books) -> None:
    connector = connect(served, Vendor.SAMPLE2)
    payment = request(
        Op.CREATE_RESIDENT_PAYMENT,
        **payment_fields(
            books, x_resident_id=books.other, payment_type="Money Order", reference_number="MO-9"
        ),
    )
    paid = connector.write(payment)
    assert paid.x_id is not None and "Prefer" not in sent(connector, "POST")["request_headers"]
    assert served.record("receipts", paid.x_id)["method"] == "money_order"
    recurring = request(
        Op.CREATE_RECURRING_CHARGE,
        x_resident_id=books.other,
        x_lease_id=books.lease,
        x_charge_code_id=books.code,
        amount_in_cents=1500,
        frequency_normalized="MONTHLY",
    )
    created = connector.write(recurring)
    assert created.x_id is not None
    starts = served.record("recurring", created.x_id)["startsOn"]  # none given: the next month's first
    assert starts.startswith(tuple(f"{m:02d}/01/" for m in range(1, 13)))
    assert served.record("recurring", created.x_id)["tenantId"] == int(books.other)


# -- refusals, lost answers, reconciliation ----------------------------------------------------


def test_a_vendor_refusal_names_the_native_field(served: Served, books: Books) -> None:
    connector = connect(served)
    before = served.store.counts()
    with pytest.raises(VendorRejected) as refused:
        connector.write(
            request(Op.CREATE_RESIDENT_PAYMENT, **payment_fields(books, x_financial_account_id=books.income))
        )
    assert "VALIDATION on accountId: " in refused.value.message
    assert f"account {books.income} is not a bank account" in refused.value.message
    assert refused.value.status_code == 422
    with pytest.raises(VendorRejected, match="NOT_FOUND on codeId: "):
        connector.write(request(Op.CREATE_RESIDENT_CHARGE, **charge_fields(books, x_charge_code_id="123")))
    assert served.store.counts() == before


@pytest.mark.parametrize("reference", [None, "INV-42"])
def test_a_lost_answer_is_outcome_unknown_and_the_write_is_found_once(
    served: Served, books: Books, reference: str | None
) -> None:
    connector = connect(served)
    fields = charge_fields(books, **({"reference_number": reference} if reference else {}))
    write = request(Op.CREATE_RESIDENT_CHARGE, **fields)
    assert connector.find_written(write) == []
    served.faults(fail_writes_after_commit=1)
    with pytest.raises(OutcomeUnknown):
        connector.write(write)
    found = connector.find_written(write)
    assert len(found) == 1
    stored = served.record("charges", found[0])
    assert stored["ref"] == (reference or write.marker)
    assert (
        sum(1 for c in served.store.table("charges").records() if write.marker in f"{c['ref']} {c['memo']}")
        == 1
    )


def test_find_written_is_empty_when_nothing_was_written(served: Served, books: Books) -> None:
    connector = connect(served)
    for operation in (Op.CREATE_RESIDENT_CHARGE, Op.CREATE_RESIDENT_CREDIT, Op.CREATE_RECURRING_CHARGE):
        assert connector.find_written(request(operation, **charge_fields(books))) == []
    assert connector.find_written(request(Op.CREATE_RESIDENT_PAYMENT, **payment_fields(books))) == []


def test_a_write_logs_in_again_after_its_token_died(served: Served, books: Books) -> None:
    connector = connect(served)
    connector.check_credentials()
    served.store.tokens.expire_all()
    assert connector.write(request(Op.CREATE_RESIDENT_CHARGE, **charge_fields(books))).x_id is not None
    logins = [e for e in connector.http.exchanges if e.url.endswith("/auth/token")]
    assert len(logins) == 2


def test_exchanges_never_hold_the_token_or_the_password(served: Served, books: Books) -> None:
    connector = connect(served, Vendor.SAMPLE2)
    connector.write(request(Op.CREATE_RESIDENT_PAYMENT, **payment_fields(books, reference_number="R-1")))
    token = connector.session._token
    assert token
    logged = json.dumps([asdict(e) for e in connector.http.exchanges])
    assert token not in logged and PASSWORD not in logged
    assert all(e.request_headers.get("Authorization") in (None, "***") for e in connector.http.exchanges)


# -- native bodies and declared rules ----------------------------------------------------------


@pytest.mark.parametrize(
    ("payment_type", "method"),
    [
        ("ACH", "ach"),
        ("Cash", "cash"),
        ("Cashiers Check", "check"),
        ("Check", "check"),
        ("Credit Card", "card"),
        ("Debit Card", "card"),
        ("eCheck", "ach"),
        ("Money Order", "money_order"),
    ],
)
def test_payment_types_map_to_native_methods(books: Books, payment_type: str, method: str) -> None:
    body = native_body(
        request(Op.CREATE_RESIDENT_PAYMENT, **payment_fields(books, payment_type=payment_type))
    )
    assert body["method"] == method


def test_native_values() -> None:
    assert us_day("2025-01-31T00:00:00.000Z") == "01/31/2025"
    assert us_day("2025-12-05") == "12/05/2025"
    assert us_day(date(2024, 2, 29)) == "02/29/2024"
    write = request(
        Op.CREATE_RECURRING_CHARGE,
        x_lease_id="30000001",
        x_charge_code_id="40000001",
        amount_in_cents=100001,
        frequency_normalized="WEEKLY",
        start_date="2025-06-02T00:00:00.000Z",
        notes="ignored when a description is given",
        description="Storage",
    )
    assert native_body(write) == {
        "tenancyId": 30000001,
        "codeId": 40000001,
        "amount": "1000.01",
        "every": "week",
        "startsOn": "06/02/2025",
        "memo": "Storage",
        "ref": write.marker,
    }
    monthly = request(
        Op.CREATE_RECURRING_CHARGE,
        x_lease_id="1",
        x_charge_code_id="2",
        amount_in_cents=1,
        frequency_normalized="MONTHLY",
    )
    assert native_body(monthly, today=date(2025, 12, 15))["startsOn"] == "01/01/2026"
    with pytest.raises(VendorRejected, match="resident_id"):
        native_body(request(Op.CREATE_RESIDENT_CHARGE, x_resident_id="20000001", amount_in_cents=1))


def test_write_rules_are_declared_for_both_vendors() -> None:
    sample1, sample2 = definition_for(Vendor.SAMPLE1), definition_for(Vendor.SAMPLE2)
    single = set(WriteOperation) - {Op.CREATE_RESIDENT_CHARGE_BATCH}  # the sample PMS has no batch call
    assert set(sample1.write_rules) == single
    assert set(sample2.write_rules) == single - {Op.UPDATE_RECURRING_CHARGE}  # SAMPLE2 cannot change one
    assert sample1.default_budget == sample2.default_budget == RequestBudget(20, 1)
    assert all(rules.returns_id for rules in sample1.write_rules.values())
    assert [op for op, rules in sample2.write_rules.items() if not rules.returns_id] == [
        Op.CREATE_RESIDENT_CHARGE,
        Op.CREATE_RESIDENT_CREDIT,
    ]
    charge = sample1.write_rules[Op.CREATE_RESIDENT_CHARGE]
    assert charge.required == {"lease_id", "charge_code_id", "amount_in_cents", "transaction_date"}
    assert charge.constraints["amount_in_cents"](0) == "must be greater than 0"
    assert charge.constraints["amount_in_cents"](1) is None
    assert charge.constraints["reference_number"]("R" * 41) is not None
    assert "integration_id" in sample2.write_rules[Op.CREATE_RESIDENT_PAYMENT].accepted
    assert sample2.write_rules[Op.CREATE_RESIDENT_CHARGE].required >= {
        "resident_id",
        "notes",
        "reference_number",
    }
    check = sample2.write_rules[Op.CREATE_RECURRING_CHARGE].check
    assert check is not None
    assert check({"frequency_normalized": "WEEKLY"}) == [
        ("start_date", "SAMPLE2 requires start_date for a WEEKLY recurring charge")
    ]
    assert check({"frequency_normalized": "MONTHLY"}) == []
    assert check({"frequency_normalized": "DAILY", "start_date": "2025-01-01T00:00:00.000Z"}) == []


class _Recurring(BaseModel):
    integration_id: str
    resident_id: str
    charge_code_id: str
    amount_in_cents: int
    frequency_normalized: str
    start_date: str | None = None
    end_date: str | None = None


def test_cross_field_rules_answer_400_at_request_time() -> None:
    """validate_write reports the rule's problems before resolving any id (no database needed)."""
    from pmsgate.writes.validation import validate_write

    body = _Recurring(
        integration_id="int_x",
        resident_id="res_1",
        charge_code_id="cc_1",
        amount_in_cents=100,
        frequency_normalized="DAILY",
        end_date="2025-01-01T00:00:00.000Z",
    )
    with pytest.raises(BadRequest) as refused:
        validate_write(
            None,  # type: ignore[arg-type]
            "int_x",
            Vendor.SAMPLE2,
            Op.CREATE_RECURRING_CHARGE,
            body,
            ignore_unknown_fields=False,
        )
    assert (refused.value.details or {})["issues"] == [
        {
            "code": "invalid",
            "path": ["start_date"],
            "message": "SAMPLE2 requires start_date for a DAILY recurring charge",
        }
    ]
