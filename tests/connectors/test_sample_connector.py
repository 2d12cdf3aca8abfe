"""The SAMPLE connector against a real SamplePMS served over a socket."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import SYNC_ORDER, Model
from pmsgate.connectors.base import Connector, Page, ReadRequest
from pmsgate.connectors.errors import AuthError, PermanentError, RateLimited
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.registry import ConnectorContext, definition_for
from pmsgate.connectors.sample import SampleConnector
from pmsgate.connectors.sample.streams import STREAMS
from pmsgate.connectors.throttle import RequestBudget, TokenBucket
from pmsgate.emulators.sample import SampleCredentials, SampleStore, create_sample_app
from pmsgate.emulators.sample.wire import BASE, parse_stamp, parse_us_date
from pmsgate.emulators.seeding import month_start
from pmsgate.emulators.server import RunningServer, serve_in_thread

RECORDS = 50
LOGIN = SampleCredentials("amy", "pa55word-amy", "acme", denied_collections=frozenset({"fees"}))
GOOD = {"username": "amy", "password": "pa55word-amy", "companyId": "acme"}


@dataclass
class FakeTime:
    """Clock and sleep for the token bucket and retries: waits are recorded, never slept."""

    now: float = 0.0
    waits: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@dataclass
class Served:
    server: RunningServer
    store: SampleStore

    def control(self, path: str, **body: Any) -> None:
        httpx.post(f"{self.server.base_url}/_control/{path}", json=body).raise_for_status()

    def fired(self) -> dict[str, int]:
        state: dict[str, int] = httpx.get(f"{self.server.base_url}/_control/state").json()["fired"]
        return state

    def ids(self, collection: str) -> list[str]:
        table = self.store.table(collection)
        return [str(rec[table.spec.id_field]) for rec in table.records()]


def _serve(**kwargs: Any) -> Iterator[Served]:
    app = create_sample_app(records=RECORDS, **kwargs)
    with serve_in_thread(app) as server:
        yield Served(server, app.state.store)


@pytest.fixture(scope="module")
def shared() -> Iterator[Served]:
    yield from _serve(seed=2)


@pytest.fixture
def fresh() -> Iterator[Served]:
    yield from _serve(seed=8, credentials=LOGIN)


def connect(
    served: Served,
    credentials: dict[str, Any] | None = None,
    *,
    vendor: Vendor = Vendor.SAMPLE1,
    max_attempts: int = 6,
    fake: FakeTime | None = None,
) -> SampleConnector:
    fake = fake or FakeTime()
    context = ConnectorContext(
        integration_id="int_test",
        vendor=vendor,
        base_url=served.server.base_url,
        credentials=credentials if credentials is not None else {},
        retry=RetryPolicy(max_attempts=max_attempts, base_delay=0.001, sleep=fake.sleep),
    )
    return SampleConnector(
        context, bucket=TokenBucket(RequestBudget(1000, 1), clock=fake.clock, sleep=fake.sleep)
    )


def pages(connector: Connector, model: Model, **kwargs: Any) -> list[Page]:
    return list(connector.stream(ReadRequest(model=model, **kwargs)))


def own_ids(found: list[Page], record_type: type[r.CanonicalRecord]) -> list[str]:
    return [rec.x_id for page in found for rec in page.records if isinstance(rec, record_type)]


_COLLECTION: dict[Model, tuple[str, type[r.CanonicalRecord]]] = {
    Model.PROPERTIES: ("sites", r.PropertyRecord),
    Model.UNITS: ("spaces", r.UnitRecord),
    Model.RESIDENTS: ("tenants", r.ResidentRecord),
    Model.LEASES: ("tenancies", r.LeaseRecord),
    Model.CHARGE_CODES: ("ledger-codes", r.ChargeCodeRecord),
    Model.FINANCIAL_ACCOUNTS: ("gl-accounts", r.FinancialAccountRecord),
    Model.RESIDENT_CHARGES: ("charges", r.ResidentChargeRecord),
    Model.RESIDENT_PAYMENTS: ("receipts", r.ResidentPaymentRecord),
    Model.RECURRING_RESIDENT_CHARGES: ("recurring", r.RecurringChargeRecord),
    Model.FEES: ("fees", r.FeeRecord),
}


def test_every_synced_model_has_a_stream() -> None:
    assert set(STREAMS) == set(SYNC_ORDER) == set(_COLLECTION)


@pytest.mark.parametrize("model", list(_COLLECTION))
def test_a_stream_yields_exactly_the_pms_records(shared: Served, model: Model) -> None:
    collection, record_type = _COLLECTION[model]
    found = pages(connect(shared), model, page_size=40)
    assert own_ids(found, record_type) == shared.ids(collection)
    assert found[-1].resume_token is None
    assert all(page.resume_token is not None for page in found[:-1])
    assert not any(page.skipped for page in found)


def test_children_arrive_with_their_parents(shared: Served) -> None:
    connector = connect(shared)
    leases = pages(connector, Model.LEASES, page_size=500)
    occupants = [
        f"{t['tenancyId']}:{o['tenantId']}"
        for t in shared.store.table("tenancies").records()
        for o in t["occupants"]
    ]
    assert own_ids(leases, r.ResidentLeaseRecord) == occupants
    payments = pages(connector, Model.RESIDENT_PAYMENTS, page_size=500)
    allocations = [
        str(a["allocationId"]) for rc in shared.store.table("receipts").records() for a in rc["appliedTo"]
    ]
    assert own_ids(payments, r.AllocationRecord) == allocations
    with pytest.raises(PermanentError, match="inside resident_payments"):
        pages(connector, Model.RESIDENT_ALLOCATIONS)


def test_resuming_from_a_token_continues_without_gaps_or_duplicates(shared: Served) -> None:
    request = ReadRequest(model=Model.RESIDENT_CHARGES, page_size=30)
    first_run = list(itertools.islice(connect(shared).stream(request), 3))  # the run "dies" after page 3
    token = first_run[-1].resume_token
    assert token is not None
    resumed = list(
        connect(shared).stream(ReadRequest(model=Model.RESIDENT_CHARGES, page_size=30, resume_token=token))
    )
    ids = own_ids(first_run, r.ResidentChargeRecord) + own_ids(resumed, r.ResidentChargeRecord)
    assert ids == shared.ids("charges")


def test_incremental_and_window_filters_reach_the_pms(shared: Served) -> None:
    connector = connect(shared)
    charges = list(shared.store.table("charges").records())
    since = sorted(parse_stamp(c["changedOn"]) for c in charges)[len(charges) // 2]
    changed = own_ids(pages(connector, Model.RESIDENT_CHARGES, modified_since=since), r.ResidentChargeRecord)
    assert changed == [str(c["chargeId"]) for c in charges if parse_stamp(c["changedOn"]) >= since]

    start = month_start(BASE.date(), 23)  # inside the seed's ledger, which reaches further back
    window = datetime.combine(start, time(), UTC)
    windowed = own_ids(pages(connector, Model.RESIDENT_CHARGES, window_start=window), r.ResidentChargeRecord)
    expected = [str(c["chargeId"]) for c in charges if parse_us_date(c["postedOn"]) >= start]
    assert windowed == expected
    assert 0 < len(expected) < len(charges)
    # A window on a model without dates is ignored rather than refused.
    assert len(own_ids(pages(connector, Model.RESIDENTS, window_start=window), r.ResidentRecord)) == RECORDS


def test_property_filter(shared: Served) -> None:
    connector = connect(shared)
    site_id = shared.ids("sites")[0]
    units = [u for p in pages(connector, Model.UNITS, x_property_ids=frozenset({site_id})) for u in p.records]
    assert units
    assert {u.x_property_id for u in units if isinstance(u, r.UnitRecord)} == {site_id}
    nothing = pages(connector, Model.UNITS, x_property_ids=frozenset({"not-a-site"}))
    assert [len(p.records) for p in nothing] == [0]


def test_an_expired_token_is_renewed_mid_stream(fresh: Served) -> None:
    connector = connect(fresh, GOOD)
    connector.http.record_exchanges = True
    stream = connector.stream(ReadRequest(model=Model.RESIDENTS, page_size=10))
    first = next(stream)
    fresh.control("expire-tokens")
    rest = list(stream)
    assert own_ids([first, *rest], r.ResidentRecord) == fresh.ids("tenants")
    logins = [e for e in connector.http.exchanges if e.url.endswith("/auth/token")]
    assert len(logins) == 2
    assert [e.status_code for e in connector.http.exchanges].count(401) == 1


def test_rate_limits_and_outages_are_retried_transparently(fresh: Served) -> None:
    fake = FakeTime()
    connector = connect(fresh, GOOD, fake=fake)
    fresh.control("faults", rate_limit_burst=3, server_errors=2)
    found = pages(connector, Model.PROPERTIES)
    assert own_ids(found, r.PropertyRecord) == fresh.ids("sites")
    assert fresh.fired() == {"rate_limit_burst": 3, "server_errors": 2}
    assert fake.waits.count(1.0) >= 3  # Retry-After: 1 was honoured each time


def test_retries_give_up_eventually(fresh: Served) -> None:
    connector = connect(fresh, GOOD, max_attempts=3)
    fresh.control("faults", rate_limit_burst=10)
    with pytest.raises(RateLimited):
        pages(connector, Model.PROPERTIES)


def test_malformed_records_are_skipped_and_reported(fresh: Served) -> None:
    fresh.control("faults", malformed_every=7)
    found = pages(connect(fresh, GOOD), Model.RESIDENT_CHARGES, page_size=100)
    skipped = [s for p in found for s in p.skipped]
    broken = [c for c in fresh.store.table("charges").records() if c["chargeId"] % 7 == 0]
    assert len(skipped) == len(broken) > 0
    assert {s["model"] for s in skipped} == {"resident_charges"}
    assert all(s["reason"] for s in skipped)
    assert {s["x_id"] for s in skipped if s["x_id"]} <= {str(c["chargeId"]) for c in broken}
    assert any(s["x_id"] is None for s in skipped)  # the id itself was missing
    assert any(s["x_id"] is not None and "amount" in s["reason"] for s in skipped)
    healthy = [str(c["chargeId"]) for c in fresh.store.table("charges").records() if c["chargeId"] % 7]
    assert own_ids(found, r.ResidentChargeRecord) == healthy


def test_credentials_and_data_access(fresh: Served) -> None:
    connector = connect(fresh, GOOD)
    connector.check_credentials()
    access = connector.data_access()
    assert set(access) == connector.supported_models()
    assert access[Model.FEES] is False  # this login may not read fees (403)
    assert access[Model.LEASES] is access[Model.RESIDENTS_TO_LEASES] is True
    assert all(allowed for model, allowed in access.items() if model != Model.FEES)

    refused = connect(fresh, {**GOOD, "password": "wrong"})
    with pytest.raises(AuthError, match="AUTH_FAILED"):
        refused.check_credentials()
    assert not any(refused.data_access().values())


def test_sample2_credentials_log_in_too(fresh: Served) -> None:
    connector = connect(
        fresh,
        {"clientId": "amy", "clientSecret": "pa55word-amy", "developerId": "acme"},
        vendor=Vendor.SAMPLE2,
    )
    connector.check_credentials()


def test_exchange_logs_hold_no_secrets(fresh: Served) -> None:
    connector = connect(fresh, GOOD)
    connector.http.record_exchanges = True
    pages(connector, Model.PROPERTIES)
    logged = repr(connector.http.exchanges)
    assert "pa55word-amy" not in logged
    assert connector.session._token is not None
    assert connector.session._token not in logged


def test_registry_and_credentials_shapes() -> None:
    for vendor in (Vendor.SAMPLE1, Vendor.SAMPLE2):
        definition = definition_for(vendor)
        assert definition.factory is SampleConnector
        assert definition.default_base_url is None
        definition.credentials_model.model_validate({})
    sample1 = definition_for(Vendor.SAMPLE1).credentials_model
    sample1.model_validate(
        {**GOOD, "database": "db", "serverName": "srv", "platform": "SQL", "entity": "e", "license": "L"}
    )
    with pytest.raises(ValidationError):
        sample1.model_validate({"apiKey": "x"})
    assert isinstance(connect_without_server(), Connector)


def connect_without_server() -> SampleConnector:
    """Building a connector makes no request."""
    context = ConnectorContext("int_x", Vendor.SAMPLE1, "http://127.0.0.1:9", {})
    return SampleConnector(context)
