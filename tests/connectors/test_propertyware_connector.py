"""The PROPERTYWARE_REST connector against a Propertyware emulator served over a socket: reads,
resumes, faults, auth, data access and writes (including reconciliation of lost answers)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

import pmsgate.connectors.propertyware
import pmsgate.emulators.propertyware.definition  # registers the emulator
from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.errors import AuthError, OutcomeUnknown, VendorRejected
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.propertyware import PropertywareConnector
from pmsgate.connectors.propertyware.streams import STREAMS
from pmsgate.connectors.registry import ConnectorContext, definition_for
from pmsgate.connectors.throttle import RequestBudget
from pmsgate.connectors.writes import WriteOperation, WriteRequest
from pmsgate.emulators.propertyware import BASE_PATH, PwStore, create_propertyware_app
from pmsgate.emulators.propertyware.definition import credentials
from pmsgate.emulators.propertyware.wire import BASE
from pmsgate.emulators.seeding import month_start
from pmsgate.emulators.server import RunningServer, serve_in_thread

assert pmsgate.connectors.propertyware.DEFAULT_BUDGET
# Dates in the seed's calendar: its anchor (wire.BASE) is the first of this month, its ledger runs
# through this month, and writes are dated just after the anchor.
ANCHOR = BASE.date()
WRITTEN, NEXT_DAY = (str(ANCHOR + timedelta(days=n)) for n in (2, 3))
TABLES = {
    Model.PROPERTIES: ("buildings",),
    Model.UNITS: ("units",),
    Model.RESIDENTS: ("contacts",),
    Model.LEASES: ("leases",),
    Model.FINANCIAL_ACCOUNTS: ("glaccounts",),
    Model.RESIDENT_CHARGES: ("charges", "creditmemos", "adjustments"),
    Model.RESIDENT_PAYMENTS: ("payments",),
    Model.RECURRING_RESIDENT_CHARGES: ("autocharges",),
}


@dataclasses.dataclass
class Served:
    server: RunningServer
    app: Any

    @property
    def store(self) -> PwStore:
        store: PwStore = self.app.state.store
        return store

    def control(self, path: str, **body: Any) -> dict[str, Any]:
        response = httpx.post(f"{self.server.base_url}/_control/{path}", json=body)
        response.raise_for_status()
        return dict(response.json())

    def connector(self, **credential_overrides: Any) -> PropertywareConnector:
        context = ConnectorContext(
            integration_id=f"test-{id(self)}",
            vendor=Vendor.PROPERTYWARE_REST,
            base_url=self.server.base_url + BASE_PATH,
            credentials={**credentials(self.app), **credential_overrides},
            budget=RequestBudget(10_000, 1),
            retry=RetryPolicy(max_attempts=6, sleep=lambda _s: None),
        )
        return PropertywareConnector(context)


def _serve(records: int, seed: int) -> Iterator[Served]:
    app = create_propertyware_app(records=records, seed=seed)
    server = serve_in_thread(app)
    yield Served(server, app)
    server.stop()


@pytest.fixture(scope="module")
def shared() -> Iterator[Served]:
    yield from _serve(40, 5)


@pytest.fixture
def fresh() -> Iterator[Served]:
    yield from _serve(12, 8)


def _read(connector: PropertywareConnector, request: ReadRequest) -> list[r.CanonicalRecord]:
    return [record for page in connector.stream(request) for record in page.records]


@pytest.mark.parametrize("model", list(TABLES))
def test_each_stream_yields_exactly_the_pms_records(shared: Served, model: Model) -> None:
    records = _read(shared.connector(), ReadRequest(model, page_size=50))
    own = [x for x in records if not isinstance(x, r.ResidentLeaseRecord | r.AllocationRecord)]
    expected = sorted(str(row["id"]) for table in TABLES[model] for row in shared.store.rows(table))
    assert sorted(x.x_id for x in own) == expected


def test_children_arrive_with_their_parents(shared: Served) -> None:
    connector = shared.connector()
    leases = _read(connector, ReadRequest(Model.LEASES))
    assert sum(isinstance(x, r.ResidentLeaseRecord) for x in leases) == sum(
        len(lease["contacts"]) for lease in shared.store.rows("leases")
    )
    charges = _read(connector, ReadRequest(Model.RESIDENT_CHARGES))
    assert sum(isinstance(x, r.AllocationRecord) for x in charges) == sum(
        len(c["payments"]) for c in shared.store.rows("charges")
    )
    assert definition_for(Vendor.PROPERTYWARE_REST).models == connector.supported_models()


def test_resuming_from_a_token_continues_without_gaps_or_duplicates(shared: Served) -> None:
    connector = shared.connector()
    request = ReadRequest(Model.RESIDENT_CHARGES, page_size=200)
    pages = connector.stream(request)
    first, second = next(pages), next(pages)
    assert first.resume_token == {"source": 0, "offset": 200}
    rest = list(connector.stream(dataclasses.replace(request, resume_token=second.resume_token)))
    ids = [
        x.x_id
        for page in (first, second, *rest)
        for x in page.records
        if isinstance(x, r.ResidentChargeRecord)
    ]
    assert len(ids) == len(set(ids)) == sum(len(shared.store.rows(t)) for t in TABLES[Model.RESIDENT_CHARGES])
    assert rest[-1].resume_token is None


def test_incremental_window_and_property_filters(shared: Served) -> None:
    from pmsgate.kit.timeutil import parse_datetime

    connector = shared.connector()
    first = month_start(ANCHOR, 5)  # the ledger's last six months
    since = parse_datetime(f"{first}T00:00:00Z")
    changed = _read(connector, ReadRequest(Model.RESIDENT_PAYMENTS, modified_since=since))
    assert changed and len(changed) < len(shared.store.rows("payments"))
    window = _read(connector, ReadRequest(Model.RESIDENT_PAYMENTS, window_start=since))
    assert {x.x_id for x in window} == {
        str(p["id"]) for p in shared.store.rows("payments") if p["date"] >= first.isoformat()
    }
    building = str(shared.store.rows("buildings")[0]["id"])
    units = _read(connector, ReadRequest(Model.UNITS, x_property_ids=frozenset({building})))
    assert units and all(isinstance(u, r.UnitRecord) and u.x_property_id == building for u in units)


def test_429s_and_5xx_are_retried_transparently(fresh: Served) -> None:
    fresh.control("faults", rate_limit_burst=3, server_errors=2)
    assert len(_read(fresh.connector(), ReadRequest(Model.UNITS))) == len(fresh.store.rows("units"))
    fired = httpx.get(f"{fresh.server.base_url}/_control/state").json()["fired"]
    assert fired == {"rate_limit_burst": 3, "server_errors": 2}


def test_malformed_records_are_skipped_and_reported(fresh: Served) -> None:
    fresh.control("faults", malformed_every=3)
    pages = list(fresh.connector().stream(ReadRequest(Model.LEASES)))
    skipped = [s for page in pages for s in page.skipped]
    assert skipped and all(s["x_id"].startswith("BROKEN-") for s in skipped)


def test_credentials_and_data_access(fresh: Served) -> None:
    fresh.connector().check_credentials()
    with pytest.raises(AuthError) as refused:
        fresh.connector(clientSecret="wrong").check_credentials()
    assert refused.value.status_code == 401
    assert not any(fresh.connector(systemId="42").data_access().values())
    fresh.control("key", denied=["GL ACCOUNTS"])
    access = fresh.connector().data_access()
    assert access[Model.FINANCIAL_ACCOUNTS] is False and access[Model.LEASES] is True


def test_exchange_logs_hold_no_secrets(fresh: Served) -> None:
    connector = fresh.connector()
    connector.http.record_exchanges = True
    connector.check_credentials()
    assert "pw-emulator-secret" not in repr(connector.http.exchanges)


def _lease(store: PwStore) -> dict[str, Any]:
    return next(x for x in store.rows("leases") if x["status"] == "Active")


def _request(operation: WriteOperation, marker: str, **fields: Any) -> WriteRequest:
    return WriteRequest(operation=operation, fields=fields, marker=marker)


def test_writes_return_ids_and_records(fresh: Served) -> None:
    connector, lease = fresh.connector(), _lease(fresh.store)
    rent = next(a for a in fresh.store.rows("glaccounts") if a["accountNumber"] == "4000")
    charge = _request(
        WriteOperation.CREATE_RESIDENT_CHARGE,
        "PMSG-CHARGE1",
        x_lease_id=str(lease["id"]), x_financial_account_id=str(rent["id"]), amount_in_cents=1999,
        transaction_date=f"{WRITTEN}T00:00:00Z", reference_number="INV-7", description="Keys",
    )  # fmt: skip
    outcome = connector.write(charge)
    stored = fresh.store.get("charges", int(outcome.x_id or 0))
    assert stored is not None and stored["amount"] == 19.99 and stored["comments"] == "Keys [PMSG-CHARGE1]"
    assert [x.x_id for x in outcome.records] == [outcome.x_id]
    assert connector.find_written(charge) == [outcome.x_id]
    assert [
        x.x_id for x in connector.read_back(WriteOperation.CREATE_RESIDENT_CHARGE, str(outcome.x_id))
    ] == [outcome.x_id]


def test_a_lost_answer_is_reconciled_by_marker(fresh: Served) -> None:
    connector, lease = fresh.connector(), _lease(fresh.store)
    fresh.control("faults", fail_writes_after_commit=1)
    credit = _request(
        WriteOperation.CREATE_RESIDENT_CREDIT, "PMSG-CREDIT1",
        x_lease_id=str(lease["id"]), amount_in_cents=500, transaction_date=WRITTEN,
    )  # fmt: skip
    with pytest.raises(OutcomeUnknown):
        connector.write(credit)
    found = connector.find_written(credit)
    assert len(found) == 1 and fresh.store.get("adjustments", int(found[0]))["amount"] == -5.0  # type: ignore[index]


def test_batch_charges_are_found_by_their_shared_marker(fresh: Served) -> None:
    connector, lease = fresh.connector(), _lease(fresh.store)
    rent = next(a for a in fresh.store.rows("glaccounts") if a["accountNumber"] == "4000")
    item = {
        "x_lease_id": str(lease["id"]),
        "x_financial_account_id": str(rent["id"]),
        "transaction_date": NEXT_DAY,
    }
    batch = _request(
        WriteOperation.CREATE_RESIDENT_CHARGE_BATCH,
        "PMSG-BATCH1",
        items=[{**item, "amount_in_cents": 100}, {**item, "amount_in_cents": 200, "reference_number": "X"}],
    )
    assert connector.write(batch).x_id is None
    assert len(connector.find_written(batch)) == 2


def test_vendor_refusals_name_the_field(fresh: Served) -> None:
    connector, lease = fresh.connector(), _lease(fresh.store)
    payment = _request(
        WriteOperation.CREATE_RESIDENT_PAYMENT, "PMSG-PAY1",
        x_lease_id=str(lease["id"]), x_resident_id="1", x_financial_account_id="1",
        amount_in_cents=100, transaction_date=WRITTEN, payment_type="Check", reference_number="1",
    )  # fmt: skip
    with pytest.raises(VendorRejected, match="destinationAccountID"):
        connector.write(payment)
    fresh.control("key", beta_writes=False)
    with pytest.raises(AuthError, match="beta"):
        connector.write(payment)


def test_every_stream_is_declared() -> None:
    assert set(STREAMS) == set(TABLES)
