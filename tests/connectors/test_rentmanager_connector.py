"""The Rent Manager connector against its emulator served over a real socket."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
import pytest

import pmsgate.connectors.rentmanager  # noqa: F401  (registers RENTMANAGER)
from pmsgate.canonical import records as r
from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.errors import AuthError, VendorRejected
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.registry import ConnectorContext, definition_for
from pmsgate.connectors.rentmanager import RentManagerConnector
from pmsgate.connectors.rentmanager.credentials import RentManagerCredentials
from pmsgate.connectors.throttle import RequestBudget
from pmsgate.connectors.writes import WriteOperation, WriteRequest
from pmsgate.emulators.rentmanager import DEFAULT_LOGIN, create_rentmanager_app
from pmsgate.emulators.rentmanager.wire import BASE, HARD_CLOSE_THROUGH, stamp
from pmsgate.emulators.seeding import month_start
from pmsgate.emulators.server import RunningServer, serve_in_thread

GOOD = {"Username": DEFAULT_LOGIN.username, "Password": DEFAULT_LOGIN.password, "companyId": "demo"}
# Dates in the seed's calendar: its anchor (wire.BASE) is the first of this month, its ledger ends
# the month before, and writes are dated after the anchor.
ANCHOR = BASE.date()


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[RunningServer, Any]]:
    app = create_rentmanager_app(records=40, seed=2)
    server = serve_in_thread(app)
    yield server, app
    server.stop()


def _connector(served: tuple[RunningServer, Any], **credentials: Any) -> RentManagerConnector:
    server, _ = served
    context = ConnectorContext(
        integration_id=f"rm-test-{id(credentials)}",
        vendor=Vendor.RENTMANAGER,
        base_url="https://{companyId}.api.rentmanager.com",
        credentials={**GOOD, "baseUrl": server.base_url, **credentials},
        budget=RequestBudget(10_000, 1),
        retry=RetryPolicy(sleep=lambda s: None),
    )
    return RentManagerConnector(context)


def _control(served: tuple[RunningServer, Any], path: str, **body: Any) -> None:
    httpx.post(f"{served[0].base_url}/_control/{path}", json=body).raise_for_status()


def _all(connector: RentManagerConnector, request: ReadRequest) -> list[r.CanonicalRecord]:
    return [record for page in connector.stream(request) for record in page.records]


def test_registration_and_public_base_url() -> None:
    definition = definition_for(Vendor.RENTMANAGER)
    assert definition.default_budget == RequestBudget(500, 60)
    assert Model.FEES not in definition.models and Model.RESIDENT_ALLOCATIONS in definition.models
    assert definition.default_base_url is not None
    creds = {"PartnerToken": "t0ken", "companyId": "acme"}
    assert definition.default_base_url(creds) == "https://acme.api.rentmanager.com"
    with pytest.raises(ValueError):
        RentManagerCredentials.model_validate({"companyId": "acme"})


def test_every_stream_is_complete(served: tuple[RunningServer, Any]) -> None:
    connector = _connector(served)
    store = served[1].state.store
    counts = {
        Model.PROPERTIES: len(store.tables["Properties"]),
        Model.UNITS: len(store.tables["Units"]),
        Model.RESIDENTS: len(store.tables["Tenants"]),
        Model.LEASES: 2 * len(store.tables["Leases"]),  # each with its residents-to-leases link
        Model.CHARGE_CODES: len(store.tables["ChargeTypes"]),
        Model.FINANCIAL_ACCOUNTS: len(store.tables["GLAccounts"]),
        Model.RESIDENT_CHARGES: len(store.tables["Charges"]) + len(store.tables["Credits"]),
        Model.RECURRING_RESIDENT_CHARGES: len(store.tables["RecurringCharges"]),
    }
    for model, expected in counts.items():
        records = _all(connector, ReadRequest(model, page_size=75))
        assert len(records) == expected, model
        assert len({rec.x_id for rec in records}) == expected, model
    payments = _all(connector, ReadRequest(Model.RESIDENT_PAYMENTS, page_size=75))
    allocations = [p for p in payments if isinstance(p, r.AllocationRecord)]
    assert len(payments) - len(allocations) == len(store.tables["Payments"]) and allocations
    assert connector.data_access()[Model.RESIDENT_ALLOCATIONS] is True


def test_residents_read_email_and_phones_from_contacts(served: tuple[RunningServer, Any]) -> None:
    """The emulator keeps contact details on embedded Contacts, as the live API does; the
    connector asks for them and maps the primary contact."""
    connector = _connector(served)
    store = served[1].state.store
    residents = {rec.x_id: rec for rec in _all(connector, ReadRequest(Model.RESIDENTS))}
    for tenant in store.rows("Tenants"):
        resident = residents[str(tenant["TenantID"])]
        assert isinstance(resident, r.ResidentRecord)
        primary = next(c for c in tenant["Contacts"] if c["IsPrimary"])
        assert resident.email_1 == primary["Email"]
        assert (
            resident.phone_1 == primary["PhoneNumbers"][0]["PhoneNumber"]
            and resident.phone_1_type == "MOBILE"
        )
        assert resident.phone_2_type in (None, "HOME")
    recurring = _all(connector, ReadRequest(Model.RECURRING_RESIDENT_CHARGES))
    assert {rec.frequency_raw for rec in recurring} <= {"1", "2"}  # type: ignore[attr-defined]
    assert {rec.frequency_normalized for rec in recurring} >= {"MONTHLY"}  # type: ignore[attr-defined]


def test_resume_token_continues_after_a_committed_page(served: tuple[RunningServer, Any]) -> None:
    connector = _connector(served)
    pages = list(connector.stream(ReadRequest(Model.RESIDENT_CHARGES, page_size=100)))
    resumed = list(
        connector.stream(
            ReadRequest(Model.RESIDENT_CHARGES, page_size=100, resume_token=pages[1].resume_token)
        )
    )
    assert [p.records for p in resumed] == [p.records for p in pages[2:]]
    assert pages[-1].resume_token is None and any(rec.x_id.startswith("credit:") for rec in pages[-1].records)


def test_incremental_window_and_property_filters(served: tuple[RunningServer, Any]) -> None:
    connector = _connector(served)
    since = datetime.combine(month_start(ANCHOR, 1), time(), UTC)  # the ledger's last month
    charges = _all(connector, ReadRequest(Model.RESIDENT_CHARGES, window_start=since))
    # The window is the company-local day of window_start (inclusive), so a day early at most.
    assert charges and all(
        c.transaction_date and c.transaction_date >= since - timedelta(days=1) for c in charges
    )  # type: ignore[attr-defined]
    recently = datetime.combine(ANCHOR - timedelta(days=60), time(), UTC)
    changed = _all(connector, ReadRequest(Model.UNITS, modified_since=recently))
    assert 0 < len(changed) < len(served[1].state.store.tables["Units"])
    payments = _all(connector, ReadRequest(Model.RESIDENT_PAYMENTS, x_property_ids=frozenset({"1"})))
    assert payments and {p.x_property_id for p in payments} == {"1"}  # type: ignore[attr-defined]
    assert _all(connector, ReadRequest(Model.UNITS, x_property_ids=frozenset({"x"}))) == []


def test_429_and_5xx_are_retried_and_a_dead_token_is_renewed(served: tuple[RunningServer, Any]) -> None:
    connector = _connector(served)
    connector.check_credentials()
    _control(served, "faults", rate_limit_burst=2, server_errors=2)
    _control(served, "expire-tokens")
    assert len(_all(connector, ReadRequest(Model.PROPERTIES))) == 2
    state = httpx.get(f"{served[0].base_url}/_control/state").json()
    assert state["fired"]["rate_limit_burst"] == 2 and state["fired"]["server_errors"] == 2
    _control(served, "reset")


def test_malformed_records_are_skipped_not_fatal(served: tuple[RunningServer, Any]) -> None:
    _control(served, "faults", malformed_every=5)
    try:
        pages = list(_connector(served).stream(ReadRequest(Model.UNITS)))
    finally:
        _control(served, "reset")
    assert sum(len(p.skipped) for p in pages) == len(served[1].state.store.tables["Units"]) // 5


def test_wrong_credentials_are_an_auth_error(served: tuple[RunningServer, Any]) -> None:
    with pytest.raises(AuthError):
        _connector(served, Password="wrong").check_credentials()
    assert all(v is False for v in _connector(served, Password="wrong").data_access().values())


def _fields(connector: RentManagerConnector, **extra: Any) -> dict[str, Any]:
    tenant = next(
        rec for rec in _all(connector, ReadRequest(Model.RESIDENTS)) if isinstance(rec, r.ResidentRecord)
    )
    return {
        "x_resident_id": tenant.x_id,
        "x_property_id": tenant.x_property_id,
        "x_charge_code_id": "3",
        "transaction_date": str(ANCHOR + timedelta(days=9)),
        "notes": "utility",
        "amount_in_cents": 1234,
        "reference_number": "U-1",
        **extra,
    }


def test_writes_are_found_by_marker_and_read_back(served: tuple[RunningServer, Any]) -> None:
    connector = _connector(served)
    credit = WriteRequest(WriteOperation.CREATE_RESIDENT_CREDIT, _fields(connector), "PMSG-CREDIT1")
    assert connector.write(credit).x_id is None
    [found] = connector.find_written(credit)
    [record] = connector.read_back(WriteOperation.CREATE_RESIDENT_CREDIT, found)
    assert found.startswith("credit:") and record.amount_in_cents == -1234  # type: ignore[attr-defined]
    payment = WriteRequest(WriteOperation.CREATE_RESIDENT_PAYMENT, _fields(connector), "PMSG-PAY1")
    outcome = connector.write(payment)
    assert outcome.x_id is not None and connector.find_written(payment) == [outcome.x_id]
    batch = WriteRequest(
        WriteOperation.CREATE_RESIDENT_CHARGE_BATCH,
        {"items": [_fields(connector), _fields(connector, amount_in_cents=99)]},
        "PMSG-BATCH1",
    )
    assert connector.write(batch).x_id is None and len(connector.find_written(batch)) == 2


def test_hard_close_is_refused_with_rm_s_message(served: tuple[RunningServer, Any]) -> None:
    connector = _connector(served)
    closed = WriteRequest(
        WriteOperation.CREATE_RESIDENT_CHARGE,
        _fields(connector, transaction_date=str(HARD_CLOSE_THROUGH - timedelta(days=25))),
        "PMSG-HC",
    )
    with pytest.raises(VendorRejected, match="hard closed"):
        connector.write(closed)


def test_an_update_survives_a_concurrent_change(served: tuple[RunningServer, Any]) -> None:
    connector = _connector(served)
    store = served[1].state.store
    target = store.rows("RecurringCharges")[0]
    # Someone else saves the schedule between our read and our save: RM answers 409 once.
    real_get = connector.session.get
    calls = {"n": 0}

    def racing_get(path: str, params: dict[str, Any] | None = None) -> Any:
        answer = real_get(path, params)
        calls["n"] += 1
        if calls["n"] == 1:
            store.put_all(
                "RecurringCharges",
                [
                    {
                        **store.get("RecurringCharges", target["RecurringChargeID"]),
                        "UpdateDate": stamp(BASE),  # later than any seeded stamp
                    }
                ],
            )
        return answer

    connector.session.get = racing_get  # type: ignore[method-assign]
    request = WriteRequest(
        WriteOperation.UPDATE_RECURRING_CHARGE,
        {
            "x_id": str(target["RecurringChargeID"]),
            "x_charge_code_id": str(target["ChargeTypeID"]),
            "amount_in_cents": 77700,
        },
        "PMSG-UPD",
    )
    outcome = connector.write(request)
    assert outcome.records and outcome.records[0].amount_in_cents == 77700  # type: ignore[attr-defined]
    assert connector.find_written(request) == [str(target["RecurringChargeID"])]
