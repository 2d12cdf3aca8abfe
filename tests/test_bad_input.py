"""Bad input is a 4xx naming the field, never a 500, on both databases: NUL characters in path
ids, query parameters and JSON bodies, non-integers and huge integers where integers are
required, over-long Idempotency-Keys on every write path, over-size chunked bodies; and 400s
carry Propexo's documented error shape as well as pmsgate's own issues."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.contract import assert_matches_contract
from tests.fixtures.sample import SyncedIntegration
from tests.records.test_reads import RESOURCES


@pytest.fixture
def reader(app: FastAPI, synced: SyncedIntegration) -> Iterator[TestClient]:
    with TestClient(app, headers=synced.customer.headers) as client:
        yield client


def _fields(response: Any) -> list[list[Any]]:
    return [issue["path"] for issue in response.json()["error"]["details"]["issues"]]


@pytest.mark.parametrize("path", list(RESOURCES.values()))
def test_nul_in_a_path_id_is_a_400_naming_it(reader: TestClient, path: str) -> None:
    param = path.split("{")[1].rstrip("}")
    response = reader.get(path.split("{")[0] + "rec%00x")
    assert response.status_code == 400, response.text
    assert _fields(response) == [[param]]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/admin/integrations/intg%00x",
        "/v1/admin/write-status/job%00x",
        "/v1/admin/job-logs/log%00x/",
        "/v1/admin/integrations/intg%00x/sync-runs/",
    ],
)
def test_nul_in_admin_path_ids_is_a_400(reader: TestClient, path: str) -> None:
    assert reader.get(path).status_code == 400


@pytest.mark.parametrize("param", ["x_id", "integration_id", "order-by", "property_id"])
def test_nul_in_a_query_parameter_is_a_400_naming_it(reader: TestClient, param: str) -> None:
    response = reader.get("/v1/units/", params={param: "a\x00b"})
    assert response.status_code == 400, response.text
    assert _fields(response) == [[param]]


def test_nul_in_a_json_body_is_a_400_naming_where(reader: TestClient, synced: SyncedIntegration) -> None:
    body = {"integration_id": synced.integration_id, "description": "rent\x00", "amount_in_cents": 100}
    response = reader.post("/v1/resident-charges/", json=body)
    assert response.status_code == 400 and _fields(response) == [["description"]], response.text
    created = reader.post(
        "/v1/admin/integrations/",
        json={"integration_vendor": "SAMPLE1", "name": "x", "credentials": {"password": "a\x00"}},
    )
    assert created.status_code == 400 and _fields(created) == [["credentials", "password"]], created.text
    key = reader.post(
        "/v1/admin/integrations/",
        json={"integration_vendor": "SAMPLE1", "name": "x", "credentials": {"pass\x00": "a"}},
    )
    assert key.status_code == 400 and _fields(key) == [["credentials", "pass\x00"]], key.text


@pytest.mark.parametrize("value", [True, False, "100", 100.5, 2**31, -(2**31), 2**63, 10**40])
def test_amounts_are_strict_bounded_integers(
    reader: TestClient, synced: SyncedIntegration, value: Any
) -> None:
    body = {"integration_id": synced.integration_id, "amount_in_cents": value}
    for path in ("/v1/resident-charges/", "/v1/resident-payments/", "/v1/resident-credits/"):
        response = reader.post(path, json=body)
        assert response.status_code == 400, (path, value, response.text)
        assert ["amount_in_cents"] in _fields(response), response.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sync_frequency", 2**63),
        ("sync_frequency", "12"),
        ("max_job_concurrency", True),
        ("max_request_frequency", 1e300),
        ("active", "yes"),
    ],
)
def test_integration_numbers_and_flags_are_strict_and_bounded(
    reader: TestClient, field: str, value: Any
) -> None:
    body = {"integration_vendor": "SAMPLE1", "name": "x", "credentials": {}, field: value}
    response = reader.post("/v1/admin/integrations/", json=body)
    assert response.status_code == 400, response.text
    assert [field] in _fields(response)


@pytest.mark.parametrize(
    "path",
    ["/v1/resident-charges/", "/v1/resident-charges/sample1/", "/v1/resident-charges/batch/rentmanager/"],
)
def test_over_long_idempotency_keys_are_refused_on_every_write_path(
    reader: TestClient, synced: SyncedIntegration, path: str
) -> None:
    body: dict[str, Any] = {"integration_id": synced.integration_id}
    if "batch" in path:
        body["charges"] = [{"amount_in_cents": 100}]
    response = reader.post(path, json=body, headers={"Idempotency-Key": "k" * 256})
    assert response.status_code == 400, response.text
    assert ["Idempotency-Key"] in _fields(response)


def test_a_chunked_body_over_the_limit_is_a_413(reader: TestClient, app: FastAPI) -> None:
    limit = app.state.settings.max_request_body_bytes

    def chunks() -> Iterator[bytes]:
        sent = 0
        while sent <= limit:
            yield b" " * 65536
            sent += 65536

    response = reader.post(
        "/v1/resident-charges/", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.contract
def test_a_400_has_propexos_error_shape_and_ours(reader: TestClient, synced: SyncedIntegration) -> None:
    response = reader.post(
        "/v1/resident-charges/",
        json={"integration_id": synced.integration_id, "foo": 1, "amount_in_cents": "1"},
    )
    assert response.status_code == 400
    body = response.json()
    assert_matches_contract("post", "/v1/resident-charges/", body, status="400")
    zod = body["error"]["details"]["details"]
    assert zod["name"] == "ZodError"
    assert {
        "code": "unrecognized_keys",
        "keys": ["foo"],
        "path": [],
        "message": "Unrecognized key(s) in object: 'foo'",
    } in zod["issues"]
    assert any(i["code"] == "invalid_type" and i["path"] == ["amount_in_cents"] for i in zod["issues"])
    assert ["foo"] in _fields(response) and ["amount_in_cents"] in _fields(response)


@pytest.mark.parametrize(
    "path",
    ["/v1/admin/logs/writes/", "/v1/admin/logs/jobs/", "/v1/admin/data-diffs/", "/v1/admin/integrations/"],
)
def test_admin_list_offsets_are_bounded(reader: TestClient, path: str) -> None:
    response = reader.get(path, params={"offset": 2**63})
    assert response.status_code == 400, response.text
    assert ["offset"] in _fields(response)


def test_a_webhook_url_longer_than_its_column_is_a_400(reader: TestClient) -> None:
    url = "https://example.com/" + "a" * 1990
    response = reader.post("/v1/webhooks/", json={"url": url, "triggers": ["DATA_NEW"]})
    assert response.status_code == 400, response.text
    assert ["url"] in _fields(response)
