"""BUILDIUM back-sync against an emulator enforcing Buildium's 365-day rule: date ranges longer
than a year are read as windows of at most 365 days, timestamps without fractional seconds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import pmsgate.connectors.buildium  # noqa: F401  (registers BUILDIUM)
from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.config import get_settings
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.buildium import BuildiumConnector
from pmsgate.connectors.buildium.windows import day_windows, instant_windows, stamp
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.emulators.buildium import DEFAULT_KEY, create_buildium_app
from pmsgate.emulators.server import serve_in_thread
from pmsgate.kit.dispatch import RecordingDispatcher
from tests.fixtures.api import make_customer
from tests.fixtures.sample import create_integration, run_queued_syncs

CREDENTIALS = {"clientId": DEFAULT_KEY.client_id, "secret": DEFAULT_KEY.secret}


def test_ranges_split_into_windows_of_at_most_365_days() -> None:
    found = day_windows(date(2016, 12, 2), date(2026, 12, 2))
    assert found[0][0] == date(2016, 12, 2) and found[-1] == (date(2025, 12, 2), None)
    assert all(end is not None and end - start <= timedelta(days=365) for start, end in found[:-1])
    assert all(b[0] - a[1] == timedelta(days=1) for a, b in pairwise(found) if a[1])
    assert day_windows(date(2025, 12, 2), date(2026, 12, 2)) == [(date(2025, 12, 2), None)]
    now = datetime(2026, 12, 2, 8, 0, 0, 987654, tzinfo=UTC)
    assert len(instant_windows(now - timedelta(days=3 * 365 + 2), now)) == 4
    assert stamp(now) == "2026-12-02T08:00:00Z"


def test_an_old_modified_since_is_read_in_windows() -> None:
    with serve_in_thread(create_buildium_app(records=8, seed=4)) as server:
        context = ConnectorContext("intg_windows", Vendor.BUILDIUM, server.base_url, CREDENTIALS)
        connector = BuildiumConnector(context)
        try:
            since = datetime.now(UTC) - timedelta(days=3 * 365)
            pages = list(connector.stream(ReadRequest(Model.LEASES, modified_since=since)))
            assert sum(len(p.records) for p in pages) > 0
        finally:
            connector.close()


def _old_charges(client: TestClient, integration_id: str, before: date) -> int:
    params: dict[str, Any] = {
        "integration_id": integration_id,
        "transaction_date_end": before.isoformat(),
        "limit": 1,
    }
    total: int = client.get("/v1/resident-charges/", params=params).json()["meta"]["total"]
    return total


def test_a_ten_year_back_sync_succeeds_against_the_365_day_rule(
    app: FastAPI, dispatcher: RecordingDispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_in_thread(create_buildium_app(records=8, seed=6)) as server:
        customer = make_customer("Buildium back-sync")
        integration_id, first = create_integration(
            customer,
            server.base_url,
            integration_vendor="BUILDIUM",
            name="Back-sync",
            credentials={**CREDENTIALS, "baseUrl": server.base_url},
        )
        assert run_queued_syncs(first) == ["COMPLETED"]
        year_ago = (datetime.now(UTC) - timedelta(days=366)).date()
        with TestClient(app, headers=customer.headers) as client:
            assert _old_charges(client, integration_id, year_ago) == 0  # outside a normal sync's window
            monkeypatch.setattr(get_settings(), "back_sync_years", 10)
            response = client.post(f"/v1/admin/integrations/{integration_id}/back-sync")
            assert response.status_code == 200, response.text
            assert run_queued_syncs(dispatcher) == ["COMPLETED"]  # no model refused with a 422
            assert _old_charges(client, integration_id, year_ago) > 0


class _Counting(httpx.BaseTransport):
    """Records the paths of the requests Buildium answered (a 429 retried under the emulator's
    10-per-second limit is not a request of the read's plan)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if response.status_code != 429:
            self.paths.append(request.url.path)
        return response


def test_a_fifty_year_back_sync_reads_each_ledger_in_one_request() -> None:
    """A window start 50 years back is not 50 windows per lease: the ledger is read whole (no date
    filter, so no 365-day range to refuse) and what is older than the window start is dropped."""
    with serve_in_thread(create_buildium_app(records=8, seed=6)) as server:
        counting = _Counting()
        context = ConnectorContext(
            "intg_count", Vendor.BUILDIUM, server.base_url, CREDENTIALS, transport=counting
        )
        connector = BuildiumConnector(context)
        try:
            everything = list(connector.stream(ReadRequest(Model.RESIDENT_CHARGES)))
            counting.paths.clear()
            since = datetime.now(UTC) - timedelta(days=365 * 50)
            pages = list(
                connector.stream(ReadRequest(Model.RESIDENT_CHARGES, window_start=since, page_size=1000))
            )
            ledgers = [p for p in counting.paths if p.endswith("/transactions")]
            leases = {p.split("/")[3] for p in ledgers}
            assert leases and len(ledgers) == len(leases)  # one request per lease (1000 a page), not ~50
            assert len(counting.paths) == len(leases) + 1  # plus the lease list
            assert sorted(r.x_id for p in pages for r in p.records) == sorted(
                r.x_id for p in everything for r in p.records
            )
            # A window start 2 years back keeps only what is dated since, still one request a lease.
            counting.paths.clear()
            two_years = datetime.now(UTC) - timedelta(days=730)
            recent = [
                r
                for p in connector.stream(
                    ReadRequest(Model.RESIDENT_CHARGES, window_start=two_years, page_size=1000)
                )
                for r in p.records
            ]
            assert len([p for p in counting.paths if p.endswith("/transactions")]) == len(leases)
            assert recent and all(
                r.transaction_date is not None and r.transaction_date.date() >= two_years.date()  # type: ignore[attr-defined]
                for r in recent
            )
            # Within 365 days the filter goes to Buildium (one open window, as before).
            counting.paths.clear()
            year = datetime.now(UTC) - timedelta(days=300)
            list(connector.stream(ReadRequest(Model.RESIDENT_CHARGES, window_start=year, page_size=1000)))
            assert len([p for p in counting.paths if p.endswith("/transactions")]) == len(leases)
        finally:
            connector.close()
