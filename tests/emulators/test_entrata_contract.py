"""The Entrata emulator's method declarations, its answers, and the connector's requests against
the derived method table (`../shared/reference/vendors/entrata/entrata-methods-derived.json`,
read here, never copied into the project).

Where pmsgate sends more than the table lists, the param is named in EXTENSIONS with the reason
(each comes from public client code or Propexo's Entrata pages); the table types every amount as
an integer, but Entrata's amounts carry cents, so MONEY params may be decimals."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

import pmsgate.connectors.entrata  # noqa: F401  (registers ENTRATA)
from pmsgate.canonical.enums import Vendor
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.entrata.connector import EntrataConnector
from pmsgate.connectors.entrata.streams import STREAMED
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.throttle import RequestBudget, TokenBucket
from pmsgate.connectors.writes import WriteOperation, WriteRequest
from pmsgate.emulators.entrata import BASE_PATH, DEFAULT_KEY, create_entrata_app
from pmsgate.emulators.entrata.methods import METHODS
from pmsgate.emulators.entrata.seed import ANCHOR
from pmsgate.emulators.seeding import month_start
from tests.contract import SHARED, require_reference

TABLE = SHARED / "reference" / "vendors" / "entrata" / "entrata-methods-derived.json"
EXTENSIONS: dict[str, dict[str, str]] = {
    "sendLeaseArTransactions": {
        "transaction": "public client code sends the items as params.transaction[] (the table flattens them)",
        "description": "Propexo requires a description; public client code sends it per transaction",
        "isApprovalRequired": "Propexo's is_approval_required (name inferred)",
    },
    "sendScheduledCharges": {
        "endDate": "Propexo sends end_date as MM/DD/YYYY",
        "lastPostedDate": "Propexo sends last_posted_date as MM/DD/YYYY",
        "monthToMonthAmount": "Propexo's month_to_month_amount_in_cents",
        "monthToMonthFee": "Propexo's month_to_month_fee_in_cents",
        "description": "Propexo's description (carries pmsgate's marker)",
    },
}
MONEY = {"transactionAmount", "amount", "monthToMonthAmount", "monthToMonthFee"}
TEXT_IDS = {"transactionId"}  # typed integer in the table; public clients send text references
DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
KIND_OF_TYPE = {"StrictInt": {"int", "ids", "flag", "number"}, "StrictStr": {"text", "ids", "month"}}


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    methods: dict[str, Any] = json.loads(require_reference(TABLE).read_text())["methods"]
    return methods


def _entry(name: str, version: str) -> dict[str, Any]:
    for key in (name + version.upper(), name):
        if key in _table():
            entry: dict[str, Any] = _table()[key]
            return entry
    raise AssertionError(f"{name} {version} is not in the derived table")


def _params(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in entry["params"]}


def _type_problem(name: str, declared: str, value: Any) -> str | None:
    if name in MONEY:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"{name}: {value!r} is not an amount"
    if name in TEXT_IDS:
        return None if isinstance(value, str | int) and str(value) else f"{name}: {value!r} is empty"
    if declared == "StrictInt":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and all(p.isdigit() for p in value.split(","))
        )
        return None if ok else f"{name}: {value!r} is not an integer"
    if declared == "date":
        return (
            None if isinstance(value, str) and DATE.match(value) else f"{name}: {value!r} is not MM/DD/YYYY"
        )
    if declared == "StrictStr":
        return None if isinstance(value, str | int) and not isinstance(value, bool) else f"{name}: not text"
    return None


def request_problems(service: str, body: dict[str, Any]) -> list[str]:
    """Everything in one request body that the derived table does not allow."""
    assert body["auth"] == {"type": "apikey"} and isinstance(body["requestId"], str)
    method = body["method"]
    entry = _entry(method["name"], method["version"])
    problems = [] if entry["service"] == service else [f"{method['name']} is posted to {service}"]
    declared, extra = _params(entry), EXTENSIONS.get(method["name"], {})
    params = dict(method["params"])
    rows = params.pop("transaction") if "transaction" in extra and "transaction" in params else None
    for row in [params] if rows is None else [*rows, params]:
        if row is params and rows is not None:
            problems += [f"{method['name']}: {k} beside transaction[]" for k in row]
            continue
        problems += [
            f"{method['name']}: {k} is required"
            for k, p in declared.items()
            if p["required"] and k not in row
        ]
        for name, value in row.items():
            if name not in declared:
                if name not in extra:
                    problems.append(f"{method['name']}: {name} is not a param of the method")
                continue
            if (problem := _type_problem(name, declared[name]["type"], value)) is not None:
                problems.append(f"{method['name']}: {problem}")
    return problems


@pytest.mark.parametrize("key", sorted(METHODS), ids=lambda k: k[1])
def test_the_emulators_declarations_agree_with_the_table(key: tuple[str, str]) -> None:
    method = METHODS[key]
    for version in method.versions:
        entry = _entry(method.name, version)
        assert entry["service"] == method.service
        declared, extra = _params(entry), EXTENSIONS.get(method.name, {})
        ours = dict(method.params)
        if "transaction" in ours and "transaction" in extra:
            ours = dict(ours["transaction"].item)
        for name, param in declared.items():
            if param["required"]:
                assert name in ours and ours[name].required, f"{method.name}: {name} must be required"
        for name, param in ours.items():
            assert name in declared or name in extra, f"{method.name}: {name} is not in the table"
            if name in declared and name not in MONEY | TEXT_IDS and declared[name]["type"] in KIND_OF_TYPE:
                assert param.kind in KIND_OF_TYPE[declared[name]["type"]], (name, param.kind)
            if name in declared and declared[name]["type"] == "date" and name != "arPostMonth":
                assert param.kind == "date", name


@pytest.fixture(scope="module")
def emulator() -> Iterator[TestClient]:
    with TestClient(create_entrata_app(records=24, seed=5), base_url="http://entrata") as client:
        yield client


def _call(
    client: TestClient, service: str, name: str, version: str, params: dict[str, Any], **kw: Any
) -> Any:
    body = {
        "auth": {"type": "apikey"},
        "requestId": "41",
        "method": {"name": name, "version": version, "params": params},
    }
    headers = {"X-Api-Key": DEFAULT_KEY.api_key, **kw.pop("headers", {})}
    return client.post(f"{BASE_PATH}/{service}", json=body, headers=headers, **kw)


def _minimal(method_key: tuple[str, str], emulator: TestClient) -> dict[str, Any]:
    """Valid values for the table's required params of a read method."""
    store = emulator.app.state.store  # type: ignore[attr-defined]
    property_id = min(store.properties)
    lease_id = min(k for k, v in store.leases.items() if v["propertyId"] == property_id)
    values = {"propertyId": property_id, "propertyIds": str(property_id), "leaseId": lease_id}
    method = METHODS[method_key]
    return {n: values[n] for n, p in method.params.items() if p.required and n in values}


