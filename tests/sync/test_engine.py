"""The sync run against the sample PMS served over real HTTP."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from pmsgate.canonical.registry import SYNC_ORDER, Model
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.registry import ConnectorContext, build_connector
from pmsgate.kit.db import session_factory
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.integrations import PropertyConfiguration
from pmsgate.models.records import RECORD_TABLES
from pmsgate.models.sync import DataDiff, SyncRun
from pmsgate.sync.engine import RunInterrupted, execute_run
from tests.fixtures.api import make_customer
from tests.fixtures.sample import Served, create_integration, run_queued_syncs, whole_ledger


def fast(context: ConnectorContext) -> Any:
    """The registry's connector with retries that do not sleep (the waits are not under test)."""
    return build_connector(replace(context, retry=RetryPolicy(max_attempts=8, sleep=lambda _s: None)))


def count(model: Model, integration_id: str) -> int:
    table = RECORD_TABLES[model]
    with session_factory()() as session:
        return int(session.scalar(select(func.count()).where(table.c.integration_id == integration_id)) or 0)


def run_row(run_id: str) -> SyncRun:
    with session_factory()() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        return run


def emulator_counts(server: Served) -> dict[str, int]:
    return httpx.get(f"{server.base_url}/_control/state").json()["counts"]


def test_first_sync_stores_every_model(fresh_sample_server: Served) -> None:
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    run_id = dispatcher.sync_runs[0]
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    for model in SYNC_ORDER:
        assert count(model, integration_id) > 0, model
    assert count(Model.RESIDENT_ALLOCATIONS, integration_id) > 0
    assert count(Model.RESIDENTS_TO_LEASES, integration_id) > 0
    native = emulator_counts(fresh_sample_server)
    assert count(Model.PROPERTIES, integration_id) == native["sites"]
    assert count(Model.RESIDENTS, integration_id) == native["tenants"]
    run = run_row(run_id)
    assert run.successful_job_count == len(SYNC_ORDER) and run.failed_job_count == 0
    assert run.counts["resident_charges"]["new"] == count(Model.RESIDENT_CHARGES, integration_id)
    with session_factory()() as session:
        configs = session.scalar(
            select(func.count())
            .select_from(PropertyConfiguration)
            .where(PropertyConfiguration.integration_id == integration_id)
        )
        assert configs == native["sites"]
        # DATA_NEW diffs are not recorded during the first sync.
        assert (
            session.scalar(
                select(func.count()).select_from(DataDiff).where(DataDiff.integration_id == integration_id)
            )
            == 0
        )


def test_first_sync_is_date_limited_and_back_sync_reaches_old_ledger(fresh_sample_server: Served) -> None:
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    run_queued_syncs(dispatcher)
    windowed = count(Model.RESIDENT_CHARGES, integration_id)
    native_total = emulator_counts(fresh_sample_server)["charges"]
    assert windowed < native_total  # older charges are outside the default window

    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.kit.db import unit_of_work
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    with unit_of_work(session_factory()) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        request_sync(session, integration, RunKind.BACK, dispatcher)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    assert count(Model.RESIDENT_CHARGES, integration_id) == native_total


