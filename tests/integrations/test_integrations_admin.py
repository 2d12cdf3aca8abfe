from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmsgate.kit.dispatch import RecordingDispatcher
from tests.fixtures.api import make_customer

SAMPLE = {"integration_vendor": "SAMPLE1", "name": "Oak Street", "credentials": {}}


def create(client: TestClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/v1/admin/integrations/", json={**SAMPLE, **overrides})
    assert response.status_code == 200, response.text
    return response.json()["result"]


def test_create_returns_the_contract_shape_without_credentials(client: TestClient) -> None:
    result = create(client, credentials={"username": "u", "password": "hunter2-secret"})
    assert result["id"].startswith("intg_")
    assert result["vendor"] == "SAMPLE1"
    assert result["sync_frequency"] == 12 and result["sync_cadence"] == "HOUR"
    assert result["active"] is False
    assert "credentials" not in result
    body = client.get(f"/v1/admin/integrations/{result['id']}/").text
    assert "hunter2-secret" not in body


def test_credentials_are_encrypted_at_rest(client: TestClient) -> None:
    from pmsgate.kit.db import session_factory
    from pmsgate.models.integrations import Integration

    result = create(client, credentials={"username": "u", "password": "hunter2-secret"})
    with session_factory()() as session:
        row = session.get(Integration, result["id"])
        assert row is not None
        assert "hunter2" not in row.credentials_encrypted


def test_an_active_integration_starts_its_first_sync_at_once(
    client: TestClient, dispatcher: RecordingDispatcher
) -> None:
    result = create(client, active=True)
    assert len(dispatcher.sync_runs) == 1
    detail = client.get(f"/v1/admin/integrations/{result['id']}/").json()["results"]
    assert detail["is_running_sync"] is True


def test_an_inactive_integration_does_not_sync(client: TestClient, dispatcher: RecordingDispatcher) -> None:
    create(client)
    assert dispatcher.sync_runs == []


def test_bad_bodies_name_the_field(client: TestClient) -> None:
    cases = [
        ({"integration_vendor": "NOPE"}, ["integration_vendor"]),
        ({"name": ""}, ["name"]),
        ({"sync_frequency": 0}, ["sync_frequency"]),
        ({"max_job_concurrency": 101}, ["max_job_concurrency"]),
        ({"credentials": {"unknownField": "x"}}, ["credentials", "unknownField"]),
        ({"surprise": 1}, ["surprise"]),
        (
            {"integration_vendor": "MRI", "credentials": {"apiKey": "k", "companyId": "c"}},
            ["integration_vendor"],
        ),
        ({"credentials": {"baseUrl": "ftp://example.com"}}, ["credentials", "baseUrl"]),
        ({"use_custom_sync_schedule": True}, ["custom_sync_schedule"]),
    ]
    for overrides, path in cases:
        response = client.post("/v1/admin/integrations/", json={**SAMPLE, **overrides})
        assert response.status_code == 400, (overrides, response.text)
        error = response.json()["error"]
        paths = [issue["path"] for issue in error["details"]["issues"]]
        assert path in paths, (overrides, paths)


def test_missing_required_fields_are_named(client: TestClient) -> None:
    response = client.post("/v1/admin/integrations/", json={"name": "x"})
    assert response.status_code == 400
    paths = {tuple(i["path"]) for i in response.json()["error"]["details"]["issues"]}
    assert {("integration_vendor",), ("credentials",)} <= paths


def test_list_get_update_delete(client: TestClient) -> None:
    first = create(client, name="A")
    create(client, name="B")
    listing = client.get("/v1/admin/integrations/", params={"order-by": "name:asc"}).json()
    assert [i["name"] for i in listing["results"]] == ["A", "B"]
    assert listing["meta"]["total"] == 2 and listing["meta"]["orderBy"] == [{"name": "asc"}]

    updated = client.put(f"/v1/admin/integrations/{first['id']}/", json={"sync_frequency": 6, "name": "A2"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["result"]["sync_frequency"] == 6
    schedules = client.get(f"/v1/admin/integrations/{first['id']}/job-schedules/").json()["results"]
    assert schedules[0]["sync_frequency"] == 6

    assert client.delete(f"/v1/admin/integrations/{first['id']}/").json() == {"success": True}
    assert client.get(f"/v1/admin/integrations/{first['id']}/").status_code == 404
    assert [i["name"] for i in client.get("/v1/admin/integrations/").json()["results"]] == ["B"]
    archived = client.get("/v1/admin/integrations/", params={"is_archived": "true"}).json()["results"]
    assert {i["name"] for i in archived} == {"A2", "B"}


def test_vendor_cannot_change_and_nulls_are_refused(client: TestClient) -> None:
    created = create(client)
    response = client.put(f"/v1/admin/integrations/{created['id']}/", json={"integration_vendor": "SAMPLE2"})
    assert response.status_code == 400
    response = client.put(f"/v1/admin/integrations/{created['id']}/", json={"active": None})
    assert response.status_code == 400


def test_other_customers_integrations_are_invisible(app: FastAPI, client: TestClient) -> None:
    created = create(client)
    intruder = make_customer("Intruder")
    with TestClient(app, headers=intruder.headers) as other:
        assert other.get(f"/v1/admin/integrations/{created['id']}/").status_code == 404
        assert other.put(f"/v1/admin/integrations/{created['id']}/", json={"name": "x"}).status_code == 404
        assert other.delete(f"/v1/admin/integrations/{created['id']}/").status_code == 404
        assert other.post(f"/v1/admin/integrations/{created['id']}/manual-sync").status_code == 404
        assert other.get("/v1/admin/integrations/").json()["results"] == []


def test_manual_and_back_sync_queue_one_run_at_a_time(
    client: TestClient, dispatcher: RecordingDispatcher
) -> None:
    created = create(client)
    response = client.post(
        f"/v1/admin/integrations/{created['id']}/manual-sync", json={"models_to_sync": ["leases"]}
    )
    assert response.json() == {"result": {"success": True}}
    assert client.post(f"/v1/admin/integrations/{created['id']}/back-sync").status_code == 200
    assert len(dispatcher.sync_runs) == 1  # the second request found the live run


def test_unknown_models_to_sync_are_refused(client: TestClient) -> None:
    created = create(client)
    response = client.post(
        f"/v1/admin/integrations/{created['id']}/manual-sync", json={"models_to_sync": ["pets"]}
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["issues"][0]["path"] == ["models_to_sync", 0]


def test_custom_schedule_is_validated(client: TestClient) -> None:
    schedule = {
        "type": "WEEK_BASED",
        "timezone": "America/Chicago",
        "interval": {
            "MONDAY": {
                "slots": [{"start": "09:00", "end": "08:00", "sync_frequency": 1, "sync_cadence": "HOUR"}]
            }
        },
    }
    response = client.post(
        "/v1/admin/integrations/",
        json={**SAMPLE, "custom_sync_schedule": schedule, "use_custom_sync_schedule": True},
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["issues"][0]["path"][-1] == "end"


def test_data_access_check_is_queued(client: TestClient, dispatcher: RecordingDispatcher) -> None:
    created = create(client)
    began = client.post(f"/v1/admin/integrations/{created['id']}/data-access")
    assert began.json() == {"result": {"began_data_access": True}}
    assert dispatcher.data_access_checks == [created["id"]]
    info = client.get(f"/v1/admin/integrations/{created['id']}/data-access").json()["result"]
    assert info["data_access_check_in_process"] is True


def test_order_by_outside_the_whitelist_is_refused(client: TestClient) -> None:
    response = client.get("/v1/admin/integrations/", params={"order-by": "credentials_encrypted:asc"})
    assert response.status_code == 400
    assert response.json()["error"]["details"]["issues"][0]["path"] == ["order-by"]
