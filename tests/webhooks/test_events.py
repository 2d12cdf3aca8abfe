"""The outbox: which changes produce which events, in the same transaction, numbered without gaps;
and the cursor feed at /v1/admin/events/."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.dispatch import RecordingDispatcher
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.webhooks import Event
from tests.fixtures.api import CustomerKey
from tests.fixtures.sample import Served, create_integration, run_queued_syncs
from tests.webhooks.conftest import emit_data_events
from tests.writes.conftest import run_writes


def feed(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = client.get(
            "/v1/admin/events/", params={**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
        )
        assert page.status_code == 200, page.text
        body = page.json()
        events += body["results"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return events


def native_charge(server: Served) -> None:
    base = server.base_url
    token = httpx.post(
        f"{base}/api/v2/auth/token", json={"username": "", "password": "", "companyId": ""}
    ).json()["accessToken"]
    auth = {"Authorization": f"Bearer {token}"}
    tenancy = httpx.get(f"{base}/api/v2/tenancies", params={"pageSize": 1}, headers=auth).json()["data"][0]
    site = {"siteIds": str(tenancy["siteId"])}
    code = httpx.get(f"{base}/api/v2/ledger-codes", params=site, headers=auth).json()["data"][0]
    account = httpx.get(f"{base}/api/v2/gl-accounts", params=site, headers=auth).json()["data"][0]
    posted = httpx.post(
        f"{base}/api/v2/charges",
        headers=auth,
        json={
            "tenancyId": tenancy["tenancyId"],
            "codeId": code["codeId"],
            "accountId": account["accountId"],
            "amount": "42.00",
            "postedOn": utcnow().strftime("%m/%d/%Y"),
            "memo": "late fee",
            "ref": "R-9",
        },
    )
    assert posted.status_code == 201, posted.text


def sync(integration_id: str, kind: str) -> None:
    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    dispatcher = RecordingDispatcher()
    with unit_of_work(session_factory()) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        request_sync(session, integration, RunKind(kind), dispatcher)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]


def test_syncs_produce_completion_events_and_data_events_only_after_the_first(
    client: TestClient, customer: CustomerKey, fresh_sample_server: Served
) -> None:
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    first = feed(client, integration_id=integration_id)
    assert [e["type"] for e in first] == ["FIRST_SYNC_COMPLETE", "JOB_SUCCESS"]
    done = first[0]["payload"]
    assert done["trigger"] == "FIRST_SYNC_COMPLETE"
    assert done["data"]["is_sync_finished"] is True and done["data"]["failed_job_count"] == 0
    assert done["data"]["successful_job_count"] > 0 and done["data"]["vendor"] == "SAMPLE1"
    assert done["data"]["job_schedule"]["sync_cadence"] == "HOUR"

    native_charge(fresh_sample_server)
    sync(integration_id, "MANUAL")
    second = feed(client, integration_id=integration_id)[2:]
    new = [e for e in second if e["type"] == "DATA_NEW"]
    assert len(new) == 1 and new[0]["model"] == "resident_charges"
    data = new[0]["payload"]["data"]
    assert data["object"] == "resident-charges" and data["record_id"] == new[0]["record_id"]
    assert data["diff"]["new"]["amount_in_cents"] == 4200
    assert data["job_type"] == "READ_RESIDENT_CHARGES" and data["integration_id"] == integration_id
    assert [e["type"] for e in second][-2:] == ["SYNC_COMPLETE", "JOB_SUCCESS"]

    sync(integration_id, "BACK")  # a back-sync sends no data events, only its completion
    third = feed(client, integration_id=integration_id)[2 + len(second) :]
    assert [e["type"] for e in third] == ["SYNC_COMPLETE", "JOB_SUCCESS"]
    assert third[0]["payload"]["data"]["sync_kind"] == "BACK"

    # Per-integration sequence numbers: 1, 2, 3, … in commit order, no gaps.
    everything = feed(client, integration_id=integration_id)
    assert [e["sequence"] for e in everything] == list(range(1, len(everything) + 1))


def test_writes_produce_job_success_data_events_and_write_operation_failure(
    client: TestClient, customer: CustomerKey, fresh_sample_server: Served, dispatcher: RecordingDispatcher
) -> None:
    integration_id, sync_dispatcher = create_integration(customer, fresh_sample_server.base_url)
    assert run_queued_syncs(sync_dispatcher) == ["COMPLETED"]
    lease = next(
        lease
        for lease in client.get(
            "/v1/leases/", params={"integration_id": integration_id, "limit": 250}
        ).json()["results"]
        if lease["residents_meta_data"]
    )
    code = client.get("/v1/charge-codes/", params={"property_id": lease["property_id"]}).json()["results"][0]
    charge = {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "charge_code_id": code["id"],
        "amount_in_cents": 1999,
        "transaction_date": "2026-11-01",
        "description": "Renters insurance premium",
    }
    ok = client.post("/v1/resident-charges/", json=charge)
    assert ok.status_code == 200, ok.text
    assert run_writes(dispatcher) == ["SUCCESS"]
    accounts = client.get("/v1/financial-accounts/", params={"property_id": lease["property_id"]}).json()[
        "results"
    ]
    income = next(a for a in accounts if (a.get("custom_data") or {}).get("kind") == "income")
    refused = client.post(
        "/v1/resident-payments/",
        json={
            "integration_id": integration_id,
            "lease_id": lease["id"],
            "resident_id": lease["residents_meta_data"][0]["resident_id"],
            "financial_account_id": income["id"],
            "amount_in_cents": 100,
            "transaction_date": "2026-11-02",
            "payment_type": "Check",
        },
    )
    assert refused.status_code == 200, refused.text
    assert run_writes(dispatcher) == ["FAILURE"]

    events = feed(client, integration_id=integration_id)[2:]
    kinds = [e["type"] for e in events]
    assert kinds == ["DATA_NEW", "JOB_SUCCESS", "WRITE_OPERATION_FAILURE"], kinds
    data_new = events[0]["payload"]["data"]
    assert data_new["job_id"] == ok.json()["job_id"] and data_new["job_type"] == "CREATE_RESIDENT_CHARGE"
    assert data_new["diff"]["new"]["amount_in_cents"] == 1999
    success = events[1]["payload"]["data"]
    assert success["job_id"] == ok.json()["job_id"] and success["created_record_id"] == data_new["record_id"]
    failure = events[2]["payload"]["data"]
    assert failure["root_job_id"] == refused.json()["job_id"] and failure["write_status"] == "FAILURE"
    assert failure["vendor"] == "SAMPLE1" and "accountId" in failure["errors"][0]


def test_an_event_exists_only_if_its_transaction_commits(customer: CustomerKey) -> None:
    from pmsgate.webhooks.events import Draft, emit

    with pytest.raises(RuntimeError), unit_of_work(session_factory()) as session:
        emit(session, customer_id=customer.customer_id, integration_id=None, drafts=[Draft("DATA_NEW", {})])
        raise RuntimeError("the change fails after its event was written")
    with session_factory()() as session:
        assert session.scalars(select(Event).where(Event.customer_id == customer.customer_id)).all() == []


def test_the_cursor_feed_returns_every_event_once_in_order(client: TestClient, customer: CustomerKey) -> None:
    ids = emit_data_events(customer.customer_id, None, [(f"chg_{n}", n) for n in range(20)])
    ids += emit_data_events(customer.customer_id, None, [("res_1", 1)])
    seen = feed(client)
    assert [e["id"] for e in seen] == ids
    # Resuming from a cursor returns only what came after it.
    page = client.get("/v1/admin/events/", params={"limit": 5}).json()
    rest = client.get("/v1/admin/events/", params={"cursor": page["next_cursor"], "limit": 250}).json()
    assert [e["id"] for e in page["results"] + rest["results"]] == ids
    assert rest["has_more"] is False
    later = emit_data_events(customer.customer_id, None, [("chg_0", 99)])
    tail = client.get("/v1/admin/events/", params={"cursor": rest["next_cursor"]}).json()
    assert [e["id"] for e in tail["results"]] == later
    # Filters.
    assert [e["record_id"] for e in feed(client, model="resident_charges")][:2] == ["chg_0", "chg_1"]
    assert feed(client, type="SYNC_COMPLETE") == []
    assert len(feed(client, since="2000-01-01T00:00:00Z")) == 22
    assert feed(client, since="2999-01-01") == []
    assert client.get("/v1/admin/events/", params={"cursor": "garbage!"}).status_code == 400


def test_sequences_are_unique_and_gap_free_under_concurrent_writers(customer: CustomerKey) -> None:
    from pmsgate.webhooks.events import Draft, emit

    integration_id, _ = create_integration(customer, "http://127.0.0.1:9")
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for batch in range(10):
                with unit_of_work(session_factory()) as session:
                    emit(
                        session,
                        customer_id=customer.customer_id,
                        integration_id=integration_id,
                        drafts=[Draft("DATA_UPDATE", {"w": worker, "b": batch, "i": i}) for i in range(5)],
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with session_factory()() as session:
        rows = session.execute(
            select(Event.sequence, Event.customer_sequence, Event.payload).where(
                Event.integration_id == integration_id
            )
        ).all()
    assert sorted(r[0] for r in rows) == list(range(1, 201))
    assert len({r[1] for r in rows}) == 200
    # Each transaction's events got consecutive numbers, in the order it wrote them.
    by_seq = sorted(rows, key=lambda r: r[0])
    for start in range(0, 200, 5):
        chunk = [r[2]["data"] for r in by_seq[start : start + 5]]
        assert [c["i"] for c in chunk] == [0, 1, 2, 3, 4]
        assert len({(c["w"], c["b"]) for c in chunk}) == 1
