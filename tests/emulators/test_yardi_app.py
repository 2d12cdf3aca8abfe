"""The Yardi emulator as a SOAP service: ?WSDL that zeep can load, Yardi's refusals (return
codes and error messages), the 31-day rule, charge batches and SOAP faults."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
import zeep
from lxml import etree
from starlette.testclient import TestClient

from pmsgate.connectors.yardi.credentials import YardiCredentials
from pmsgate.connectors.yardi.service import BILLING, SYSBATCH, Interface
from pmsgate.connectors.yardi.soap import YardiSoap
from pmsgate.connectors.yardi.writes import charge, document
from pmsgate.emulators.yardi import DEFAULT_LOGIN, create_yardi_app

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_yardi_app(records=15, seed=5), base_url="http://yardi")


def _soap(**changes: str) -> YardiSoap:
    credentials = YardiCredentials.model_validate({**DEFAULT_LOGIN.credentials(), **changes})
    return YardiSoap("http://yardi", credentials)


def _result(
    client: TestClient, interface: Interface, operation: str, soap: YardiSoap | None = None, **params: Any
) -> etree._Element:
    answer = client.post(interface.path, content=(soap or _soap()).envelope(interface, operation, params))
    assert answer.status_code == 200, answer.text
    body = etree.fromstring(answer.content).find(f"{{{SOAP_ENV}}}Body")
    return body[0][0]  # {op}Response/{op}Result


def _error(result: etree._Element) -> str:
    return " ".join(m.text or "" for m in result.iter("Message") if m.get("messageType") == "Error")


def test_wsdl_is_served_and_loads_in_zeep(client: TestClient) -> None:
    answer = client.get(BILLING.path + "?WSDL")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/xml")
    service = zeep.Client(io.BytesIO(answer.content)).service
    assert hasattr(service, "GetResidentTransactions_ByChargeDate_Login")
    assert b'location="http://yardi/webservices/ItfResidentTransactions20.asmx"' in answer.content


def test_refusals_carry_yardi_s_return_codes(client: TestClient) -> None:
    code = "ocean01"
    batch = {"YardiPropertyId": code, "BatchDescription": "x"}
    assert _result(client, SYSBATCH, "OpenChargeBatch", _soap(password="nope"), **batch).text == "-4"
    assert _result(client, SYSBATCH, "OpenChargeBatch", _soap(interfaceLicense="nope"), **batch).text == "-3"
    client.post(
        "/_control/access", json={"denied_operations": ["OpenChargeBatch"], "denied_properties": ["maple01"]}
    )
    assert _result(client, SYSBATCH, "OpenChargeBatch", **batch).text == "-1"
    client.post("/_control/access", json={"denied_operations": []})
    assert (
        _result(client, SYSBATCH, "OpenChargeBatch", **{**batch, "YardiPropertyId": "maple01"}).text == "-2"
    )
    assert int(_result(client, SYSBATCH, "OpenChargeBatch", **batch).text) > 0
    units = _result(client, BILLING, "GetUnitInformation_Login", YardiPropertyId="maple01")
    assert "does not have access" in _error(units)
    login = _result(client, BILLING, "GetChargeTypes_Login", _soap(password="nope"))
    assert _error(login) == "Login Failed"
    listed = _result(client, BILLING, "GetPropertyConfigurations")
    assert [p.findtext("Code") for p in listed.iter("Property")] == ["ocean01"]


def test_date_ranged_ledger_reads_allow_31_days(client: TestClient) -> None:
    params = {"YardiPropertyId": "ocean01", "FromDate": datetime(2026, 1, 1)}
    ok = _result(
        client, BILLING, "GetResidentTransactions_ByChargeDate_Login", **params, ToDate=datetime(2026, 2, 1)
    )
    assert not _error(ok)
    long = _result(
        client, BILLING, "GetResidentTransactions_ByChargeDate_Login", **params, ToDate=datetime(2026, 2, 2)
    )
    assert "cannot exceed 31 days" in _error(long)


def _fields(client: TestClient) -> dict[str, Any]:
    tenant = next(iter(client.app.state.store.tenants.values()))  # type: ignore[attr-defined]
    return {
        "x_property_id": tenant["PropertyID"],
        "x_resident_id": tenant["TenantCode"],
        "x_unit_id": f"{tenant['PropertyID']}/{tenant['UnitCode']}",
        "x_financial_account_id": "4300-0000",
        "x_charge_code_id": "pet",
        "amount_in_cents": 2500,
        "transaction_date": "2026-03-01",
    }


def test_a_charge_batch_takes_at_most_500_a_call_and_posts_or_cancels(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    fields = _fields(client)
    before = len(store.transactions)
    batch_id = int(
        _result(
            client, SYSBATCH, "OpenChargeBatch", YardiPropertyId=fields["x_property_id"], BatchDescription="t"
        ).text
    )
    too_many = document([charge(fields, "PMSG-A") for _ in range(501)])
    assert "at most 500" in _error(
        _result(client, SYSBATCH, "AddChargesToBatch", BatchId=batch_id, TransactionXml=too_many)
    )
    two = document([charge(fields, "PMSG-A") for _ in range(2)])
    assert not _error(_result(client, SYSBATCH, "AddChargesToBatch", BatchId=batch_id, TransactionXml=two))
    assert len(store.transactions) == before  # nothing posts before PostChargeBatch
    assert not _error(_result(client, SYSBATCH, "PostChargeBatch", BatchId=batch_id))
    assert len(store.transactions) == before + 2
    cancelled = int(
        _result(
            client, SYSBATCH, "OpenChargeBatch", YardiPropertyId=fields["x_property_id"], BatchDescription="c"
        ).text
    )
    _result(client, SYSBATCH, "AddChargesToBatch", BatchId=cancelled, TransactionXml=two)
    assert not _error(_result(client, SYSBATCH, "CancelChargeBatch", BatchId=cancelled))
    assert len(store.transactions) == before + 2 and not store.batches


def test_imports_validate_before_storing(client: TestClient) -> None:
    fields = {**_fields(client), "x_charge_code_id": "nope"}
    answer = _result(
        client, BILLING, "ImportCharge_Login", TransactionXml=document([charge(fields, "PMSG-B")])
    )
    assert "Charge Code 'nope' not found" in _error(answer)


def test_unreadable_requests_are_soap_faults(client: TestClient) -> None:
    garbage = client.post(BILLING.path, content=b"<not-soap")
    assert garbage.status_code == 500 and b"soap:Client" in garbage.content
    unknown = _soap().envelope(SYSBATCH, "PostChargeBatch", {"BatchId": 1})
    wrong_interface = client.post(BILLING.path, content=unknown)
    assert wrong_interface.status_code == 500 and b"did not recognize" in wrong_interface.content


def test_emulate_prints_base_url_and_credentials_a_connector_can_use() -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    from pmsgate.canonical.enums import Vendor
    from pmsgate.connectors.registry import ConnectorContext
    from pmsgate.connectors.yardi import YardiConnector

    cli = Path(sys.executable).with_name("pmsgate")
    process = subprocess.Popen(
        [str(cli), "emulate", "yardi", "--port", "0", "--records", "10"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        credentials = {**first["credentials"], "baseUrl": first["base_url"]}
        connector = YardiConnector(ConnectorContext("intg_cli", Vendor.YARDI, first["base_url"], credentials))
        connector.check_credentials()
        assert connector.property_codes() == ["ocean01"]
        connector.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
