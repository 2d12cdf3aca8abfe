"""The Buildium emulator: auth, paging, filters, writes and faults, plus contract checks of its
answers and of the connector's request bodies against Buildium's published OpenAPI."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache
from typing import Any

import pytest
from starlette.testclient import TestClient

import pmsgate.connectors.buildium  # registers BUILDIUM
import pmsgate.emulators.buildium.definition  # noqa: F401  (registers the emulator)
from pmsgate.connectors.buildium.writes import native_body
from pmsgate.connectors.writes import WriteOperation, WriteRequest
from pmsgate.emulators.buildium import DEFAULT_KEY, create_buildium_app
from pmsgate.emulators.buildium.seed import BASE
from pmsgate.emulators.seeding import month_start
from tests.contract import SHARED, require_reference

SPEC = SHARED / "reference" / "vendors" / "buildium" / "buildium-openapi.json"
HEADERS = {"x-buildium-client-id": DEFAULT_KEY.client_id, "x-buildium-client-secret": DEFAULT_KEY.secret}
# Dates in the seed's calendar: its anchor is the first of this month (seed.BASE) and its ledger
# ends the month before; writes are dated after it.
ANCHOR = BASE.date()
WRITTEN = (ANCHOR + timedelta(days=4)).isoformat()


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_buildium_app(records=12, seed=2, requests_per_second=None), headers=HEADERS)


@lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(require_reference(SPEC).read_text())
    return loaded


def _validator(schema: dict[str, Any]) -> Any:
    from openapi_schema_validator import OAS30Validator

    # Only the operation's schema plus the components it references: never a copy of the spec.
    return OAS30Validator({**schema, "components": _spec()["components"]})


def assert_response_matches(method: str, path: str, status: str, body: Any) -> None:
    content = _spec()["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    errors = list(_validator(content).iter_errors(body))
    assert not errors, f"{method} {path}: {errors[0].message[:300]}"


def assert_request_matches(path: str, body: Any) -> None:
    schema = _spec()["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    errors = list(_validator(schema).iter_errors(body))
    assert not errors, f"POST {path}: {errors[0].message[:300]}"


def test_wrong_or_missing_key_is_401_in_buildiums_shape(client: TestClient) -> None:
    response = client.get("/v1/rentals", headers={"x-buildium-client-secret": "nope"})
    assert response.status_code == 401
    assert set(response.json()) == {"UserMessage", "ErrorCode", "Errors"}


def test_paging_total_and_limits(client: TestClient) -> None:
    first = client.get("/v1/leases/tenants", params={"limit": 5, "offset": 0})
    assert first.status_code == 200 and len(first.json()) == 5
    total = int(first.headers["X-Total-Count"])
    last = client.get("/v1/leases/tenants", params={"limit": 5, "offset": total - 2}).json()
    assert len(last) == 2
    assert client.get("/v1/rentals", params={"limit": 1001}).status_code == 400
    assert client.get("/v1/Rentals").status_code == 404  # paths are case-sensitive


def test_date_filters(client: TestClient) -> None:
    lease_id = client.get("/v1/leases").json()[0]["Id"]
    last_month = month_start(ANCHOR, 1).isoformat()  # the ledger's last month
    rows = client.get(
        f"/v1/leases/{lease_id}/transactions",
        params={
            "transactiondatefrom": last_month,
            "transactiondateto": (month_start(ANCHOR, -6) - timedelta(days=1)).isoformat(),
            "transactiontypes": "Payment",
            "limit": 1000,
        },
    ).json()
    assert rows and all(r["Date"] >= last_month and r["TransactionTypeEnum"] == "Payment" for r in rows)
    # Buildium refuses a range of more than 365 days; a start alone runs to today.
    for span in (
        {"transactiondatefrom": "2024-01-01", "transactiondateto": "2025-01-02"},
        {"transactiondatefrom": "2020-01-01"},
    ):
        refused = client.get(f"/v1/leases/{lease_id}/transactions", params=span)
        assert refused.status_code == 422 and refused.json()["ErrorCode"] == "ValidationError"
    assert client.get("/v1/leases", params={"lastupdatedfrom": "2019-01-01T00:00:00Z"}).status_code == 422
    year = {"lastupdatedfrom": "2019-01-01T00:00:00Z", "lastupdatedto": "2019-12-31T23:59:59Z"}
    assert client.get("/v1/leases", params=year).status_code == 200
    anchor = BASE.strftime("%Y-%m-%dT%H:%M:%SZ")  # nothing seeded was updated since the anchor
    assert client.get("/v1/leases", params={"lastupdatedfrom": anchor}).json() == []
    assert client.get("/v1/leases", params={"lastupdatedfrom": "garbage"}).status_code == 400


def test_writes_validate_and_store(client: TestClient) -> None:
    lease_id = client.get("/v1/leases").json()[0]["Id"]
    bad = client.post(
        f"/v1/leases/{lease_id}/charges",
        json={"Date": WRITTEN, "Lines": [{"Amount": 10, "GLAccountId": 999}]},
    )
    assert bad.status_code == 400 and bad.json()["Errors"][0]["Key"] == "Lines[0].GLAccountId"
    made = client.post(
        f"/v1/leases/{lease_id}/charges",
        json={
            "Date": WRITTEN,
            "Lines": [{"Amount": 10.5, "GLAccountId": 4000, "ReferenceNumber": "X-1"}],
        },
    )
    assert made.status_code == 201 and isinstance(made.json(), list)
    txn_id = made.json()[0]["Id"]
    assert client.get(f"/v1/leases/{lease_id}/transactions/{txn_id}").json()["TotalAmount"] == 10.5
    assert client.post("/v1/leases/1/charges", json={}).status_code == 404


def test_faults_429_and_write_stored_but_500(client: TestClient) -> None:
    client.post("/_control/faults", json={"rate_limit_burst": 1, "fail_writes_after_commit": 1})
    assert client.get("/v1/rentals").status_code == 429
    lease_id = client.get("/v1/leases").json()[0]["Id"]
    lost = client.post(
        f"/v1/leases/{lease_id}/payments",
        json={
            "Date": WRITTEN,
            "PaymentMethod": "Cash",
            "SendEmailReceipt": False,
            "ReferenceNumber": "LOST-1",
            "Lines": [{"Amount": 5, "GLAccountId": 4000}],
        },
    )
    assert lost.status_code == 500
    rows = client.get(f"/v1/leases/{lease_id}/transactions", params={"limit": 1000}).json()
    assert any(line["ReferenceNumber"] == "LOST-1" for r in rows for line in r["Journal"]["Lines"])


def test_emulator_answers_match_buildiums_spec(client: TestClient) -> None:
    for path in (
        "/v1/rentals",
        "/v1/rentals/units",
        "/v1/leases/tenants",
        "/v1/leases",
        "/v1/glaccounts",
        "/v1/leases/recurringtransactions",
    ):
        assert_response_matches("get", path, "200", client.get(path, params={"limit": 1000}).json())
    lease_id = client.get("/v1/leases").json()[0]["Id"]
    assert_response_matches(
        "get",
        "/v1/leases/{leaseId}/transactions",
        "200",
        client.get(f"/v1/leases/{lease_id}/transactions").json(),
    )
    recurring = client.post(
        f"/v1/leases/{lease_id}/recurringcharges",
        json={
            "GLAccountId": 4000,
            "Amount": 25,
            "FirstOccurrenceDate": month_start(ANCHOR, -2).isoformat(),
            "PostDaysInAdvance": 0,
            "Frequency": "Monthly",
        },
    )
    assert_response_matches("post", "/v1/leases/{leaseId}/recurringcharges", "201", recurring.json())
    error = client.get("/v1/rentals", headers={"x-buildium-client-id": "x"})
    assert_response_matches("get", "/v1/rentals", "401", error.json())


@pytest.mark.parametrize(
    "operation",
    [
        op
        for op in WriteOperation
        if op.name.startswith("CREATE_R") and op is not WriteOperation.CREATE_RESIDENT_CHARGE_BATCH
    ],
)
def test_connector_request_bodies_match_buildiums_spec(client: TestClient, operation: WriteOperation) -> None:
    fields = {
        "x_lease_id": "30001",
        "x_financial_account_id": "4000",
        "amount_in_cents": 12345,
        "transaction_date": f"{month_start(ANCHOR, -1) + timedelta(days=2)}T00:00:00.000Z",
        "start_date": month_start(ANCHOR, -2).isoformat(),
        "frequency_normalized": "MONTHLY",
        "payment_type": "Cash",
        "send_email_receipt": True,
        "x_resident_id": "20001",
        "description": "hello",
        "reference_number": "R-1",
    }
    body = native_body(WriteRequest(operation, fields, "PMSG-0123456789ABCDEF"))
    path = {
        "CREATE_RESIDENT_CHARGE": "charges",
        "CREATE_RESIDENT_CREDIT": "credits",
        "CREATE_RESIDENT_PAYMENT": "payments",
        "CREATE_RECURRING_CHARGE": "recurringcharges",
    }[operation.value]
    assert_request_matches(f"/v1/leases/{{leaseId}}/{path}", body)
    answer = client.post(f"/v1/leases/30001/{path}", json=body)
    assert answer.status_code == 201, answer.text
