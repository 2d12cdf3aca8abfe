"""The Rentvine connector against a Rentvine emulator served over a socket."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any

import httpx
import pytest

import pmsgate.connectors.rentvine
import pmsgate.emulators.rentvine.definition  # noqa: F401
from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.records import NO_PROPERTY
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.errors import AuthError, VendorRejected
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.rentvine import RentvineConnector
from pmsgate.connectors.rentvine.streams import STREAMS
from pmsgate.connectors.throttle import RequestBudget
from pmsgate.connectors.writes import WriteOperation, WriteRequest
from pmsgate.emulators.rentvine import RentvineLogin, create_rentvine_app
from pmsgate.emulators.rentvine.wire import TODAY, stamp
from pmsgate.emulators.seeding import month_start
from pmsgate.emulators.server import RunningServer, serve_in_thread

LOGIN = RentvineLogin("key-1", "secret-1", "acme", denied=frozenset({"tenants"}))
GOOD = {"apiKey": "key-1", "apiSecret": "secret-1", "companyId": "acme"}
# Dates in the seed's calendar: its anchor (wire.TODAY) is the first of this month and its ledger
# runs through this month; writes are dated just after the anchor, schedules start next month.
POSTED, PAID = (str(TODAY + timedelta(days=n)) for n in (1, 3))
NEXT_MONTH = str(month_start(TODAY, -1))


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[RunningServer, Any]]:
    app = create_rentvine_app(records=25, seed=4, login=LOGIN)
    with serve_in_thread(app) as server:
        yield server, app


def connector(
    server: RunningServer, credentials: dict[str, Any] | None = None, **kw: Any
) -> RentvineConnector:
    context = ConnectorContext(
        integration_id=f"rv-test-{id(kw)}",
        vendor=Vendor.RENTVINE,
        base_url=server.base_url + "/api/manager",
        credentials=credentials or GOOD,
        budget=RequestBudget(1000, 1),
        retry=RetryPolicy(sleep=lambda _s: None),
    )
    return RentvineConnector(dataclasses.replace(context, **kw))


def read_all(c: RentvineConnector, model: Model, **kw: Any) -> list[r.CanonicalRecord]:
    return [rec for page in c.stream(ReadRequest(model, **kw)) for rec in page.records]


def test_each_stream_is_complete_across_pages(served: tuple[RunningServer, Any]) -> None:
    server, app = served
    store, c = app.state.store, connector(server)
    assert len(read_all(c, Model.PROPERTIES, page_size=2)) == len(store.table("properties"))
    assert len(read_all(c, Model.UNITS, page_size=3)) == len(store.table("units"))
    leases = read_all(c, Model.LEASES, page_size=4)
    assert sum(isinstance(x, r.LeaseRecord) for x in leases) == len(store.table("leases"))
    txns = store.table("transactions").all()
    charges = read_all(c, Model.RESIDENT_CHARGES, page_size=100)
    assert len(charges) == sum(t["transactionTypeID"] != 2 for t in txns)
    recurring = read_all(c, Model.RECURRING_RESIDENT_CHARGES, page_size=5)
    assert len(recurring) == len(store.table("recurring"))
    accounts = read_all(c, Model.FINANCIAL_ACCOUNTS)
    assert len(accounts) == len(store.table("accounts"))  # the company's chart, once
    assert {x.x_property_id for x in accounts} == {NO_PROPERTY}  # type: ignore[attr-defined]
    # A property-scoped read still has every account (they belong to no property).
    assert len(read_all(c, Model.FINANCIAL_ACCOUNTS, x_property_ids=frozenset({"1"}))) == len(accounts)


def test_a_resume_token_continues_after_the_committed_page(served: tuple[RunningServer, Any]) -> None:
    server, _app = served
    c = connector(server)
    pages = list(c.stream(ReadRequest(Model.UNITS, page_size=3)))
    assert pages[0].resume_token == {"page": 2} and pages[-1].resume_token is None
    resumed = list(c.stream(ReadRequest(Model.UNITS, page_size=3, resume_token=pages[0].resume_token)))
    assert [x.x_id for p in resumed for x in p.records] == [x.x_id for p in pages[1:] for x in p.records]


def test_filters_reach_rentvine(served: tuple[RunningServer, Any]) -> None:
    server, app = served
    c = connector(server)
    since = datetime.combine(month_start(TODAY, 1), clock(), UTC)  # the ledger's last two months
    charges = read_all(c, Model.RESIDENT_CHARGES, window_start=since, page_size=100)
    assert charges and all(x.transaction_date and x.transaction_date >= since for x in charges)  # type: ignore[attr-defined]
    modified = read_all(c, Model.PROPERTIES, modified_since=since)
    # Rentvine's stamps are the company's wall clock (US Eastern here): since is 19:00 the day before.
    expected = [p for p in app.state.store.table("properties").all() if p["dateTimeModified"] >= stamp(since)]
    assert len(modified) == len(expected)
    one = read_all(c, Model.LEASES, x_property_ids=frozenset({"1"}))
    assert one and {x.x_property_id for x in one} == {"1"}  # type: ignore[attr-defined]


def test_company_local_timestamps_are_read_and_filtered_in_the_company_zone(
    served: tuple[RunningServer, Any],
) -> None:
    """The emulator answers wall-clock times without offset (US Eastern); the connector reads them
    in the integration's `timeZone`, and its modified-since filter is that zone's wall clock."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    server, app = served
    rows = sorted(app.state.store.table("properties").all(), key=lambda p: p["dateTimeModified"])
    assert all(len(p["dateTimeModified"]) == 19 and "+" not in p["dateTimeModified"] for p in rows)
    middle = rows[len(rows) // 2]
    local = datetime.fromisoformat(middle["dateTimeModified"]).replace(tzinfo=ZoneInfo("America/New_York"))
    eastern = {x.x_id: x for x in read_all(connector(server), Model.PROPERTIES)}
    created = datetime.fromisoformat(middle["dateTimeCreated"]).replace(tzinfo=ZoneInfo("America/New_York"))
    assert eastern[str(middle["propertyID"])].x_created_at == created.astimezone(UTC)
    # The instant of a record's own stamp finds it (inclusive), a second later does not.
    since = local.astimezone(UTC)
    found = read_all(connector(server), Model.PROPERTIES, modified_since=since)
    expected = [p for p in rows if p["dateTimeModified"] >= middle["dateTimeModified"]]
    assert {x.x_id for x in found} == {str(p["propertyID"]) for p in expected}
    later = read_all(connector(server), Model.PROPERTIES, modified_since=since + timedelta(seconds=1))
    assert str(middle["propertyID"]) not in {x.x_id for x in later}
    # An integration in another zone reads the same wall clock as a different instant.
    pacific = read_all(connector(server, {**GOOD, "timeZone": "America/Los_Angeles"}), Model.PROPERTIES)
    moved = {x.x_id: x.x_created_at for x in pacific}
    assert moved[str(middle["propertyID"])] == created.astimezone(UTC) + timedelta(hours=3)


def test_429_and_5xx_are_retried(served: tuple[RunningServer, Any]) -> None:
    server, app = served
    httpx.post(f"{server.base_url}/_control/faults", json={"rate_limit_burst": 2, "server_errors": 2})
    try:
        assert len(read_all(connector(server), Model.PROPERTIES)) == len(app.state.store.table("properties"))
        fired = httpx.get(f"{server.base_url}/_control/state").json()["fired"]
        assert fired["rate_limit_burst"] == 2 and fired["server_errors"] == 2
    finally:
        httpx.post(f"{server.base_url}/_control/reset")


def test_malformed_rows_are_skipped_and_reported(served: tuple[RunningServer, Any]) -> None:
    server, _app = served
    httpx.post(f"{server.base_url}/_control/faults", json={"malformed_every": 5})
    try:
        pages = list(connector(server).stream(ReadRequest(Model.RESIDENT_CHARGES)))
    finally:
        httpx.post(f"{server.base_url}/_control/reset")
    skipped = [s for p in pages for s in p.skipped]
    assert skipped and all(s["model"] == "resident_charges" for s in skipped)


def test_wrong_credentials_are_an_auth_error_and_roles_limit_access(
    served: tuple[RunningServer, Any],
) -> None:
    server, _app = served
    with pytest.raises(AuthError):
        connector(server, {**GOOD, "apiSecret": "wrong"}).check_credentials()
    access = connector(server).data_access()
    assert access[Model.RESIDENTS] is False and access[Model.LEASES] is True
    assert access[Model.RESIDENTS_TO_LEASES] is True
    assert not any(connector(server, {**GOOD, "apiKey": "nope"}).data_access().values())


def test_exchange_logs_redact_the_secret(served: tuple[RunningServer, Any]) -> None:
    server, _app = served
    c = connector(server)
    c.http.record_exchanges = True
    c.check_credentials()
    assert "secret-1" not in repr(c.http.exchanges)


def _request(op: WriteOperation, marker: str, **fields: Any) -> WriteRequest:
    return WriteRequest(operation=op, fields=fields, marker=marker)


def test_writes_build_native_bodies_reconcile_and_read_back(served: tuple[RunningServer, Any]) -> None:
    server, app = served
    c = connector(server)
    lease = next(x for x in app.state.store.table("leases").all() if x["primaryLeaseStatusID"] == 2)
    common = {"x_lease_id": str(lease["leaseID"]), "x_property_id": str(lease["propertyID"])}
    charge = _request(
        WriteOperation.CREATE_RESIDENT_CHARGE,
        "PMSG-AAAA1111",
        **common,
        x_financial_account_id="6",
        amount_in_cents=1001,
        transaction_date=f"{TODAY + timedelta(days=2)}T23:30:00.000Z",
        description="Late fee",
    )
    outcome = c.write(charge)
    assert outcome.x_id is not None and c.find_written(charge) == [outcome.x_id]
    (back,) = c.read_back(charge.operation, outcome.x_id)
    assert isinstance(back, r.ResidentChargeRecord) and back.amount_in_cents == 1001
    assert back.description == "Late fee [PMSG-AAAA1111]"

    primary = next(t for t in lease["tenants"] if t["isPrimary"])
    payment = _request(
        WriteOperation.CREATE_RESIDENT_PAYMENT,
        "PMSG-BBBB2222",
        **common,
        x_financial_account_id="2",
        x_resident_id=str(primary["contactID"]),
        amount_in_cents=1001,
        payment_type="eCheck",
        transaction_date=PAID,
    )
    paid = c.write(payment)
    assert any(isinstance(x, r.AllocationRecord) for x in paid.records)
    assert app.state.store.table("transactions").get(int(paid.x_id or 0))["paymentType"] == "ACH"

    if len(lease["tenants"]) > 1:
        other = next(t for t in lease["tenants"] if not t["isPrimary"])
        with pytest.raises(VendorRejected, match="primary tenant"):
            c.write(
                dataclasses.replace(
                    payment, fields={**payment.fields, "x_resident_id": str(other["contactID"])}
                )
            )

    recurring = _request(
        WriteOperation.CREATE_RECURRING_CHARGE,
        "PMSG-CCCC3333",
        **common,
        x_financial_account_id="x:7",
        amount_in_cents=3000,
        description="Pet rent",
        day_due=1,
        start_date=NEXT_MONTH,
    )
    created = c.write(recurring)
    assert created.x_id and c.find_written(recurring) == [created.x_id]
    update = _request(
        WriteOperation.UPDATE_RECURRING_CHARGE,
        "PMSG-DDDD4444",
        x_id=created.x_id,
        x_lease_id=common["x_lease_id"],
        amount_in_cents=3100,
        end_date=str(month_start(TODAY, -12) - timedelta(days=1)),
    )
    assert c.find_written(update) == []
    c.write(update)
    assert c.find_written(update) == [created.x_id]
    (updated,) = c.read_back(update.operation, created.x_id)
    assert isinstance(updated, r.RecurringChargeRecord) and updated.amount_in_cents == 3100


def test_a_lost_answer_is_outcome_unknown_and_found_by_marker(served: tuple[RunningServer, Any]) -> None:
    from pmsgate.connectors.errors import OutcomeUnknown

    server, app = served
    c = connector(server)
    lease = app.state.store.table("leases").all()[0]
    credit = _request(
        WriteOperation.CREATE_RESIDENT_CREDIT,
        "PMSG-EEEE5555",
        x_lease_id=str(lease["leaseID"]),
        x_financial_account_id="5",
        amount_in_cents=500,
        transaction_date=POSTED,
        description="Concession",
    )
    httpx.post(f"{server.base_url}/_control/faults", json={"fail_writes_after_commit": 1})
    with pytest.raises(OutcomeUnknown):
        c.write(credit)
    (found,) = c.find_written(credit)
    (back,) = c.read_back(credit.operation, found)
    assert isinstance(back, r.ResidentChargeRecord) and back.amount_in_cents == -500


def test_streams_are_declared_for_every_model_offered() -> None:
    from pmsgate.connectors.registry import definition_for

    offered = definition_for(Vendor.RENTVINE).models
    assert set(STREAMS) <= offered and Model.FEES not in offered and Model.CHARGE_CODES not in offered


class InFlight(httpx.HTTPTransport):
    """Counts the requests in flight at once to the per-lease recurring-charges endpoint (each
    held 20 ms so overlaps are seen)."""

    def __init__(self) -> None:
        super().__init__()
        self.now = self.most = 0
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/recurring-charges"):
            return super().handle_request(request)
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(0.02)
            return super().handle_request(request)
        finally:
            with self.lock:
                self.now -= 1


def test_recurring_charges_of_a_page_of_leases_are_read_concurrently(
    served: tuple[RunningServer, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pmsgate.connectors.rentvine.connector as rentvine

    server, app = served
    transport = InFlight()
    recurring = read_all(
        connector(server, transport=transport), Model.RECURRING_RESIDENT_CHARGES, page_size=10
    )
    assert len(recurring) == len(app.state.store.table("recurring"))
    assert 1 < transport.most <= rentvine.LEASE_FETCHES
    # The same records in the same order as reading one lease after another.
    monkeypatch.setattr(rentvine, "LEASE_FETCHES", 1)
    one_by_one = InFlight()
    sequential = read_all(
        connector(server, transport=one_by_one), Model.RECURRING_RESIDENT_CHARGES, page_size=10
    )
    assert one_by_one.most == 1
    assert [x.x_id for x in recurring] == [x.x_id for x in sequential]
