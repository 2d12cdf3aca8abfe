"""The Propertyware emulator and the connector's request bodies against Propertyware's own
OpenAPI document (`../shared/reference/vendors/propertyware/`), one operation at a time.

The spec's schemas do not forbid extra properties, so each test also checks that the emulator
emits no field the schema does not declare."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache
from typing import Any

import pytest
from starlette.testclient import TestClient

import pmsgate.connectors.propertyware  # noqa: F401  (registers PROPERTYWARE_REST)
from pmsgate.connectors.propertyware.writes import native_body
from pmsgate.connectors.writes import WriteOperation, WriteRequest
from pmsgate.emulators.propertyware import BASE_PATH, PwStore, create_propertyware_app
from pmsgate.emulators.propertyware.wire import BASE
from pmsgate.emulators.seeding import month_start
from tests.contract import SHARED, require_reference

SPEC = SHARED / "reference" / "vendors" / "propertyware" / "propertyware-openapi.json"
LISTS = {
    "/buildings": "Building",
    "/units": "Unit",
    "/contacts": "Contact",
    "/leases": "Lease",
    "/accounting/glaccounts": "Account",
    "/leases/charges": "ChargeTx",
    "/leases/creditmemos": "CreditMemo",
    "/leases/adjustments": "Adjustment",
    "/leases/payments": "Payment",
    "/leases/autocharges": "Charge",
}
WRITES = {
    WriteOperation.CREATE_RESIDENT_CHARGE: "/leases/charges",
    WriteOperation.CREATE_RESIDENT_CHARGE_BATCH: "/leases/charges/bulk",
    WriteOperation.CREATE_RESIDENT_CREDIT: "/leases/adjustments",
    WriteOperation.CREATE_RESIDENT_PAYMENT: "/leases/payments",
    WriteOperation.CREATE_RECURRING_CHARGE: "/leases/autocharges",
}


@lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(require_reference(SPEC).read_text())
    return loaded


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = _spec()
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _errors(schema: dict[str, Any], body: Any) -> list[str]:
    from openapi_schema_validator import OAS30Validator

    # Only the operation's schema plus the components it references: never a copy of the spec.
    validator = OAS30Validator({**schema, "components": _spec()["components"]})
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(body)]


def _undeclared(name: str, record: dict[str, Any]) -> set[str]:
    return set(record) - set(_spec()["components"]["schemas"][name]["properties"])


def _response_schema(method: str, path: str, status: str) -> dict[str, Any]:
    response = _resolve(_spec()["paths"][path][method]["responses"][status])
    return dict(response["content"]["application/json"]["schema"])


def _request_schema(path: str) -> dict[str, Any]:
    body = _resolve(_spec()["paths"][path]["post"]["requestBody"])
    return dict(body["content"]["application/json"]["schema"])


@pytest.fixture(scope="module")
def client() -> TestClient:
    from pmsgate.emulators.propertyware import DEFAULT_KEY

    headers = {
        "x-propertyware-client-id": DEFAULT_KEY.client_id,
        "x-propertyware-client-secret": DEFAULT_KEY.client_secret,
        "x-propertyware-system-id": DEFAULT_KEY.system_id,
    }
    return TestClient(create_propertyware_app(records=25, seed=2), base_url="http://pw", headers=headers)


@pytest.mark.parametrize("path", list(LISTS))
def test_list_responses_match_the_spec(client: TestClient, path: str) -> None:
    response = client.get(BASE_PATH + path, params={"limit": 500})
    assert response.status_code == 200
    assert not _errors(_response_schema("get", path, "200"), response.json())
    assert not set().union(*(_undeclared(LISTS[path], r) for r in response.json()))


def test_error_responses_match_the_spec(client: TestClient) -> None:
    refused = client.get(BASE_PATH + "/buildings", headers={"x-propertyware-client-secret": "nope"})
    assert refused.status_code == 401
    assert not _errors(_response_schema("get", "/buildings", "401"), refused.json())
    bad = client.post(BASE_PATH + "/leases/charges", json={"amount": 1})
    assert bad.status_code == 400 and not _errors(
        _response_schema("post", "/leases/charges", "400"), bad.json()
    )


def _write(store: PwStore, operation: WriteOperation) -> WriteRequest:
    lease = next(x for x in store.rows("leases") if x["status"] == "Active")
    rent, bank = (store.where("glaccounts", accountNumber=n)[0]["id"] for n in ("4000", "1000"))
    fields: dict[str, Any] = {
        "x_lease_id": str(lease["id"]),
        "x_resident_id": str(lease["contacts"][0]["id"]),
        "x_financial_account_id": str(bank if operation is WriteOperation.CREATE_RESIDENT_PAYMENT else rent),
        "amount_in_cents": 12345,
        "transaction_date": f"{BASE.date() + timedelta(days=4)}T00:00:00.000Z",
        "description": "Contract check",
        "reference_number": "REF-1",
        "payment_type": "Cashiers Check",
        "charge_due_day": 5,
        "start_date": str(month_start(BASE.date(), -1)),  # next month, for a year
        "end_date": str(month_start(BASE.date(), -13) - timedelta(days=1)),
        "frequency_normalized": "MONTHLY",
    }
    if operation is WriteOperation.CREATE_RESIDENT_CHARGE_BATCH:
        fields = {"items": [fields, {**fields, "reference_number": None}]}
    return WriteRequest(operation=operation, fields=fields, marker="PMSG-CONTRACT0001")


@pytest.mark.parametrize("operation", list(WRITES))
def test_connector_bodies_and_emulator_answers_match_the_spec(
    client: TestClient, operation: WriteOperation
) -> None:
    store: PwStore = client.app.state.store  # type: ignore[attr-defined]
    path = WRITES[operation]
    body = native_body(_write(store, operation))
    assert not _errors(_request_schema(path), body)
    response = client.post(BASE_PATH + path, json=body)
    assert response.status_code == 201, response.text
    assert not _errors(_response_schema("post", path, "201"), response.json())
