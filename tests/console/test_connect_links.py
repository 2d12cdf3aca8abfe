"""Connect links: the API that issues them and the page a property manager completes, against
real emulators over HTTP (the sample PMS and Buildium's)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fixtures.api import CustomerKey, make_customer


@pytest.fixture(scope="module")
def buildium() -> Iterator[tuple[str, dict[str, Any]]]:
    from pmsgate.emulators.registry import emulator
    from pmsgate.emulators.server import serve_in_thread

    definition = emulator("buildium")
    app = definition.create_app(10, 3)
    server = serve_in_thread(app)
    yield server.base_url + definition.base_path, definition.credentials(app)
    server.stop()


@pytest.fixture
def pm(app: FastAPI) -> Iterator[TestClient]:
    """The property manager's browser: no API key, no console session."""
    with TestClient(app) as client:
        yield client


def _link(client: TestClient, **body: Any) -> dict[str, Any]:
    answer = client.post("/v1/admin/connect-links/", json=body)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()["result"]
    return result


def _path(link: dict[str, Any]) -> str:
    return urlsplit(link["url"]).path


def test_creating_a_link_validates_each_field(client: TestClient) -> None:
    for body, field in (
        ({"redirect_url": "javascript:alert(1)"}, "redirect_url"),
        ({"redirect_url": "https://user:pw@example.com/"}, "redirect_url"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"vendor": "NOPE"}, "vendor"),
        ({"surprise": 1}, "surprise"),
    ):
        answer = client.post("/v1/admin/connect-links/", json=body)
        assert answer.status_code == 400, (body, answer.text)
        assert field in answer.text
    link = _link(client, integration_name="Oak Street", redirect_url="https://app.example.com/done?x=1")
    assert link["url"].startswith("http://testserver/connect/") and link["used_at"] is None
    assert link["expires_at"] > link["url"][:0] + "2026"


def test_vendor_list_and_credential_form_built_from_the_connector_declaration(
    client: TestClient, pm: TestClient
) -> None:
    link = _link(client)
    picker = pm.get(_path(link))
    assert picker.status_code == 200 and "BUILDIUM" in picker.text and "SAMPLE1" in picker.text
    form = pm.get(_path(link) + "?vendor=BUILDIUM")
    assert 'name="clientId"' in form.text and 'name="secret" type="password"' in form.text
    assert "Buildium API key secret" in form.text  # the declared help text


def test_sample_link_completes_creates_the_integration_and_redirects_back(
    client: TestClient, pm: TestClient, customer: CustomerKey, sample_server: Any
) -> None:
    link = _link(
        client, vendor="SAMPLE1", integration_name="Demo", redirect_url="https://app.example.com/cb?a=b"
    )
    done = pm.post(_path(link), data={"baseUrl": sample_server.base_url}, follow_redirects=False)
    assert done.status_code == 303, done.text
    target = urlsplit(done.headers["location"])
    assert target.netloc == "app.example.com" and target.path == "/cb"
    query = parse_qs(target.query)
    assert query["a"] == ["b"] and query["connect_link_id"] == [link["id"]]
    integration_id = query["integration_id"][0]
    answer = client.get(f"/v1/admin/integrations/{integration_id}/")
    assert answer.status_code == 200, answer.text
    mine = answer.json()["results"]
    assert mine["name"] == "Demo" and mine["vendor"] == "SAMPLE1"
    state = client.get(f"/v1/admin/connect-links/{link['id']}/").json()["result"]
    assert state["integration_id"] == integration_id and state["used_at"] and state["url"] == ""
    again = pm.post(_path(link), data={"baseUrl": sample_server.base_url})
    assert again.status_code == 410 and "already been used" in again.text
    assert pm.get(_path(link)).status_code == 410


def test_wrong_credentials_are_refused_live_and_the_link_stays_usable(
    client: TestClient,
    pm: TestClient,
    buildium: tuple[str, dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    base_url, credentials = buildium
    link = _link(client, vendor="BUILDIUM")
    wrong = {"clientId": credentials["clientId"], "secret": "not-the-secret-Zq9", "baseUrl": base_url}
    with caplog.at_level(logging.DEBUG):
        refused = pm.post(_path(link), data=wrong)
    assert refused.status_code == 400 and "refused these credentials" in refused.text
    assert "not-the-secret-Zq9" not in refused.text  # a secret is never echoed back
    assert "not-the-secret-Zq9" not in caplog.text
    assert client.get(f"/v1/admin/connect-links/{link['id']}/").json()["result"]["used_at"] is None
    right = {**wrong, "secret": credentials["secret"], "integration_name": "Buildium HQ"}
    with caplog.at_level(logging.DEBUG):
        done = pm.post(_path(link), data=right)
    assert done.status_code == 200 and "connected" in done.text
    assert credentials["secret"] not in caplog.text and credentials["secret"] not in done.text
    integration_id = client.get(f"/v1/admin/connect-links/{link['id']}/").json()["result"]["integration_id"]
    integration = client.get(f"/v1/admin/integrations/{integration_id}/").json()["results"]
    assert integration["name"] == "Buildium HQ" and integration["vendor"] == "BUILDIUM"


def test_expired_unknown_and_foreign_links(client: TestClient, pm: TestClient, customer: CustomerKey) -> None:
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.models.console import ConnectLink

    link = _link(client)
    with unit_of_work(session_factory()) as session:
        row = session.get(ConnectLink, link["id"])
        assert row is not None
        row.expires_at = row.expires_at - timedelta(days=30)
    expired = pm.get(_path(link))
    assert expired.status_code == 410 and "expired" in expired.text
    assert pm.get("/connect/not-a-real-token").status_code == 410
    other = make_customer("Someone Else")
    foreign = client.get(f"/v1/admin/connect-links/{link['id']}/", headers=other.headers)
    assert foreign.status_code == 404


def test_a_link_creates_the_integration_for_its_own_customer_only(
    client: TestClient, pm: TestClient, sample_server: Any
) -> None:
    other = make_customer("Second Customer")
    link = _link(client, vendor="SAMPLE1")
    done = pm.post(_path(link), data={"baseUrl": sample_server.base_url})
    assert done.status_code == 200
    theirs = client.get("/v1/admin/integrations/", headers=other.headers).json()["results"]
    assert theirs == []