READS = sorted(k for k, m in METHODS.items() if not m.write)


@pytest.mark.parametrize("key", READS, ids=lambda k: k[1])
def test_each_read_answers_in_the_envelope_with_rate_limit_headers(
    emulator: TestClient, key: tuple[str, str]
) -> None:
    method = METHODS[key]
    response = _call(emulator, method.service, method.name, method.versions[-1], _minimal(key, emulator))
    assert response.status_code == 200, response.text
    body = response.json()["response"]
    assert body["requestId"] == "41" and body["code"] == 200 and isinstance(body["result"], dict)
    assert re.fullmatch(r"(\d+/(DAY|HOUR|MINUTE);?)+", response.headers["x-ratelimit-limit"])
    assert len(response.headers["x-ratelimit-reset"].split(";")) == 3


@pytest.mark.parametrize(
    ("key", "name"),
    [
        (k, p["name"])
        for k in sorted(METHODS)
        for v in METHODS[k].versions[-1:]
        for p in _table().get(k[1] + v.upper(), _table().get(k[1], {"params": []}))["params"]
        if p["required"] and not METHODS[k].write
    ]
    if TABLE.exists()
    else [],
)
def test_a_read_without_a_required_param_is_refused(
    emulator: TestClient, key: tuple[str, str], name: str
) -> None:
    method = METHODS[key]
    params = _minimal(key, emulator)
    params.pop(name, None)
    response = _call(emulator, method.service, method.name, method.versions[-1], params)
    assert response.status_code == 400
    error = response.json()["response"]["error"]
    assert error["code"] == 302 and name in error["message"]


