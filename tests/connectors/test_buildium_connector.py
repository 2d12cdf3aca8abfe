"""The BUILDIUM connector against a real Buildium emulator served over a socket."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, time

import httpx
import pytest

import pmsgate.connectors.buildium  # registers BUILDIUM
import pmsgate.emulators.buildium.definition  # noqa: F401  (registers the emulator)
from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.buildium import MODELS, BuildiumConnector
from pmsgate.connectors.errors import AuthError
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.registry import ConnectorContext, definition_for
from pmsgate.connectors.throttle import RequestBudget
from pmsgate.emulators.buildium import DEFAULT_KEY, ApiKey, create_buildium_app
from pmsgate.emulators.buildium.seed import BASE
from pmsgate.emulators.seeding import month_start
from pmsgate.emulators.server import RunningServer, serve_in_thread

KEY = ApiKey(DEFAULT_KEY.client_id, DEFAULT_KEY.secret, denied=frozenset({"recurring"}))
GOOD = {"clientId": KEY.client_id, "secret": KEY.secret}


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    app = create_buildium_app(records=30, seed=3, key=KEY, requests_per_second=None)
    running = serve_in_thread(app)
    yield running
    running.stop()


def connector(server: RunningServer, credentials: dict[str, str] | None = None) -> BuildiumConnector:
    context = ConnectorContext(
        integration_id="int_buildium_test",
        vendor=Vendor.BUILDIUM,
        base_url=server.base_url,
        credentials=credentials or GOOD,
        budget=RequestBudget(1000, 1),
    )
    return BuildiumConnector(dataclasses.replace(context, retry=RetryPolicy(sleep=lambda s: None)))


def control(server: RunningServer, path: str, **body: object) -> dict[str, object]:
    response = httpx.post(f"{server.base_url}/_control/{path}", json=body)
    response.raise_for_status()
    result: dict[str, object] = response.json()
    return result


def read_all(c: BuildiumConnector, model: Model, **kwargs: object) -> list[r.CanonicalRecord]:
    pages = list(c.stream(ReadRequest(model=model, page_size=7, **kwargs)))  # type: ignore[arg-type]
    assert pages[-1].resume_token is None
    assert all(p.resume_token is not None for p in pages[:-1])
    return [record for page in pages for record in page.records]


def test_registration_declares_models_budget_and_url() -> None:
    definition = definition_for(Vendor.BUILDIUM)
    assert definition.default_budget == RequestBudget(10, 1)
    assert (
        definition.default_base_url is not None
        and definition.default_base_url({}) == "https://api.buildium.com"
    )
    assert Model.CHARGE_CODES not in definition.models and Model.FEES not in definition.models
    assert definition.models == MODELS


def test_every_stream_is_complete(server: RunningServer) -> None:
    store = server._server.config.app.state.store
    c = connector(server)
    assert len(read_all(c, Model.PROPERTIES)) == len(store.tables["rentals"])
    assert len(read_all(c, Model.UNITS)) == len(store.tables["units"])
    residents = read_all(c, Model.RESIDENTS)
    assert len(residents) == len(store.tables["tenants"])
    leases = read_all(c, Model.LEASES)
    links = [x for x in leases if isinstance(x, r.ResidentLeaseRecord)]
    assert len(links) == len(residents)
    accounts = read_all(c, Model.FINANCIAL_ACCOUNTS)
    assert len(accounts) == 6  # five top-level accounts and one sub-account
    charges = read_all(c, Model.RESIDENT_CHARGES)
    payments = read_all(c, Model.RESIDENT_PAYMENTS)
    kinds = {t["TransactionTypeEnum"] for t in store.transactions.values()}
    assert kinds == {"Charge", "Credit", "Payment"}
    native_charges = [t for t in store.transactions.values() if t["TransactionTypeEnum"] != "Payment"]
    assert len(charges) == len(native_charges)
    assert any(isinstance(x, r.ResidentChargeRecord) and (x.amount_in_cents or 0) < 0 for x in charges)
    assert sum(isinstance(x, r.ResidentPaymentRecord) for x in payments) == len(store.transactions) - len(
        native_charges
    )
    assert any(isinstance(x, r.AllocationRecord) for x in payments)
    c.close()


def test_resume_token_continues_after_the_committed_page(server: RunningServer) -> None:
    c = connector(server)
    full = [x.x_id for x in read_all(c, Model.RESIDENT_CHARGES)]
    pages = c.stream(ReadRequest(model=Model.RESIDENT_CHARGES, page_size=7))
    first = [next(pages) for _ in range(3)]
    token = first[-1].resume_token
    head = [x.x_id for p in first for x in p.records]
    rest = [x.x_id for x in read_all(c, Model.RESIDENT_CHARGES, resume_token=token)]
    assert head + rest == full


def test_window_and_incremental_filters(server: RunningServer) -> None:
    c = connector(server)
    since = datetime.combine(month_start(BASE, 3), time(), UTC)  # the seed's last three months
    recent = read_all(c, Model.RESIDENT_CHARGES, window_start=since)
    assert recent and all(
        x.transaction_date is not None and x.transaction_date >= since
        for x in recent
        if isinstance(x, r.ResidentChargeRecord)
    )
    assert read_all(c, Model.LEASES, modified_since=BASE) == []  # nothing seeded changed since its anchor
    only = read_all(c, Model.UNITS, x_property_ids=frozenset({"1"}))
    assert only and all(isinstance(u, r.UnitRecord) and u.x_property_id == "1" for u in only)


def test_bad_key_is_an_auth_error(server: RunningServer) -> None:
    c = connector(server, {"clientId": KEY.client_id, "secret": "wrong-secret"})
    with pytest.raises(AuthError):
        c.check_credentials()
    assert not any(c.data_access().values())


def test_data_access_reports_forbidden_models(server: RunningServer) -> None:
    access = connector(server).data_access()
    assert access[Model.RECURRING_RESIDENT_CHARGES] is False
    assert access[Model.LEASES] and access[Model.RESIDENTS_TO_LEASES] and access[Model.RESIDENT_ALLOCATIONS]


def test_429_and_5xx_are_retried(server: RunningServer) -> None:
    control(server, "faults", rate_limit_burst=2, server_errors=2)
    try:
        assert read_all(connector(server), Model.PROPERTIES)
        fired = httpx.get(f"{server.base_url}/_control/state").json()["fired"]
        assert fired["rate_limit_burst"] == 2 and fired["server_errors"] == 2
    finally:
        control(server, "reset")


def test_malformed_records_are_skipped_not_fatal(server: RunningServer) -> None:
    control(server, "faults", malformed_every=5)
    try:
        pages = list(connector(server).stream(ReadRequest(model=Model.UNITS, page_size=100)))
        assert sum(len(p.skipped) for p in pages) > 0 and sum(len(p.records) for p in pages) > 0
    finally:
        control(server, "reset")


@pytest.mark.parametrize("model", [Model.PROPERTIES, Model.UNITS, Model.RESIDENTS, Model.LEASES])
def test_a_complete_read_hands_known_pages_over_unmapped(server: RunningServer, model: Model) -> None:
    from pmsgate.connectors.base import KnownPages

    c = connector(server)
    first = list(c.stream(ReadRequest(model=model, page_size=7, known_pages=KnownPages(b"ctx", frozenset()))))
    digests = [page.digest for page in first]
    assert all(digests) and all(page.mapping is None for page in first)
    known = KnownPages(b"ctx", frozenset(d for d in digests if d is not None))
    again = list(c.stream(ReadRequest(model=model, page_size=7, known_pages=known)))
    assert [page.digest for page in again] == digests
    assert all(page.records == [] and page.mapping is not None for page in again)
    remapped = [record for page in again if page.mapping for record in page.mapping()[0]]
    assert remapped == [record for page in first for record in page.records]
    other = list(
        c.stream(ReadRequest(model=model, page_size=7, known_pages=KnownPages(b"new", known.digests)))
    )
    assert all(page.mapping is None and page.digest not in known.digests for page in other)
