"""Running pmsgate as an operator meets it: version, keys by printed id, a busy port, offline
API docs, liveness and readiness, quiet PMS request lines, and failed syncs that say why."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from pmsgate import __version__
from pmsgate.cli import app as cli
from pmsgate.connectors.errors import PermanentError
from pmsgate.connectors.http import VendorHttp
from pmsgate.kit.db import session_factory
from pmsgate.models.sync import SyncRun
from pmsgate.sync.engine import execute_run
from tests.fixtures.api import make_customer
from tests.fixtures.sample import create_integration, run_queued_syncs

BIN = Path(sys.executable).parent / "pmsgate"
runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"pmsgate {__version__}"


def test_customers_list_prints_key_ids_that_revoke_takes(app: FastAPI) -> None:
    created = runner.invoke(cli, ["customers", "create", "Revocable Ltd"])
    assert created.exit_code == 0, created.output
    raw_key = created.stdout.strip().splitlines()[-1]
    listed = runner.invoke(cli, ["customers", "list"])
    assert listed.exit_code == 0, listed.output
    [row] = [line for line in listed.stdout.splitlines() if "Revocable Ltd" in line]
    key_id = re.search(r"\bkey_\w+", row)
    assert key_id is not None and "active" in row and raw_key[:12] in row
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {raw_key}"}
        assert client.get("/v1/admin/integrations/", headers=headers).status_code == 200
        revoked = runner.invoke(cli, ["customers", "revoke", key_id.group(0)])
        assert revoked.exit_code == 0, revoked.output
        assert client.get("/v1/admin/integrations/", headers=headers).status_code == 401
    relisted = runner.invoke(cli, ["customers", "list"]).stdout
    assert "revoked" in next(line for line in relisted.splitlines() if key_id.group(0) in line)
    unknown = runner.invoke(cli, ["customers", "revoke", "key_nope"])
    assert unknown.exit_code == 2


def test_a_busy_port_is_one_clear_line_and_a_failure(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PMSGATE_DATABASE_URL", "PMSGATE_SECRET_KEY")}
    env["PMSGATE_DATA_DIR"] = str(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        for command in (["serve", "--port", str(port)], ["emulate", "sample", "--port", str(port)]):
            done = subprocess.run(
                [str(BIN), *command], env=env, capture_output=True, text=True, timeout=60, check=False
            )
            output = (done.stdout + done.stderr).strip()
            assert done.returncode == 1, output
            assert len(output.splitlines()) == 1 and "Traceback" not in output, output
            assert f"127.0.0.1:{port}" in output and "in use" in output, output


def test_docs_work_offline(anonymous: TestClient) -> None:
    page = anonymous.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
    assert assets and all(a.startswith("/") for a in assets), assets  # nothing from another host
    for asset in assets:
        answer = anonymous.get(asset)
        assert answer.status_code == 200 and len(answer.content) > 100, asset
    assert "/openapi.json" in page.text
    from swagger_ui_bundle import swagger_ui_path

    # FastAPI documents OpenAPI 3.1, which Swagger UI renders from version 5 on (4.x shows an error).
    assert anonymous.get("/openapi.json").json()["openapi"].startswith("3.1")
    assert int(Path(str(swagger_ui_path)).name.removeprefix("swagger-ui-").split(".")[0]) >= 5


def test_liveness_and_readiness(app: FastAPI, tmp_path: Path) -> None:
    from pmsgate.config import get_settings
    from pmsgate.worker.queue import HueyDispatcher

    app.state.dispatcher = HueyDispatcher(get_settings())
    with TestClient(app) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ready", "checks": {"database": "ok", "queue": "ok"}}
        from sqlalchemy import create_engine

        broken = create_engine(f"sqlite:///{tmp_path}/missing/dir/pmsgate.db")
        app.state.sessionmaker = sessionmaker(broken)
        down = client.get("/readyz")
        assert down.status_code == 503 and down.json()["checks"]["database"] != "ok"
        assert client.get("/healthz").status_code == 200  # alive, only not ready


def test_pms_request_lines_are_debug_only(caplog: pytest.LogCaptureFixture) -> None:
    from pmsgate.cli.server import _configure_logging

    saved = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    try:
        _configure_logging()
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
        http = VendorHttp(
            "http://pms.test",
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})),
            secrets=["hunter2"],
        )
        with caplog.at_level(logging.INFO):
            http.request("GET", "/leases", params={"apikey": "hunter2", "page": 1})
        assert not [r for r in caplog.records if "pms.test" in r.getMessage()]  # nothing at INFO
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="pmsgate"):
            http.request("GET", "/leases", params={"apikey": "hunter2", "page": 1})
        [line] = [r for r in caplog.records if "pms.test" in r.getMessage()]
        assert line.levelno == logging.DEBUG and "hunter2" not in line.getMessage()
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def test_a_failed_sync_says_why_in_the_log_the_row_and_the_api(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once the socket closes
    customer = make_customer()
    integration_id, dispatcher = create_integration(customer, f"http://127.0.0.1:{port}")
    run_id = dispatcher.sync_runs[0]
    from tests.sync.test_engine import fast

    with caplog.at_level(logging.WARNING, logger="pmsgate"):
        assert run_queued_syncs(dispatcher, builder=fast) == ["FAILED"]
    assert any(run_id in r.getMessage() and "FAILED" in r.getMessage() for r in caplog.records)
    with TestClient(app, headers=customer.headers) as client:
        [run] = client.get(f"/v1/admin/integrations/{integration_id}/sync-runs/").json()["results"]
    assert run["status"] == "FAILED" and "cannot connect" in run["error"]


def test_a_sync_whose_connector_cannot_be_built_fails_saying_why() -> None:
    customer = make_customer()
    _integration_id, dispatcher = create_integration(customer, "http://127.0.0.1:9")
    run_id = dispatcher.sync_runs.pop(0)

    def broken(_context: object) -> object:
        raise PermanentError("the credentials lack a company id")

    assert execute_run(session_factory(), run_id, builder=broken) == "FAILED"
    with session_factory()() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None and run.status == "FAILED"
        assert run.error == "cannot set up the connector: the credentials lack a company id"
