"""The YARDI connector against the emulator in-process: 31-day windows, Yardi's refusals as
connector errors, SysBatch writes (split at 500, cancelled on failure), reconciliation by
marker after a lost answer, and job logs without the password or licence."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

import pmsgate.connectors.yardi  # noqa: F401  (registers YARDI)
from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.errors import AuthError, OutcomeUnknown, VendorRejected
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.writes import WriteOperation, WriteRequest
from pmsgate.connectors.yardi.connector import YardiConnector, windows
from pmsgate.emulators.server import serve_in_thread
from pmsgate.emulators.yardi import DEFAULT_LOGIN, create_yardi_app


def test_a_year_splits_into_31_day_windows_and_decades_read_the_whole_ledger() -> None:
    today = date(2026, 12, 2)
    spans = windows(datetime(2025, 12, 2, tzinfo=UTC), today)
    assert spans[0] == (date(2025, 12, 2), date(2026, 1, 1))
    assert all(s is not None and (s[1] - s[0]).days == 30 for s in spans)
    assert all(
        a is not None and b is not None and b[0] == a[1] + timedelta(days=1)
        for a, b in itertools.pairwise(spans)
    )
    last = spans[-1]
    assert last is not None and last[1] >= today + timedelta(days=31) > last[0]
    assert windows(datetime(1976, 12, 2, tzinfo=UTC), today) == [None]
    assert windows(None, today) == [None]


@pytest.fixture
def app() -> Iterator[Any]:
    app = create_yardi_app(records=15, seed=3)
    with serve_in_thread(app) as server:
        app.state.base_url = server.base_url
        yield app


def _connector(app: Any, **changes: str) -> YardiConnector:
    credentials = {**DEFAULT_LOGIN.credentials(), **changes}
    context = ConnectorContext(
        "intg_yardi_test",
        Vendor.YARDI,
        app.state.base_url,
        credentials,
        retry=RetryPolicy(max_attempts=3, base_delay=0, sleep=lambda _s: None),
    )
    return YardiConnector(context)


def test_refused_logins_and_rights_become_connector_errors(app: Any) -> None:
    with pytest.raises(AuthError, match="Login Failed"):
        _connector(app, password="wrong").check_credentials()
    with pytest.raises(AuthError, match="License"):
        _connector(app, interfaceLicense="wrong").check_credentials()
    app.state.store.login = app.state.store.login.__class__(
        **{**app.state.store.login.__dict__, "denied_operations": frozenset({"GetChargeTypes_Login"})}
    )
    access = _connector(app).data_access()
    assert access[Model.CHARGE_CODES] is False and access[Model.RESIDENT_CHARGES] is True


def _fields(app: Any, **overrides: Any) -> dict[str, Any]:
    tenant = next(iter(app.state.store.tenants.values()))
    return {
        "x_property_id": tenant["PropertyID"],
        "x_resident_id": tenant["TenantCode"],
        "x_unit_id": f"{tenant['PropertyID']}/{tenant['UnitCode']}",
        "x_financial_account_id": "4300-0000",
        "x_charge_code_id": "pet",
        "amount_in_cents": 1999,
        "transaction_date": "2026-03-01T00:00:00Z",
        **overrides,
    }


def test_a_batch_of_501_charges_is_one_sysbatch_of_two_adds(app: Any) -> None:
    connector = _connector(app)
    items = [_fields(app, amount_in_cents=100 + n) for n in range(501)]
    request = WriteRequest(WriteOperation.CREATE_RESIDENT_CHARGE_BATCH, {"items": items}, "PMSG-BATCH000001")
    assert connector.write(request).x_id is None
    calls = app.state.store.calls
    assert (calls["OpenChargeBatch"], calls["AddChargesToBatch"], calls["PostChargeBatch"]) == (1, 2, 1)
    assert len(connector.find_written(request)) == 501


def test_a_failing_batch_is_cancelled_and_nothing_posts(app: Any) -> None:
    connector = _connector(app)
    before = len(app.state.store.transactions)
    items = [_fields(app), _fields(app, x_charge_code_id="nope")]
    request = WriteRequest(WriteOperation.CREATE_RESIDENT_CHARGE_BATCH, {"items": items}, "PMSG-BATCH000002")
    with pytest.raises(VendorRejected, match="Charge Code 'nope'"):
        connector.write(request)
    assert app.state.store.calls["CancelChargeBatch"] == 1 and not app.state.store.batches
    assert len(app.state.store.transactions) == before


def test_a_lost_answer_is_unknown_then_found_by_its_marker(app: Any) -> None:
    connector = _connector(app)
    app.state.store.faults.configure({"fail_writes_after_commit": 1})
    fields = _fields(app, reference_number="CHK-9", description="Rent")
    request = WriteRequest(WriteOperation.CREATE_RESIDENT_PAYMENT, fields, "PMSG-LOST00000001")
    connector.http.record_exchanges = True
    with pytest.raises(OutcomeUnknown):
        connector.write(request)
    found = connector.find_written(request)
    assert len(found) == 1 and app.state.store.transactions[found[0]]["DocumentNumber"] == "CHK-9"
    logged = str([e.request_body for e in connector.http.exchanges])
    assert DEFAULT_LOGIN.password not in logged and DEFAULT_LOGIN.interface_license not in logged
    assert "<ns0:Password>***</ns0:Password>" in logged


def test_ledger_streams_resume_by_task(app: Any) -> None:
    connector = _connector(app)
    start = datetime.now(UTC) - timedelta(days=60)
    pages = list(connector.stream(ReadRequest(Model.RESIDENT_CHARGES, window_start=start)))
    assert len(pages) > 2 and pages[-1].resume_token is None
    resumed = list(
        connector.stream(
            ReadRequest(Model.RESIDENT_CHARGES, window_start=start, resume_token=pages[1].resume_token)
        )
    )
    assert len(resumed) == len(pages) - 2
    dated = [r.transaction_date for p in pages for r in p.records]
    assert dated and min(d for d in dated if d) >= start.replace(hour=0, minute=0, second=0, microsecond=0)


def test_a_back_sync_reads_each_property_s_whole_ledger_once(app: Any) -> None:
    connector = _connector(app)
    start = datetime.now(UTC) - timedelta(days=365 * 50)
    pages = list(connector.stream(ReadRequest(Model.RESIDENT_PAYMENTS, window_start=start)))
    calls = app.state.store.calls
    assert calls["GetResidentTransactions_Login"] == len(pages) == len(app.state.store.properties)
    assert "GetResidentTransactions_ByChargeDate_Login" not in calls
    assert sum(len(p.records) for p in pages) == sum(
        1 for t in app.state.store.transactions.values() if t["Kind"] == "Payment"
    )


def test_a_malformed_transaction_is_skipped_not_fatal(app: Any) -> None:
    app.state.store.faults.configure({"malformed_every": 7})
    pages = list(_connector(app).stream(ReadRequest(Model.RESIDENT_CHARGES)))
    skipped = [s for p in pages for s in p.skipped]
    assert skipped and all("Amount" in s["reason"] or "amount" in s["reason"] for s in skipped)
    assert int(skipped[0]["x_id"]) % 7 == 0
    assert sum(len(p.records) for p in pages) > 0
