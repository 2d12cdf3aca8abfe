"""No credential is ever stored or shown in clear, whatever its characters or length.

For every registered vendor, the secret fields of its credentials model get hostile values
(quotes, backslashes, XML metacharacters, percent and plus signs, non-ASCII, one to three
characters). The vendor's emulator is re-keyed to accept them, then the integration is created,
synced, checked for data access and written to through the API and the workers. Afterwards the
database (SQLite file bytes, or every PostgreSQL row as text), every log record (DEBUG included)
and every API answer (integration reads, sync runs, write status, write logs, the job log and the
raw data behind its link) are searched for each value in each encoding it could take: raw,
JSON-escaped, URL/form-encoded, XML-escaped, base64 and HTTP Basic.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import html
import json
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import create_engine, inspect, text

from pmsgate.canonical.enums import Vendor
from pmsgate.config import get_settings
from pmsgate.connectors.registry import definition_for, supported_vendors
from pmsgate.emulators.registry import EmulatorDefinition, emulator, names
from pmsgate.emulators.server import serve_in_thread
from pmsgate.integrations.tasks import check_data_access
from pmsgate.kit.dispatch import RecordingDispatcher
from pmsgate.kit.redact import is_sensitive_name
from tests.fixtures.api import make_customer
from tests.fixtures.sample import run_queued_syncs
from tests.sync.test_engine import fast
from tests.writes.conftest import run_writes

# Each set gives the vendor's secret fields these values in turn (a vendor with one secret field
# gets the first). ASCII only in the first two (HTTP headers cannot carry anything else, and the
# sync must then complete); the third adds non-ASCII and a one-character secret.
LONG_SET = ["q\"u\\o</Password>&amp;%2F+ =?'x", 'a\\"b']
SHORT_SET = ["'&", '"\\<']
UNICODE_SET = ["¤", 'p"é\\€<&>']
ASCII_SETS = (LONG_SET, SHORT_SET)


def emulator_of(vendor: Vendor) -> EmulatorDefinition:
    for name in names():
        definition = emulator(name)
        if vendor in definition.vendors:
            return definition
    raise AssertionError(f"{vendor} has no emulator")


def secret_fields(model: type[BaseModel]) -> list[str]:
    """The (wire) names of the model's top-level secret fields."""
    found = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if "Secret" in str(info.annotation) or is_sensitive_name(key):
            found.append(key)
    return found


def rekey(app: Any, replacements: dict[str, str]) -> None:
    """Make the emulator accept the hostile values: every string attribute of the objects its
    state holds (its API key or login) equal to an accepted secret takes the new value. Objects
    are copied before they change: an emulator's default key may be shared by every app."""
    seen: set[int] = set()

    def rekeyed(obj: Any, depth: int) -> Any:
        if depth > 3 or id(obj) in seen or isinstance(obj, str | bytes | int | float | bool | type(None)):
            return obj
        seen.add(id(obj))
        attributes = (
            {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
            if dataclasses.is_dataclass(obj)
            else dict(getattr(obj, "__dict__", {}))
        )
        changes = {}
        for name, value in attributes.items():
            if isinstance(value, str) and value in replacements:
                changes[name] = replacements[value]
            elif not isinstance(value, list | dict | set | tuple):
                new = rekeyed(value, depth + 1)
                if new is not value:
                    changes[name] = new
        if not changes:
            return obj
        target = obj if depth == 0 else copy.copy(obj)  # the store itself belongs to this app
        for name, value in changes.items():
            object.__setattr__(target, name, value)
        return target

    rekeyed(getattr(app.state, "store", None), 0)


def encodings(secret: str, credentials: dict[str, Any]) -> set[str]:
    forms = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
        html.escape(secret).replace("&#x27;", "&apos;"),
    }
    if len(secret) >= 4:
        forms.add(base64.b64encode(secret.encode()).decode())
    for user in [str(v) for v in credentials.values() if isinstance(v, str)]:
        forms.add(base64.b64encode(f"{user}:{secret}".encode()).decode())
    return {f for f in forms if f}


def database_rows() -> tuple[bytes, bytes]:
    """Every row of every table: its values as text, and its binary values (packed keys of
    hashes, which hold any short byte sequence by chance, like the files: long forms only)."""
    engine = create_engine(get_settings().sqlalchemy_url)
    chunks, binary = [], []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            columns = [c["name"] for c in inspect(connection).get_columns(table)]
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                chunks.extend(str(v) for v in row if v is not None and not isinstance(v, bytes | memoryview))
                binary.extend(bytes(v) for v in row if isinstance(v, bytes | memoryview))
            assert columns
    engine.dispose()
    return "\n".join(chunks).encode(), b"\n".join(binary)


def database_files() -> bytes:
    """The SQLite files' bytes (empty on PostgreSQL, whose rows `database_rows` reads)."""
    url = get_settings().sqlalchemy_url
    if not url.startswith("sqlite"):
        return b""
    path = Path(url.split("///", 1)[1])
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog


def first(client: TestClient, path: str, **params: Any) -> dict[str, Any] | None:
    response = client.get(path, params={"limit": 250, **params})
    results = response.json().get("results") or []
    return results[0] if results else None


