"""The app's own OpenAPI document matches the published contract for every operation it
serves from the contract: same paths and methods, every documented parameter, and the same
response fields (with the same required ones)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.contract import spec

# pmsgate's additions to the contract, documented in docs/concepts.md
EXTENSIONS = {
    ("get", "/v1/admin/integrations/{integration_id}/sync-runs/"),
    ("post", "/v1/admin/connect-links/"),
    ("get", "/v1/admin/connect-links/{connect_link_id}/"),
    # Webhook delivery log, recovery and the event feed: docs/webhooks.md
    ("post", "/v1/webhooks/{webhook_id}/rotate-secret"),
    ("get", "/v1/webhooks/{webhook_id}/health"),
    ("get", "/v1/webhooks/{webhook_id}/deliveries"),
    ("post", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"),
    ("post", "/v1/webhooks/{webhook_id}/recover"),
    ("post", "/v1/webhooks/{webhook_id}/test"),
    ("get", "/v1/admin/events/"),
}
# Vendor-specific write paths are in Propexo's vendor pages, not in its public document.
VENDOR_TAG = "billing-and-payments (vendor-specific)"


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _fields(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Property names of a response (and of its results/result item), with required flags."""
    schema = _resolve(document, schema)
    for option in schema.get("anyOf", []):
        option = _resolve(document, option)
        if option.get("type") == "object" or "properties" in option:
            schema = option
    out = {name: name in schema.get("required", []) for name in schema.get("properties", {})}
    for key in ("results", "result"):
        if key in schema.get("properties", {}):
            inner = _resolve(document, schema["properties"][key])
            inner = _resolve(document, inner.get("items", inner))
            for option in inner.get("anyOf", []):
                option = _resolve(document, option)
                if "properties" in option:
                    inner = option
            out.update({f"{key}.{n}": n in inner.get("required", []) for n in inner.get("properties", {})})
    return out


def _operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    ours = app.openapi()
    return [
        (method, path, operation)
        for path, item in ours["paths"].items()
        for method, operation in item.items()
        if (method, path) not in EXTENSIONS and VENDOR_TAG not in operation.get("tags", [])
    ]


@pytest.mark.contract
def test_every_operation_exists_in_the_contract(app: FastAPI) -> None:
    contract = spec()
    missing = [f"{m.upper()} {p}" for m, p, _ in _operations(app) if m not in contract["paths"].get(p, {})]
    assert not missing, missing


@pytest.mark.contract
def test_parameters_match(app: FastAPI) -> None:
    contract = spec()
    problems = []
    for method, path, operation in _operations(app):
        theirs = contract["paths"][path][method]
        their_params = {
            (p["in"], p["name"]) for p in (_resolve(contract, x) for x in theirs.get("parameters", []))
        }
        our_params = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
        if lacking := their_params - our_params - {("header", "Authorization")}:
            problems.append(f"{method.upper()} {path}: missing {sorted(lacking)}")
    assert not problems, "\n".join(problems)


@pytest.mark.contract
def test_response_fields_match(app: FastAPI) -> None:
    contract = spec()
    ours = app.openapi()
    problems = []
    for method, path, operation in _operations(app):
        their_response = _resolve(contract, contract["paths"][path][method]["responses"]["200"])
        their_schema = their_response.get("content", {}).get("application/json", {}).get("schema")
        our_schema = (
            operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema")
        )
        if their_schema is None or our_schema is None:
            continue
        theirs, mine = _fields(contract, their_schema), _fields(ours, our_schema)
        if set(theirs) != set(mine):
            problems.append(
                f"{method.upper()} {path}: only theirs {sorted(set(theirs) - set(mine))}, "
                f"only ours {sorted(set(mine) - set(theirs))}"
            )
            continue
        required = [name for name, needed in theirs.items() if needed and not mine[name]]
        if required:
            problems.append(f"{method.upper()} {path}: not required in ours: {required}")
    assert not problems, "\n".join(problems)


def test_docs_page_is_served(app: FastAPI) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        assert client.get("/docs").status_code == 200
        assert (
            client.get("/openapi.json").json()["components"]["securitySchemes"]["bearerAuth"]["scheme"]
            == "bearer"
        )
