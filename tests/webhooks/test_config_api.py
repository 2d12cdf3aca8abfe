"""The configuration API: the contract's shapes, customer scoping, secrets, the URL guard."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.contract import assert_matches_contract, request_schema
from tests.fixtures.api import make_customer
from tests.webhooks.conftest import create_webhook

ALL_TRIGGERS = [
    "DATA_UPDATE",
    "DATA_NEW",
    "JOB_FAILURE",
    "JOB_SUCCESS",
    "SYNC_COMPLETE",
    "FIRST_SYNC_COMPLETE",
    "WRITE_OPERATION_FAILURE",
]


@pytest.mark.contract
def test_crud_in_the_contract_shapes(client: TestClient) -> None:
    created = client.post(
        "/v1/webhooks/",
        json={
            "url": "http://127.0.0.1:9/hook",
            "triggers": ["DATA_NEW", "SYNC_COMPLETE"],
            "headers": [{"header": "x-team", "value": "billing"}],
            "model": "resident_charges",
        },
    )
    assert created.status_code == 200, created.text
    assert_matches_contract("post", "/v1/webhooks/", created.json())
    result = created.json()["result"]
    assert result["active"] is False  # the contract's default
    assert result["secret"].startswith("whsec_") and len(result["secret"]) > 30
    models = {t["trigger"]: t["model"] for t in result["triggers"]}
    assert models == {"DATA_NEW": "resident_charges", "SYNC_COMPLETE": None}
    webhook_id = result["id"]

    listed = client.get("/v1/webhooks/")
    assert_matches_contract("get", "/v1/webhooks/", listed.json())
    assert [w["id"] for w in listed.json()["results"]] == [webhook_id]
    single = client.get(f"/v1/webhooks/{webhook_id}")
    assert_matches_contract("get", "/v1/webhooks/{webhook_id}", single.json())
    # The secret is shown once: afterwards it is masked.
    assert single.json()["results"]["secret"] != result["secret"]
    assert result["secret"].endswith(single.json()["results"]["secret"][-4:])

    updated = client.put(f"/v1/webhooks/{webhook_id}", json={"triggers": ALL_TRIGGERS, "active": True})
    assert updated.status_code == 200, updated.text
    assert_matches_contract("put", "/v1/webhooks/{webhook_id}", updated.json())
    body = updated.json()["result"]
    assert sorted(t["trigger"] for t in body["triggers"]) == sorted(ALL_TRIGGERS)
    assert body["active"] is True
    assert all(t["model"] == "resident_charges" for t in body["triggers"] if t["trigger"].startswith("DATA"))

    deleted = client.delete(f"/v1/webhooks/{webhook_id}")
    assert_matches_contract("delete", "/v1/webhooks/{webhook_id}", deleted.json())
    assert deleted.json() == {"result": {"id": webhook_id}}
    assert client.get(f"/v1/webhooks/{webhook_id}").status_code == 404


@pytest.mark.contract
def test_every_trigger_of_the_contracts_enums_is_accepted(client: TestClient) -> None:
    post_enum = request_schema("post", "/v1/webhooks/")["properties"]["triggers"]["items"]["enum"]
    put_enum = request_schema("put", "/v1/webhooks/{webhook_id}")["properties"]["triggers"]["items"]["enum"]
    assert set(post_enum) | set(put_enum) <= set(ALL_TRIGGERS)
    created = create_webhook(
        client, "http://127.0.0.1:9/hook", triggers=sorted(set(post_enum) | set(put_enum))
    )
    assert len(created["triggers"]) == len(set(post_enum) | set(put_enum))


def test_a_given_secret_is_kept_and_a_put_secret_is_shown_once(client: TestClient) -> None:
    created = create_webhook(client, "http://127.0.0.1:9/hook", secret="my-own-secret-1")
    assert created["secret"] == "my-own-secret-1"
    rotated = client.put(f"/v1/webhooks/{created['id']}", json={"secret": "my-next-secret-2"})
    assert rotated.json()["result"]["secret"] == "my-next-secret-2"
    again = client.post(f"/v1/webhooks/{created['id']}/rotate-secret")
    assert again.json()["result"]["secret"].startswith("whsec_")
    assert client.get(f"/v1/webhooks/{created['id']}").json()["results"]["secret"].startswith("whsec_…")
    short = client.put(f"/v1/webhooks/{created['id']}", json={"secret": "short"})
    assert short.status_code == 400


def test_webhooks_are_scoped_to_their_customer(app: FastAPI, client: TestClient) -> None:
    mine = create_webhook(client, "http://127.0.0.1:9/hook")
    other = make_customer("Someone Else")
    with TestClient(app, headers=other.headers) as theirs:
        assert theirs.get("/v1/webhooks/").json()["results"] == []
        assert theirs.get(f"/v1/webhooks/{mine['id']}").status_code == 404
        assert theirs.put(f"/v1/webhooks/{mine['id']}", json={"active": False}).status_code == 404
        assert theirs.delete(f"/v1/webhooks/{mine['id']}").status_code == 404
        assert theirs.get(f"/v1/webhooks/{mine['id']}/deliveries").status_code == 404
    assert client.get(f"/v1/webhooks/{mine['id']}").json()["results"]["active"] is True


def test_active_filter_and_validation(client: TestClient) -> None:
    on = create_webhook(client, "http://127.0.0.1:9/on")
    off = create_webhook(client, "http://127.0.0.1:9/off", active=False)
    assert [w["id"] for w in client.get("/v1/webhooks/?active=true").json()["results"]] == [on["id"]]
    assert [w["id"] for w in client.get("/v1/webhooks/?active=false").json()["results"]] == [off["id"]]
    assert len(client.get("/v1/webhooks/").json()["results"]) == 2
    for bad in (
        {"url": "http://127.0.0.1:9/x", "triggers": []},
        {"url": "http://127.0.0.1:9/x", "triggers": ["NOPE"]},
        {"url": "http://127.0.0.1:9/x", "triggers": ["DATA_NEW"], "model": "spaceships"},
        {"url": "ftp://127.0.0.1/x", "triggers": ["DATA_NEW"]},
        {"url": "http://user:pw@127.0.0.1:9/x", "triggers": ["DATA_NEW"]},
        {"triggers": ["DATA_NEW"]},
    ):
        response = client.post("/v1/webhooks/", json=bad)
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["error"]["code"] == "invalid_request"


def test_private_and_plain_http_urls_are_refused_when_not_allowed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmsgate.config import get_settings

    monkeypatch.setattr(get_settings(), "allow_private_webhook_urls", False)
    for url in (
        "http://127.0.0.1:9/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/x",
    ):
        response = client.post("/v1/webhooks/", json={"url": url, "triggers": ["DATA_NEW"]})
        assert response.status_code == 400, url
        assert response.json()["error"]["details"]["issues"][0]["path"] == ["url"]
