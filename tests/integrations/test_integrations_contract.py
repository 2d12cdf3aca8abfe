"""Admin responses validated against the published contract, with synced data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmsgate.integrations.tasks import check_data_access
from pmsgate.kit.dispatch import RecordingDispatcher
from tests.contract import assert_matches_contract
from tests.fixtures.sample import Served, SyncedIntegration, run_queued_syncs

pytestmark = pytest.mark.contract


@pytest.fixture
def admin(app: FastAPI, synced: SyncedIntegration) -> Iterator[TestClient]:
    with TestClient(app, headers=synced.customer.headers) as client:
        yield client


def test_integration_crud_shapes(client: TestClient, sample_server: Served) -> None:
    created = client.post(
        "/v1/admin/integrations/",
        json={
            "integration_vendor": "SAMPLE1",
            "name": "Contract",
            "credentials": {"baseUrl": sample_server.base_url},
        },
    )
    assert_matches_contract("post", "/v1/admin/integrations/", created.json())
    integration_id = created.json()["result"]["id"]
    assert_matches_contract("get", "/v1/admin/integrations/", client.get("/v1/admin/integrations/").json())
    single = client.get(f"/v1/admin/integrations/{integration_id}/")
    assert_matches_contract("get", "/v1/admin/integrations/{integration_id}/", single.json())
    updated = client.put(
        f"/v1/admin/integrations/{integration_id}/", json={"name": "Renamed", "active": False}
    )
    assert_matches_contract("put", "/v1/admin/integrations/{integration_id}/", updated.json())
    for verb in ("manual-sync", "back-sync"):
        response = client.post(f"/v1/admin/integrations/{integration_id}/{verb}")
        assert_matches_contract("post", f"/v1/admin/integrations/{{integration_id}}/{verb}", response.json())
    began = client.post(f"/v1/admin/integrations/{integration_id}/data-access")
    assert_matches_contract("post", "/v1/admin/integrations/{integration_id}/data-access", began.json())
    check_data_access(integration_id)  # the worker's task, for real, against the sample PMS
    info = client.get(f"/v1/admin/integrations/{integration_id}/data-access")
    assert_matches_contract("get", "/v1/admin/integrations/{integration_id}/data-access", info.json())
    models = info.json()["result"]["models"]
    assert models["resident_charges"]["read"] == {"status": "SUCCESS", "error_message": None}
    assert set(models) >= {"properties", "leases", "resident_payments"}
    single = client.get(f"/v1/admin/integrations/{integration_id}/")
    assert_matches_contract("get", "/v1/admin/integrations/{integration_id}/", single.json())
    enabled = single.json()["results"]["models"]
    assert enabled["resident_charges"] == {"enabled": True, "from_interfaces": []}
    schedules = client.get(f"/v1/admin/integrations/{integration_id}/job-schedules/")
    assert_matches_contract("get", "/v1/admin/integrations/{integration_id}/job-schedules/", schedules.json())
    schedule_id = schedules.json()["results"][0]["id"]
    schedule = client.get(f"/v1/admin/integrations/{integration_id}/job-schedules/{schedule_id}/")
    assert_matches_contract(
        "get", "/v1/admin/integrations/{integration_id}/job-schedules/{job_schedule_id}/", schedule.json()
    )
    assert client.get(f"/v1/admin/integrations/{integration_id}/job-schedules/sched_nope/").status_code == 404
    deleted = client.delete(f"/v1/admin/integrations/{integration_id}/")
    assert_matches_contract("delete", "/v1/admin/integrations/{integration_id}/", deleted.json())


def test_property_configurations(
    admin: TestClient, synced: SyncedIntegration, dispatcher: RecordingDispatcher
) -> None:
    path = f"/v1/admin/integrations/{synced.integration_id}/properties"
    listing = admin.get(path)
    assert_matches_contract("get", "/v1/admin/integrations/{integration_id}/properties", listing.json())
    configurations = listing.json()["results"]
    properties = admin.get("/v1/properties/", params={"integration_id": synced.integration_id}).json()[
        "results"
    ]
    assert {c["property_id"] for c in configurations} == {p["id"] for p in properties}
    target = configurations[0]
    try:
        disabled = admin.put(f"{path}/{target['id']}", json={"enabled": False})
        assert disabled.status_code == 200
        assert_matches_contract(
            "put",
            "/v1/admin/integrations/{integration_id}/properties/{property_configuration_id}",
            disabled.json(),
        )
        assert disabled.json()["results"]["enabled"] is False
        resync = admin.put(
            f"{path}/{target['id']}", json={"enabled": True, "trigger_integration_resync": True}
        )
        assert "resync" in resync.json()["results"]["additional_message"]
        assert len(dispatcher.sync_runs) == 1
        assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    finally:
        admin.put(f"{path}/{target['id']}", json={"enabled": True})
    assert admin.put(f"{path}/pcfg_nope", json={"enabled": False}).status_code == 404
    assert admin.put(f"{path}/{target['id']}", json={"enabled": "maybe"}).status_code == 400


def test_sync_runs_report_counts(admin: TestClient, synced: SyncedIntegration) -> None:
    runs = admin.get(
        f"/v1/admin/integrations/{synced.integration_id}/sync-runs/", params={"order-by": "created_at:asc"}
    )
    assert runs.status_code == 200, runs.text
    first = runs.json()["results"][0]
    assert first["kind"] == "FIRST" and first["status"] == "COMPLETED"
    assert first["counts"]["properties"]["new"] > 0
    assert first["successful_job_count"] == len(first["models"])