def test_a_second_sync_records_only_what_changed(fresh_sample_server: Served) -> None:
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    run_queued_syncs(dispatcher)
    charges_before = count(Model.RESIDENT_CHARGES, integration_id)

    # A change at the PMS: a new charge, posted today.
    token = httpx.post(
        f"{fresh_sample_server.base_url}/api/v2/auth/token",
        json={"username": "", "password": "", "companyId": ""},
    ).json()["accessToken"]
    auth = {"Authorization": f"Bearer {token}"}
    tenancy = httpx.get(
        f"{fresh_sample_server.base_url}/api/v2/tenancies", params={"pageSize": 1}, headers=auth
    ).json()["data"][0]
    codes = httpx.get(
        f"{fresh_sample_server.base_url}/api/v2/ledger-codes",
        params={"siteIds": str(tenancy["siteId"])},
        headers=auth,
    ).json()["data"]
    accounts = httpx.get(
        f"{fresh_sample_server.base_url}/api/v2/gl-accounts",
        params={"siteIds": str(tenancy["siteId"])},
        headers=auth,
    ).json()["data"]
    posted = httpx.post(
        f"{fresh_sample_server.base_url}/api/v2/charges",
        headers=auth,
        json={
            "tenancyId": tenancy["tenancyId"],
            "codeId": codes[0]["codeId"],
            "accountId": accounts[0]["accountId"],
            "amount": "42.00",
            "postedOn": utcnow().strftime("%m/%d/%Y"),
            "memo": "late fee",
            "ref": "R-1",
        },
    )
    assert posted.status_code == 201, posted.text

    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.kit.db import unit_of_work
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    with unit_of_work(session_factory()) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        run = request_sync(session, integration, RunKind.MANUAL, dispatcher)
        assert run.modified_since is not None  # incremental after the first sync
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    assert count(Model.RESIDENT_CHARGES, integration_id) == charges_before + 1
    with session_factory()() as session:
        diffs = session.scalars(select(DataDiff).where(DataDiff.integration_id == integration_id)).all()
    new_charges = [d for d in diffs if d.model == "resident_charges" and d.event_type == "NEW"]
    assert len(new_charges) == 1
    assert new_charges[0].data_diff["new"]["amount_in_cents"] == 4200


def test_an_interrupted_run_resumes_from_its_last_page(fresh_sample_server: Served) -> None:
    from pmsgate.config import get_settings

    settings = get_settings()
    customer = make_customer()
    with whole_ledger():  # the same pages on any date
        integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    run_id = dispatcher.sync_runs.pop()
    settings.sync_page_size = 7  # many pages, so the interruption lands mid-model

    def die_on_third_page_of_charges(model: Model, page: int) -> None:
        if model is Model.RESIDENT_CHARGES and page == 3:
            raise RunInterrupted

    try:
        with pytest.raises(RunInterrupted):
            execute_run(session_factory(), run_id, page_hook=die_on_third_page_of_charges)
        interrupted = run_row(run_id)
        assert interrupted.status == "RUNNING"
        assert interrupted.checkpoint is not None and interrupted.checkpoint["model"] == "resident_charges"
        partial = count(Model.RESIDENT_CHARGES, integration_id)
        assert partial == 21

        # The worker is gone: a live worker refuses the run until its heartbeat is stale.
        assert execute_run(session_factory(), run_id) is None
        with session_factory()() as session, session.begin():
            session.execute(
                update(SyncRun).where(SyncRun.id == run_id).values(heartbeat_at=utcnow() - timedelta(hours=1))
            )
        assert execute_run(session_factory(), run_id) == "COMPLETED"
    finally:
        settings.sync_page_size = 250
    resumed = run_row(run_id)
    assert resumed.attempts == 2
    # Resumed at the page after the last committed one: charges counted once each.
    assert resumed.counts["resident_charges"]["new"] == count(Model.RESIDENT_CHARGES, integration_id)


def test_429_bursts_and_5xx_slow_the_sync_without_failing_it(fresh_sample_server: Served) -> None:
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    httpx.post(
        f"{fresh_sample_server.base_url}/_control/faults", json={"rate_limit_burst": 4, "server_errors": 3}
    )
    assert run_queued_syncs(dispatcher, builder=fast) == ["COMPLETED"]
    state = httpx.get(f"{fresh_sample_server.base_url}/_control/state").json()
    assert count(Model.RESIDENTS, integration_id) == state["counts"]["tenants"]
    httpx.post(f"{fresh_sample_server.base_url}/_control/reset")