def test_errors_use_the_envelope(emulator: TestClient) -> None:
    refused = _call(emulator, "properties", "getProperties", "r1", {}, headers={"X-Api-Key": "wrong"})
    assert refused.status_code == 401
    error = refused.json()["response"]["error"]
    assert isinstance(error["code"], int) and isinstance(error["message"], str)
    unknown = _call(emulator, "properties", "getLeases", "r2", {"propertyId": 1})
    assert unknown.status_code == 400 and unknown.json()["response"]["error"]["code"] == 301
    bad = _call(emulator, "arpayments", "getArPayments", "r1", {"fromDate": "2026-01-01"})
    assert bad.status_code == 400 and "MM/DD/YYYY" in bad.json()["response"]["error"]["message"]


def test_every_request_the_connector_sends_matches_the_table(emulator: TestClient) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    def capture(request: httpx.Request) -> None:
        sent.append((request.url.path.rsplit("/", 1)[-1], json.loads(request.content)))

    context = ConnectorContext(
        "intg_contract",
        Vendor.ENTRATA,
        f"http://entrata{BASE_PATH}",
        {"apiKey": DEFAULT_KEY.api_key, "companyId": "emulator"},
        transport=emulator._transport,
    )
    connector = EntrataConnector(context, bucket=TokenBucket(RequestBudget(10_000, 1)))
    connector.http.client.event_hooks["request"].append(capture)
    connector.check_credentials()
    connector.data_access()
    window = datetime.now(UTC) - timedelta(days=365)
    for model in STREAMED:
        for _page in connector.stream(ReadRequest(model, window_start=window, page_size=5)):
            pass
    store = emulator.app.state.store  # type: ignore[attr-defined]
    lease = next(v for v in store.leases.values() if v["status"] == "Current")
    last_month = month_start(ANCHOR, 1)  # dates in the seed's calendar (anchored this month)
    fields = {
        "x_lease_id": str(lease["id"]),
        "x_property_id": str(lease["propertyId"]),
        "x_resident_id": str(lease["customers"][0]),
        "x_charge_code_id": "103",
        "amount_in_cents": 12345,
        "transaction_date": f"{last_month + timedelta(days=4)}T00:00:00.000Z",
        "post_month": f"{last_month}T00:00:00.000Z",
        "description": "Contract check",
        "third_party_charge_id": "TP-1",
        "is_approval_required": False,
        "start_date": month_start(ANCHOR, -1).isoformat(),
        "end_date": (month_start(ANCHOR, -7) - timedelta(days=1)).isoformat(),
        "last_posted_date": ANCHOR.isoformat(),
        "month_to_month_amount_in_cents": 5000,
        "month_to_month_fee_in_cents": 2500,
        "charge_timing_id": "1",
        "charge_code_type_id": "2",
    }
    for number, operation in enumerate(
        (
            WriteOperation.CREATE_RESIDENT_CHARGE,
            WriteOperation.CREATE_RESIDENT_CREDIT,
            WriteOperation.CREATE_RECURRING_CHARGE,
        )
    ):
        request = WriteRequest(
            operation, {**fields, "third_party_charge_id": f"TP-{number}"}, f"PMSG-CONTRACT000{number}"
        )
        connector.write(request)
        assert connector.find_written(request)
    connector.close()
    names = {body["method"]["name"] for _, body in sent}
    assert {
        "sendLeaseArTransactions",
        "sendScheduledCharges",
        "getLeaseArTransactions",
        "getArPayments",
    } <= names
    problems = [p for service, body in sent for p in request_problems(service, body)]
    assert not problems, problems[:10]
