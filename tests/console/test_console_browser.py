"""The console and connect pages in a real browser (Debian's Chromium, driven by Playwright)
against `pmsgate serve` on the embedded default in its own process: sign in, complete connect
links for the sample PMS and for Buildium's emulator, watch the first sync finish on the live
view without reloading, retry a failed write, be refused on used and expired links, and never see
another customer's data.

Set PMSGATE_SCREENSHOTS_DIR to keep screenshots of the main pages (docs/console.md uses them).
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

BIN = Path(sys.executable).parent / "pmsgate"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OPERATOR_TOKEN = "browser-test-operator-token-0123456789"
SHOTS = os.environ.get("PMSGATE_SCREENSHOTS_DIR")

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("PMSGATE_TEST_DB", "sqlite") != "sqlite",
        reason="runs `pmsgate serve` on the embedded default; it ran in the SQLite pass",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    base: str
    env: dict[str, str]
    data_dir: Path

    def customer(self, name: str) -> str:
        done = subprocess.run(
            [str(BIN), "customers", "create", name], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip().splitlines()[-1]

    def api(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {key}"}, timeout=30)

    def sql(self, statement: str, *params: Any) -> None:
        with sqlite3.connect(self.data_dir / "pmsgate.db") as connection:
            connection.execute(statement, params)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data_dir = tmp_path_factory.mktemp("console-serve")
    env = {k: v for k, v in os.environ.items() if k not in ("PMSGATE_DATABASE_URL", "PMSGATE_SECRET_KEY")}
    env.update(
        {
            "PMSGATE_DATA_DIR": str(data_dir),
            "PMSGATE_LOG_LEVEL": "WARNING",
            "PMSGATE_CONSOLE_ADMIN_TOKEN": OPERATOR_TOKEN,
        }
    )
    port = _free_port()
    log = (data_dir / "serve.log").open("wb")
    process = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((data_dir / "serve.log").read_text()[-3000:])
            time.sleep(0.2)
        yield Service(base, env, data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def buildium() -> Iterator[tuple[str, dict[str, Any]]]:
    from pmsgate.emulators.registry import emulator
    from pmsgate.emulators.server import serve_in_thread

    definition = emulator("buildium")
    app = definition.create_app(12, 5)
    server = serve_in_thread(app)
    yield server.base_url + definition.base_path, definition.credentials(app)
    server.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Chromium is required for the console tests (./scripts/test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(60_000)  # generous: a loaded CI machine serves pages slowly
    yield tab
    context.close()


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _sign_in(page: Any, service: Service, secret: str) -> None:
    page.goto(f"{service.base}/console/")
    page.fill("#key", secret)
    page.click("button[type=submit]")


def _connect_link(service: Service, key: str, **body: Any) -> str:
    with service.api(key) as api:
        answer = api.post("/v1/admin/connect-links/", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["result"]["url"])


def test_newcomer_connects_the_sample_pms_and_watches_the_first_sync(page: Any, service: Service) -> None:
    key = service.customer("Browser Co")
    _sign_in(page, service, key)
    page.wait_for_selector("h1:has-text('Integrations')")
    _shot(page, "integrations-empty")

    link = _connect_link(service, key, integration_name="Maple Apartments")
    page.goto(link)
    _shot(page, "connect-pick")
    page.click("a.vendor:has-text('Sample1')")
    page.wait_for_selector("#connect-submit")
    _shot(page, "connect-form")
    page.click("#connect-submit")
    page.wait_for_selector("#integration-id")
    integration_id = page.inner_text("#integration-id")

    page.goto(f"{service.base}/console/integrations/{integration_id}")
    run_link = page.locator("#runs a.mono").first
    run_link.click()
    page.wait_for_selector("#live")
    page.evaluate("window.__sameDocument = true")
    expect(page.locator("#run-status")).to_have_text("COMPLETED", timeout=60_000)
    assert page.evaluate("window.__sameDocument") is True  # updated in place, not reloaded
    assert int(page.inner_text("#run-records").replace(",", "")) > 0
    assert page.inner_text("tr[data-model='resident_charges'] .state") == "done"
    _shot(page, "sync-run-live")

    page.goto(f"{service.base}/console/integrations/{integration_id}")
    assert page.locator("svg.chart").count() == 2
    assert int(page.inner_text("#record-counts tr:has-text('resident_charges') td.num").replace(",", "")) > 0
    _shot(page, "integration")

    page.goto(link)
    assert "already been used" in page.inner_text("body")


def test_connect_link_for_buildium_checks_credentials_live(
    page: Any, service: Service, buildium: tuple[str, dict[str, Any]]
) -> None:
    base_url, credentials = buildium
    key = service.customer("Buildium Owner")
    link = _connect_link(
        service,
        key,
        vendor="BUILDIUM",
        redirect_url=f"{service.base}/healthz",
        integration_name="Buildium HQ",
    )
    page.goto(link)
    page.fill("input[name=clientId]", credentials["clientId"])
    page.fill("input[name=secret]", "wrong-secret")
    page.fill("input[name=baseUrl]", base_url)
    page.click("#connect-submit")
    assert "refused these credentials" in page.inner_text("#connect-error")
    assert page.input_value("input[name=secret]") == ""  # a secret is never sent back to the page
    page.fill("input[name=secret]", credentials["secret"])
    page.click("#connect-submit")
    page.wait_for_url("**/healthz?*")
    assert "integration_id=intg_" in page.url and credentials["secret"] not in page.url
    with service.api(key) as api:
        integrations = api.get("/v1/admin/integrations/").json()["results"]
    assert [i["vendor"] for i in integrations] == ["BUILDIUM"]


def test_expired_links_are_refused(page: Any, service: Service) -> None:
    key = service.customer("Late Co")
    link = _connect_link(service, key, vendor="SAMPLE1")
    token_path = link.split("/connect/", 1)[1]
    import hashlib

    digest = hashlib.sha256(token_path.encode()).hexdigest()
    service.sql(
        "UPDATE connect_links SET expires_at = '2000-01-01 00:00:00.000000' WHERE token_hash = ?", digest
    )
    page.goto(link)
    assert "expired" in page.inner_text("body")


def test_failed_write_is_retried_from_the_console(page: Any, service: Service) -> None:
    key = service.customer("Writer Co")
    with service.api(key) as api:
        created = api.post(
            "/v1/admin/integrations/",
            json={"integration_vendor": "SAMPLE1", "name": "Writes", "credentials": {}, "active": True},
        )
        assert created.status_code == 200, created.text
        integration_id = created.json()["result"]["id"]
        _wait(
            lambda: (
                (_polled(api, f"/v1/admin/integrations/{integration_id}/") or {})
                .get("results", {})
                .get("last_completed_sync")
            )
        )
        lease = api.get("/v1/leases/", params={"integration_id": integration_id, "limit": 1}).json()[
            "results"
        ][0]
        accounts = api.get("/v1/financial-accounts/", params={"property_id": lease["property_id"]}).json()
        income = next(a for a in accounts["results"] if (a.get("custom_data") or {}).get("kind") == "income")
        body = {  # the PMS refuses a payment into an income account
            "integration_id": integration_id,
            "lease_id": lease["id"],
            "resident_id": lease["residents_meta_data"][0]["resident_id"],
            "financial_account_id": income["id"],
            "amount_in_cents": 4200,
            "transaction_date": "2026-11-02",
            "payment_type": "Check",
        }
        job_id = api.post("/v1/resident-payments/", json=body).json()["job_id"]
        _wait(
            lambda: (_polled(api, f"/v1/admin/write-status/{job_id}") or {}).get("write_status") == "FAILURE"
        )

    _sign_in(page, service, key)
    page.goto(f"{service.base}/console/jobs?status=FAILURE")
    page.click(f"a:has-text('{job_id}')")
    assert "not a bank account" in page.inner_text("main")
    assert page.locator("details pre").count() >= 1  # the native exchange is shown
    _shot(page, "write-job")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(url="**/console/jobs/job_*", wait_until="domcontentloaded"):
        page.click("#retry")
    assert page.locator("#job-status").count() == 1, page.content()[:2000]
    retry_id = page.url.rsplit("/", 1)[1]
    assert retry_id != job_id
    _wait(lambda: (page.reload() or True) and page.inner_text("#job-status") in ("SUCCESS", "FAILURE"))
    page.goto(f"{service.base}/console/jobs")
    assert f"retry of {job_id}" in page.inner_text("#jobs")


def test_customers_never_see_each_other(page: Any, service: Service) -> None:
    first = service.customer("First Tenant Co")
    with service.api(first) as api:
        created = api.post(
            "/v1/admin/integrations/",
            json={"integration_vendor": "SAMPLE1", "name": "Private PMS", "credentials": {}, "active": True},
        )
        integration_id = created.json()["result"]["id"]
    second = service.customer("Second Tenant Co")
    _sign_in(page, service, second)
    page.wait_for_selector("h1:has-text('Integrations')")
    assert "Private PMS" not in page.content()
    page.goto(f"{service.base}/console/integrations/{integration_id}")
    assert "Not found" in page.inner_text("h1")
    page.goto(f"{service.base}/console/operator")
    assert "Not found" in page.inner_text("h1")


def test_operator_view(page: Any, service: Service) -> None:
    service.customer("Visible To The Operator")
    _sign_in(page, service, OPERATOR_TOKEN)
    page.wait_for_selector("h1:has-text('Operator')")
    assert "Visible To The Operator" in page.inner_text("#customers")
    assert "syncs" in page.inner_text("#lanes")
    _shot(page, "operator")
    page.click("button:has-text('Sign out')")
    page.wait_for_selector("#key")


def _polled(api: httpx.Client, path: str) -> dict[str, Any] | None:
    """The answer's body; None while the customer's rate limit (150 a minute) says wait, as a
    slow first sync on a busy machine outlasts it at this polling pace."""
    response = api.get(path)
    if response.status_code == 429:
        return None
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _wait(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.3)