def write_body(client: TestClient, integration_id: str) -> dict[str, Any] | None:
    """A resident charge built from what the sync stored; refused fields are dropped by
    `ignore_unknown_fields`. Whether the PMS accepts it does not matter: both outcomes log."""
    leases = client.get("/v1/leases/", params={"integration_id": integration_id, "limit": 250}).json()
    lease = next((x for x in leases.get("results", []) if x.get("residents_meta_data")), None)
    if lease is None:
        return None
    property_id = lease["property_id"]
    code = first(
        client, "/v1/charge-codes/", integration_id=integration_id, property_id=property_id
    ) or first(client, "/v1/charge-codes/", integration_id=integration_id)
    account = first(
        client, "/v1/financial-accounts/", integration_id=integration_id, property_id=property_id
    ) or first(client, "/v1/financial-accounts/", integration_id=integration_id)
    body: dict[str, Any] = {
        "integration_id": integration_id,
        "lease_id": lease["id"],
        "resident_id": lease["residents_meta_data"][0]["resident_id"],
        # Yardi posts to a property and unit as well; vendors without them drop these.
        "property_id": property_id,
        "unit_id": lease.get("unit_id"),
        "amount_in_cents": 1234,
        "transaction_date": date.today().isoformat(),
        "description": "sweep",
        "notes": "sweep",
        "reference_number": "SWEEP-1",
        "batch_id": "SWEEP-BATCH",  # ResMan requires it; vendors that refuse it drop it
    }
    if code:
        body["charge_code_id"] = code["id"]
    if account:
        body["financial_account_id"] = account["id"]
    return body


def sweep(
    app: FastAPI,
    dispatcher: RecordingDispatcher,
    vendor: Vendor,
    values: list[str],
    logs: pytest.LogCaptureFixture,
) -> None:
    definition = definition_for(vendor)
    emulation = emulator_of(vendor)
    emulator_app = emulation.create_app(8, 3)
    accepted = emulation.credentials(emulator_app)
    fields = [f for f in secret_fields(definition.credentials_model) if not accepted or f in accepted]
    assert fields, f"{vendor}: no secret credential field to sweep"
    hostile = {field: values[i % len(values)] for i, field in enumerate(fields)}
    rekey(emulator_app, {str(accepted[f]): v for f, v in hostile.items() if f in accepted})
    rekeyed = emulation.credentials(emulator_app)
    took_them = all(rekeyed.get(f) == v for f, v in hostile.items() if f in accepted)
    answers: list[str] = []
    with serve_in_thread(emulator_app) as server:
        base_url = server.base_url + emulation.base_path
        credentials = {**accepted, **hostile, "baseUrl": base_url}
        if vendor is Vendor.SAMPLE1:  # nested per-interface blocks are credentials too
            credentials["common_data"] = {"password": values[-1], "license": values[0]}
        customer = make_customer(f"Sweep {vendor.value}")
        with TestClient(app, headers=customer.headers) as client:
            created = client.post(
                "/v1/admin/integrations/",
                json={
                    "integration_vendor": vendor.value,
                    "name": "Sweep",
                    "credentials": credentials,
                    "active": True,
                    "max_request_frequency": 1000,
                    "max_request_cadence": "SECOND",
                },
            )
            answers.append(created.text)
            assert created.status_code in (200, 201), created.text
            integration_id = created.json()["result"]["id"]
            statuses = run_queued_syncs(dispatcher, builder=fast)
            if took_them and values in ASCII_SETS:
                assert statuses == ["COMPLETED"], f"{vendor}: the emulator took the values, the sync did not"
            check_data_access(integration_id)
            body = write_body(client, integration_id)
            if body is not None:
                posted = client.post(
                    "/v1/resident-charges/", params={"ignore_unknown_fields": "true"}, json=body
                )
                answers.append(posted.text)
                if posted.status_code == 200:
                    job_id = posted.json()["job_id"]
                    run_writes(dispatcher)
                    answers.append(client.get(f"/v1/admin/write-status/{job_id}").text)
            for path in (
                "/v1/admin/integrations/",
                f"/v1/admin/integrations/{integration_id}/",
                f"/v1/admin/integrations/{integration_id}/data-access",
                f"/v1/admin/integrations/{integration_id}/sync-runs/",
                "/v1/admin/logs/writes/",
            ):
                answers.append(client.get(path).text)
            write_logs = client.get("/v1/admin/logs/writes/", params={"integration_id": integration_id})
            exchanges = 0
            for entry in write_logs.json()["results"]["logs"]:
                answers.append(client.get(f"/v1/admin/job-logs/{entry['job_log_id']}/").text)
                raw = client.get(f"/v1/admin/job-logs/{entry['job_log_id']}/data", follow_redirects=True)
                assert raw.status_code == 200, raw.text
                exchanges += len(raw.json()["exchanges"])
                answers.append(raw.text)
            if took_them and values in ASCII_SETS:  # the write's native exchanges were logged
                assert exchanges > 0, f"{vendor}: no native exchange logged for the write"
    (rows, binary), files = database_rows(), database_files()
    logged = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in logs.records if r.name != "asyncio"
    )
    for field, value in hostile.items():
        for form in encodings(value, credentials):
            where = [
                name
                for name, haystack in (
                    ("database rows", rows),
                    # Binary pages hold any short byte sequence by chance: long forms only.
                    ("database files", files if len(form.encode()) >= 6 else b""),
                    ("binary values", binary if len(form.encode()) >= 6 else b""),
                    ("logs", logged.encode()),
                    ("API answers", "\n".join(answers).encode()),
                )
                if form.encode() in haystack
            ]
            assert not where, f"{vendor} {field}={value!r} found as {form!r} in {', '.join(where)}"


@pytest.mark.parametrize("values", [LONG_SET, SHORT_SET, UNICODE_SET], ids=["long", "short", "unicode"])
@pytest.mark.parametrize("vendor", supported_vendors(), ids=lambda v: v.value)
def test_hostile_credentials_never_appear_anywhere(
    app: FastAPI,
    dispatcher: RecordingDispatcher,
    vendor: Vendor,
    values: list[str],
    logs: pytest.LogCaptureFixture,
) -> None:
    sweep(app, dispatcher, vendor, values, logs)
