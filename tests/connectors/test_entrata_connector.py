"""The Entrata connector's edges: Mountain Time, money, the error envelope (also under HTTP 200),
the rate-limit headers draining the budget, and records the emulator breaks on purpose."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

import pmsgate.connectors.entrata  # noqa: F401  (registers ENTRATA)
from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.entrata.client import Window, parse_limits, wait_for
from pmsgate.connectors.entrata.connector import EntrataConnector
from pmsgate.connectors.entrata.fields import local_date, mountain_day, post_month, utc
from pmsgate.connectors.entrata.ledger import LedgerKey, map_transaction
from pmsgate.connectors.errors import AuthError, PermanentError, VendorRejected
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.throttle import RequestBudget, TokenBucket
from pmsgate.connectors.writes import WriteOperation, WriteRequest
from pmsgate.emulators.entrata import BASE_PATH, DEFAULT_KEY, ApiKey, create_entrata_app
from pmsgate.emulators.entrata.seed import ANCHOR
from pmsgate.emulators.seeding import month_start


def test_mountain_time_is_converted_at_the_edge() -> None:
    assert utc("07/04/2026 14:05:00", "t") == datetime(2026, 7, 4, 20, 5, tzinfo=UTC)  # MDT, UTC-6
    assert utc("01/15/2026 23:30:00", "t") == datetime(2026, 1, 16, 6, 30, tzinfo=UTC)  # MST, UTC-7
    assert local_date("03/01/2026", "d") == date(2026, 3, 1)
    assert post_month("11/2026") == "2026-11"
    assert mountain_day(datetime(2026, 3, 2, 3, 0, tzinfo=UTC)) == "03/01/2026"  # still the 1st in Denver


def test_money_is_exact_and_credits_keep_their_sign() -> None:
    from decimal import Decimal

    txn = {"id": 5, "amount": Decimal("-1450.10"), "transactionDate": "03/01/2026", "postMonth": "03/2026"}
    (charge,) = map_transaction(txn, LedgerKey("9", "1", "7"))
    assert charge.amount_in_cents == -145010 and charge.amount_raw == "-1450.10"
    assert charge.transaction_date == datetime(2026, 3, 1, tzinfo=UTC) and charge.post_month == "2026-03"
    assert map_transaction({**txn, "arPaymentId": 3}, LedgerKey("9", "1", None)) == []


def test_rate_limit_headers_say_how_long_to_hold_back() -> None:
    headers = {
        "X-RateLimit-Limit": "15000/DAY;1000/HOUR;150/MINUTE",
        "X-RateLimit-Remaining": "14996/DAY;999/HOUR;149/MINUTE",
        "X-RateLimit-Reset": "36686;686;26",
    }
    windows = parse_limits(httpx.Headers(headers))
    assert windows[2] == Window("MINUTE", 150, 149, 26.0)
    assert wait_for(windows) == 0
    assert wait_for([Window("MINUTE", 150, 0, 26.0)]) == 26.0
    assert wait_for([Window("MINUTE", 150, 10, 20.0)]) == 2.0  # the rest of the window, spread
    assert parse_limits(httpx.Headers({"X-RateLimit-Limit": "garbage"})) == []


def _connector(transport: httpx.BaseTransport, **credentials: Any) -> EntrataConnector:
    context = ConnectorContext(
        "intg_entrata_unit",
        Vendor.ENTRATA,
        f"http://entrata{BASE_PATH}",
        {"apiKey": DEFAULT_KEY.api_key, "companyId": "emulator", **credentials},
        transport=transport,
    )
    return EntrataConnector(context, bucket=TokenBucket(RequestBudget(10_000, 1)))


def test_an_error_envelope_under_http_200_is_still_an_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        code = 101 if "getProperties" in request.content.decode() else 302
        return httpx.Response(
            200, json={"response": {"requestId": "1", "error": {"code": code, "message": "no"}}}
        )

    connector = _connector(httpx.MockTransport(answer))
    with pytest.raises(AuthError):
        connector.check_credentials()
    with pytest.raises(PermanentError, match="Entrata error 302"):
        list(connector.stream(ReadRequest(Model.CHARGE_CODES)))


@pytest.fixture
def emulator() -> Iterator[TestClient]:
    with TestClient(create_entrata_app(records=20, seed=3), base_url="http://entrata") as client:
        yield client


def test_basic_auth_works_and_a_wrong_key_is_refused(emulator: TestClient) -> None:
    basic = _connector(
        emulator._transport, apiKey=None, username=DEFAULT_KEY.username, password=DEFAULT_KEY.password
    )
    assert len(next(iter(basic.stream(ReadRequest(Model.PROPERTIES)))).records) == 2
    with pytest.raises(AuthError):
        _connector(emulator._transport, apiKey="wrong").check_credentials()


def test_a_spent_window_holds_back_that_method_only(emulator: TestClient) -> None:
    limits = {"per_method": {"MINUTE": 1, "HOUR": None, "DAY": None}, "window_seconds": {"MINUTE": 1.5}}
    emulator.post("/_control/limits", json=limits)
    connector = _connector(emulator._transport)
    started = time.monotonic()
    connector.check_credentials()  # getProperties: its window is now spent
    list(connector.stream(ReadRequest(Model.CHARGE_CODES)))  # another method goes at once
    assert time.monotonic() - started < 1.0 and connector.client.held_back >= 1
    connector.check_credentials()  # getProperties again: the budget waits for its reset first
    assert time.monotonic() - started >= 1.0
    assert "rate_limit" not in emulator.get("/_control/state").json()["fired"]  # no 429 was needed


def test_malformed_records_are_skipped_not_fatal(emulator: TestClient) -> None:
    emulator.post("/_control/faults", json={"malformed_every": 4})
    pages = list(_connector(emulator._transport).stream(ReadRequest(Model.RESIDENT_CHARGES, page_size=50)))
    skipped = [s for page in pages for s in page.skipped]
    assert skipped and all(s["model"] == "resident_charges" for s in skipped)
    assert sum(len(page.records) for page in pages) > len(skipped)


def test_a_refused_transaction_is_the_vendors_refusal(emulator: TestClient) -> None:
    store = emulator.app.state.store  # type: ignore[attr-defined]
    lease = next(v for v in store.leases.values() if v["status"] == "Current")
    fields = {
        "x_lease_id": str(lease["id"]),
        "x_property_id": str(lease["propertyId"]),
        "x_charge_code_id": "101",
        "amount_in_cents": 100,
        "transaction_date": (month_start(ANCHOR, 1) + timedelta(days=4)).isoformat(),
        "description": "twice",
        "third_party_charge_id": "SAME-1",
    }
    connector = _connector(emulator._transport)
    request = WriteRequest(WriteOperation.CREATE_RESIDENT_CHARGE, fields, "PMSG-UNIT00000001")
    assert connector.write(request).x_id is None
    assert len(connector.find_written(request)) == 1
    with pytest.raises(VendorRejected, match="already posted"):
        connector.write(WriteRequest(WriteOperation.CREATE_RESIDENT_CHARGE, fields, "PMSG-UNIT00000002"))


def test_data_access_marks_only_the_methods_the_key_may_not_call() -> None:
    key = ApiKey(DEFAULT_KEY.api_key, "u", "p", denied=frozenset({"getArPayments", "getArCodes"}))
    with TestClient(create_entrata_app(records=10, seed=1, key=key), base_url="http://entrata") as client:
        access = _connector(client._transport).data_access()
    refused = {model for model, allowed in access.items() if not allowed}
    assert refused == {Model.RESIDENT_PAYMENTS, Model.RESIDENT_ALLOCATIONS, Model.CHARGE_CODES}
    assert access[Model.LEASES] and access[Model.RESIDENTS_TO_LEASES]


def test_a_property_filter_limits_the_iteration(emulator: TestClient) -> None:
    store = emulator.app.state.store  # type: ignore[attr-defined]
    first = min(store.properties)
    request = ReadRequest(Model.UNITS, x_property_ids=frozenset({str(first)}))
    units = [r for page in _connector(emulator._transport).stream(request) for r in page.records]
    assert units and {u.x_property_id for u in units} == {str(first)}
    assert len(units) == sum(1 for u in store.units.values() if u["propertyId"] == first)
