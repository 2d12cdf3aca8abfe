"""The console over HTTP, as a browser uses it: sign-in, session cookie, CSRF, idle expiry, the
pages and their buttons, and one customer never seeing another's data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.console.helpers import csrf_of, sign_in
from tests.fixtures.api import CustomerKey, make_customer
from tests.fixtures.sample import Served, create_integration, run_queued_syncs

OPERATOR_TOKEN = "operator-token-for-tests-0123456789"


@pytest.fixture
def console_app(dispatcher: Any) -> FastAPI:
    from pmsgate.app import create_app
    from pmsgate.config import get_settings

    settings = get_settings().model_copy(update={"console_admin_token": SecretStr(OPERATOR_TOKEN)})
    return create_app(settings, dispatcher=dispatcher, run_workers=False, mount_sample_emulator=False)


@pytest.fixture
def browser(console_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(console_app) as client:
        yield client


@pytest.fixture
def synced(customer: CustomerKey, sample_server: Served) -> str:
    integration_id, dispatcher = create_integration(customer, sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    return integration_id


def test_pages_need_a_signed_in_viewer(browser: TestClient) -> None:
    for path in ("/console/integrations", "/console/jobs", "/console/rate-limits", "/console/operator"):
        answer = browser.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/console/login?next=")


def test_sign_in_sets_a_strict_http_only_cookie_and_bad_keys_are_refused(
    browser: TestClient, customer: CustomerKey
) -> None:
    form = browser.get("/console/login")
    token = csrf_of(form.text)
    bad = browser.post("/console/login", data={"key": "pmsg_wrong", "csrf_token": token})
    assert bad.status_code == 401 and "not valid" in bad.text
    no_csrf = browser.post("/console/login", data={"key": customer.key})
    assert no_csrf.status_code == 400
    form = browser.get("/console/login")
    good = browser.post(
        "/console/login", data={"key": customer.key, "csrf_token": csrf_of(form.text)}, follow_redirects=False
    )
    assert good.status_code == 303 and good.headers["location"] == "/console/integrations"
    cookie = next(c for c in good.headers.get_list("set-cookie") if c.startswith("pmsgate_console="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert customer.key not in cookie


def test_next_parameter_never_redirects_off_the_console(browser: TestClient, customer: CustomerKey) -> None:
    form = browser.get("/console/login?next=https://evil.example/")
    answer = browser.post(
        "/console/login",
        data={"key": customer.key, "csrf_token": csrf_of(form.text), "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console/integrations"


def test_integration_pages_show_status_counts_runs_and_chart(
    browser: TestClient, customer: CustomerKey, synced: str
) -> None:
    sign_in(browser, customer.key)
    listing = browser.get("/console/integrations")
    assert synced in listing.text and "SAMPLE1" in listing.text
    assert "content-security-policy" in listing.headers
    detail = browser.get(f"/console/integrations/{synced}")
    assert detail.status_code == 200
    assert "resident_charges" in detail.text and "<svg" in detail.text
    assert "COMPLETED" in detail.text


def test_sync_button_needs_the_session_csrf_token_and_queues_a_run(
    browser: TestClient, customer: CustomerKey, synced: str, dispatcher: Any
) -> None:
    csrf = sign_in(browser, customer.key)
    refused = browser.post(f"/console/integrations/{synced}/sync", data={"kind": "manual"})
    assert refused.status_code == 400 and "csrf_token" in refused.text
    assert dispatcher.sync_runs == []
    started = browser.post(
        f"/console/integrations/{synced}/sync",
        data={"kind": "manual", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert started.status_code == 303
    run_id = started.headers["location"].rsplit("/", 1)[1]
    assert dispatcher.sync_runs == [run_id]
    progress = browser.get(f"/console/runs/{run_id}/progress.json").json()
    assert progress["status"] == "QUEUED" and not progress["finished"]
    assert progress["models"][0]["model"] == "properties"
    live = browser.get(f"/console/runs/{run_id}")
    assert 'data-progress-url="/console/runs/' in live.text


def test_disable_and_enable(browser: TestClient, customer: CustomerKey, synced: str) -> None:
    csrf = sign_in(browser, customer.key)
    browser.post(f"/console/integrations/{synced}/active", data={"active": "false", "csrf_token": csrf})
    assert "disabled" in browser.get("/console/integrations").text
    browser.post(f"/console/integrations/{synced}/active", data={"active": "true", "csrf_token": csrf})
    assert "badge ok" in browser.get("/console/integrations").text


def test_another_customers_data_is_not_found(
    browser: TestClient, customer: CustomerKey, synced: str, dispatcher: Any
) -> None:
    other = make_customer("Other Co")
    csrf = sign_in(browser, other.key)
    assert synced not in browser.get("/console/integrations").text
    assert browser.get(f"/console/integrations/{synced}").status_code == 404
    assert (
        browser.post(
            f"/console/integrations/{synced}/sync", data={"kind": "manual", "csrf_token": csrf}
        ).status_code
        == 404
    )
    assert dispatcher.sync_runs == []
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.models.sync import SyncRun

    with unit_of_work(session_factory()) as session:
        run_id = session.query(SyncRun.id).filter(SyncRun.integration_id == synced).scalar()
    assert browser.get(f"/console/runs/{run_id}").status_code == 404
    assert browser.get(f"/console/runs/{run_id}/progress.json").status_code == 404


def test_idle_sessions_expire_and_sign_out_ends_the_session(
    browser: TestClient, customer: CustomerKey
) -> None:
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.models.console import ConsoleSession

    csrf = sign_in(browser, customer.key)
    out = browser.post("/console/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert browser.get("/console/integrations", follow_redirects=False).status_code == 303

    sign_in(browser, customer.key)
    with unit_of_work(session_factory()) as session:
        for row in session.query(ConsoleSession).filter(ConsoleSession.customer_id == customer.customer_id):
            row.last_seen_at = row.last_seen_at - timedelta(hours=2)
    assert browser.get("/console/integrations", follow_redirects=False).status_code == 303


def test_failed_write_is_retried_from_its_page(
    browser: TestClient, customer: CustomerKey, synced: str, dispatcher: Any
) -> None:
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.kit.ids import new_id
    from pmsgate.kit.timeutil import utcnow
    from pmsgate.models.jobs import WriteJob

    job_id = new_id("job")
    with unit_of_work(session_factory()) as session:
        session.add(
            WriteJob(
                id=job_id,
                root_job_id=job_id,
                customer_id=customer.customer_id,
                integration_id=synced,
                vendor="SAMPLE1",
                operation="CREATE_RESIDENT_CHARGE",
                write_category="resident_charges",
                status="FAILURE",
                phase="NOT_SENT",
                parameters={"amount_in_cents": 1200},
                native={},
                marker="m" * 16,
                errors=["the PMS said no"],
                created_at=utcnow(),
            )
        )
    csrf = sign_in(browser, customer.key)
    jobs = browser.get("/console/jobs?status=FAILURE")
    assert job_id in jobs.text and "the PMS said no" in jobs.text
    page = browser.get(f"/console/jobs/{job_id}")
    assert 'id="retry"' in page.text
    retried = browser.post(f"/console/jobs/{job_id}/retry", data={"csrf_token": csrf}, follow_redirects=False)
    assert retried.status_code == 303
    new_job = retried.headers["location"].rsplit("/", 1)[1]
    assert dispatcher.write_jobs == [new_job]
    assert "retry of" in browser.get("/console/jobs").text
    with unit_of_work(session_factory()) as session:  # no worker of a later test may pick it up
        retry = session.get(WriteJob, new_job)
        assert retry is not None
        retry.status = "FAILURE"


def test_rate_limits_page_shows_the_keys_use(browser: TestClient, customer: CustomerKey, synced: str) -> None:
    sign_in(browser, customer.key)
    page = browser.get("/console/rate-limits")
    assert page.status_code == 200 and "<meter" in page.text and "PMS budgets" in page.text
    assert "In use now" in page.text and "budget-use" in page.text


def test_operator_sees_every_customer_and_customers_cannot_open_it(
    browser: TestClient, customer: CustomerKey, synced: str
) -> None:
    sign_in(browser, customer.key)
    assert browser.get("/console/operator").status_code == 404
    browser.cookies.clear()
    form = browser.get("/console/login")
    answer = browser.post(
        "/console/login",
        data={"key": OPERATOR_TOKEN, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console/operator"
    page = browser.get("/console/operator")
    assert customer.customer_id in page.text and "syncs" in page.text and "writes" in page.text
    assert "webhook deliveries due" in page.text and "data-access checks" in page.text
    assert browser.get("/console/integrations").status_code == 404


def test_static_assets_are_served_by_pmsgate(browser: TestClient) -> None:
    assert browser.get("/console/static/console.css").status_code == 200
    assert "followRun" in browser.get("/console/static/console.js").text
    login = browser.get("/console/login").text
    assert "http://" not in login and "https://" not in login