def test_malformed_records_are_skipped_and_reported(fresh_sample_server: Served) -> None:
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, fresh_sample_server.base_url)
    run_id = dispatcher.sync_runs[0]
    httpx.post(f"{fresh_sample_server.base_url}/_control/faults", json={"malformed_every": 10})
    try:
        assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    finally:
        httpx.post(f"{fresh_sample_server.base_url}/_control/reset")
    run = run_row(run_id)
    assert run.errors, "skipped records are reported on the run"
    assert any("malformed" in counts for counts in run.counts.values() if isinstance(counts, dict))
    assert count(Model.RESIDENTS, integration_id) > 0


def test_wrong_credentials_fail_the_run_and_mark_the_integration(fresh_sample_server: Served) -> None:
    from pmsgate.emulators.sample import SampleCredentials, create_sample_app
    from pmsgate.emulators.server import serve_in_thread

    guarded = serve_in_thread(
        create_sample_app(
            records=10, credentials=SampleCredentials(username="u", password="right", company_id="c")
        )
    )
    try:
        customer = make_customer()
        integration_id, dispatcher = create_integration(
            customer,
            guarded.base_url,
            credentials={"baseUrl": guarded.base_url, "username": "u", "password": "wrong", "companyId": "c"},
        )
        assert run_queued_syncs(dispatcher) == ["FAILED"]
        from pmsgate.models.integrations import Integration

        with session_factory()() as session:
            integration = session.get(Integration, integration_id)
            assert integration is not None and integration.can_authenticate is False
    finally:
        guarded.stop()


def test_an_unreachable_pms_ends_the_run_at_the_first_model(fresh_sample_server: Served) -> None:
    """Every model would fail to connect the same way: the run stops instead of retrying each."""
    from pmsgate.emulators.sample import create_sample_app
    from pmsgate.emulators.server import serve_in_thread

    gone = serve_in_thread(create_sample_app(records=10))
    base_url = gone.base_url
    gone.stop()  # nothing listens on that port any more
    customer = make_customer()
    _integration_id, dispatcher = create_integration(customer, base_url)
    run_id = dispatcher.sync_runs[0]
    waits: list[float] = []

    def counting(context: ConnectorContext) -> Any:
        return build_connector(replace(context, retry=RetryPolicy(max_attempts=3, sleep=waits.append)))

    assert run_queued_syncs(dispatcher, builder=counting) == ["FAILED"]
    run = run_row(run_id)
    assert run.failed_job_count == 1 and run.successful_job_count == 0
    assert run.error is not None and "cannot connect" in run.error
    assert len(waits) == 2, "one model's retries, not every model's"


def test_only_one_run_per_integration_at_a_time(sample_server: Served) -> None:
    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.kit.db import unit_of_work
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, sample_server.base_url)
    with unit_of_work(session_factory()) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        again = request_sync(session, integration, RunKind.MANUAL, dispatcher)
    assert dispatcher.sync_runs == [again.id]  # the first run was returned, not a second one
    run_id = dispatcher.sync_runs[0]
    assert execute_run(session_factory(), run_id) == "COMPLETED"
    assert execute_run(session_factory(), run_id) is None  # nobody runs a finished run again


def test_disabled_properties_are_not_ingested(fresh_sample_server: Served) -> None:
    from pmsgate.integrations.repository import IntegrationRepository
    from pmsgate.kit.db import unit_of_work
    from pmsgate.sync.service import request_sync
    from pmsgate.sync.states import RunKind

    customer = make_customer()
    integration_id, dispatcher = create_integration(
        customer, fresh_sample_server.base_url, new_properties_are_enabled=False
    )
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    assert count(Model.PROPERTIES, integration_id) > 0
    assert count(Model.RESIDENTS, integration_id) == 0
    with unit_of_work(session_factory()) as session:
        session.execute(
            update(PropertyConfiguration)
            .where(PropertyConfiguration.integration_id == integration_id)
            .values(enabled=True)
        )
        integration = IntegrationRepository.from_session(session).get(integration_id)
        assert integration is not None
        request_sync(session, integration, RunKind.BACK, dispatcher)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    assert count(Model.RESIDENTS, integration_id) > 0
