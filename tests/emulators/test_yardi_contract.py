"""The Yardi connector's SOAP requests and the emulator's answers against Yardi's own WSDLs
(`../shared/reference/vendors/yardi/`, Billing & Payment Interface v2.0 and its SysBatch
companion), one operation at a time.

The WSDLs' schemas are loaded as they are, with one change made in memory: their `<s:any/>`
wildcards (where MITS documents travel) are validated laxly, since the MITS schema is not in the
WSDL. Operations newer than the 2014 WSDLs (ImportCharge_Login, ImportReceipt_Login) take the
same parameters as ImportResidentTransactions_Login and are checked against its declaration;
Common Data's GetResidentsByDate has no published WSDL here and is not checked."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import pytest
from lxml import etree
from starlette.testclient import TestClient

from pmsgate.connectors.writes import WriteOperation, WriteRequest
from pmsgate.connectors.yardi.credentials import YardiCredentials
from pmsgate.connectors.yardi.service import BILLING, SYSBATCH, Interface, soap_action
from pmsgate.connectors.yardi.soap import YardiSoap
from pmsgate.connectors.yardi.writes import charge, document, receipt
from pmsgate.emulators.yardi import DEFAULT_LOGIN, create_yardi_app
from tests.contract import SHARED, require_reference

FILES = {
    BILLING.name: SHARED / "reference" / "vendors" / "yardi" / "ItfResidentTransactions20.asmx.wsdl",
    SYSBATCH.name: SHARED
    / "reference"
    / "vendors"
    / "yardi"
    / "ItfResidentTransactions20_SysBatch.asmx.wsdl",
}
WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SAME_AS = {
    "ImportCharge_Login": "ImportResidentTransactions_Login",
    "ImportReceipt_Login": "ImportResidentTransactions_Login",
}


@lru_cache(maxsize=2)
def _wsdl(name: str) -> Any:
    return etree.parse(str(require_reference(FILES[name]))).getroot()


@lru_cache(maxsize=2)
def _schema(name: str) -> etree.XMLSchema:
    source = _wsdl(name).find(f"{{{WSDL}}}types/{{{XS}}}schema")
    schema = etree.fromstring(etree.tostring(source))  # a copy: the WSDL stays as read
    for wildcard in schema.iter(f"{{{XS}}}any"):
        wildcard.set("processContents", "lax")
    return etree.XMLSchema(schema)


def _declared(name: str, element: str) -> list[tuple[str, str, str]]:
    """(name, type, minOccurs) of an operation element's parameters in the reference WSDL."""
    root = _wsdl(name).find(f"{{{WSDL}}}types/{{{XS}}}schema")
    node = root.find(f"{{{XS}}}element[@name='{element}']")
    assert node is not None, element
    return [
        (child.get("name"), child.get("type") or "any", child.get("minOccurs"))
        for child in node.find(f"{{{XS}}}complexType/{{{XS}}}sequence")
    ]


def _valid(interface: Interface, element: etree._Element) -> list[str]:
    schema = _schema(interface.name)
    copy = etree.fromstring(etree.tostring(element))
    local = etree.QName(copy).localname
    if local in SAME_AS:
        copy.tag = f"{{{interface.namespace}}}{SAME_AS[local]}"
    schema.validate(copy)
    return [str(e) for e in schema.error_log]


def _body(envelope: bytes) -> etree._Element:
    body = etree.fromstring(envelope).find(f"{{{SOAP_ENV}}}Body")
    return next(iter(body))


def test_pmsgate_declarations_match_yardi_s_wsdls() -> None:
    from pmsgate.connectors.yardi.service import wsdl_document

    for interface in (BILLING, SYSBATCH):
        ours = etree.fromstring(wsdl_document(interface, "http://x" + interface.path))
        ours_schema = ours.find(f"{{{WSDL}}}types/{{{XS}}}schema")
        checked = 0
        for op in interface.operations:
            reference_name = SAME_AS.get(op.name, op.name)
            try:
                theirs = _declared(interface.name, reference_name)
            except AssertionError:
                continue
            mine = ours_schema.find(
                f"{{{XS}}}element[@name='{op.name}']/{{{XS}}}complexType/{{{XS}}}sequence"
            )
            params = [(c.get("name"), c.get("type") or "any", c.get("minOccurs")) for c in mine]
            assert params == theirs, op.name
            result = _declared(interface.name, f"{reference_name}Response")
            assert [r[1] for r in result] == (["s:long"] if op.result == "long" else ["any"]), op.name
            binding_op = _wsdl(interface.name).find(
                f"{{{WSDL}}}binding/{{{WSDL}}}operation[@name='{reference_name}']/"
                "{http://schemas.xmlsoap.org/wsdl/soap/}operation"
            )
            assert binding_op.get("soapAction") == soap_action(interface, reference_name)
            checked += 1
        assert checked == len(interface.operations), interface.name


@pytest.fixture(scope="module")
def soap() -> YardiSoap:
    credentials = YardiCredentials.model_validate({**DEFAULT_LOGIN.credentials(), "baseUrl": "http://yardi"})
    return YardiSoap("http://yardi", credentials)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_yardi_app(records=15, seed=2), base_url="http://yardi")


def _write_fields(client: TestClient) -> dict[str, Any]:
    store = client.app.state.store  # type: ignore[attr-defined]
    tenant = next(iter(store.tenants.values()))
    return {
        "x_property_id": tenant["PropertyID"],
        "x_resident_id": tenant["TenantCode"],
        "x_unit_id": f"{tenant['PropertyID']}/{tenant['UnitCode']}",
        "x_financial_account_id": "4000-0000",
        "x_charge_code_id": "rent",
        "amount_in_cents": 12345,
        "transaction_date": "2026-11-05T00:00:00.000Z",
        "post_month": "2026-11-20",
        "description": "Contract check",
        "reference_number": "REF-1",
    }


def _calls(client: TestClient) -> list[tuple[Interface, str, dict[str, Any]]]:
    fields = _write_fields(client)
    code = fields["x_property_id"]
    day = datetime(2026, 1, 1)
    marker = "PMSG-CONTRACT0001"
    return [
        (BILLING, "GetPropertyConfigurations", {}),
        (BILLING, "GetUnitInformation_Login", {"YardiPropertyId": code}),
        (BILLING, "GetChargeTypes_Login", {}),
        (BILLING, "ExportChartOfAccounts", {}),
        (BILLING, "GetResidentTransactions_Login", {"YardiPropertyId": code}),
        (
            BILLING,
            "GetResidentTransactions_ByChargeDate_Login",
            {"YardiPropertyId": code, "FromDate": day, "ToDate": datetime(2026, 1, 31)},
        ),
        (BILLING, "GetResidentsLeaseCharges_Login", {"YardiPropertyId": code, "PostMonth": day}),
        (BILLING, "ImportCharge_Login", {"TransactionXml": document([charge(fields, marker)])}),
        (BILLING, "ImportReceipt_Login", {"TransactionXml": document([receipt(fields, marker)])}),
        (SYSBATCH, "OpenChargeBatch", {"YardiPropertyId": code, "BatchDescription": "pmsgate"}),
    ]


def test_connector_requests_and_emulator_answers_match_the_wsdls(soap: YardiSoap, client: TestClient) -> None:
    for interface, operation, params in _calls(client):
        envelope = soap.envelope(interface, operation, params)
        assert not _valid(interface, _body(envelope)), operation
        answer = client.post(
            interface.path,
            content=envelope,
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{soap_action(interface, operation)}"',
            },
        )
        assert answer.status_code == 200, answer.text
        response = _body(answer.content)
        if etree.QName(response).localname.removesuffix("Response") in SAME_AS:
            continue  # the 2014 WSDL has no response element of the newer imports
        assert not _valid(interface, response), operation


def test_batch_calls_and_refusals_match_the_sysbatch_wsdl(soap: YardiSoap, client: TestClient) -> None:
    fields = _write_fields(client)
    opened = client.post(
        SYSBATCH.path,
        content=soap.envelope(
            SYSBATCH, "OpenChargeBatch", {"YardiPropertyId": fields["x_property_id"], "BatchDescription": "x"}
        ),
    )
    batch_id = int(_body(opened.content)[0].text)
    assert batch_id > 0
    for operation, params in (
        (
            "AddChargesToBatch",
            {"BatchId": batch_id, "TransactionXml": document([charge(fields, "PMSG-CONTRACT0002")])},
        ),
        ("PostChargeBatch", {"BatchId": batch_id}),
        ("CancelChargeBatch", {"BatchId": batch_id}),  # no longer open: answered with an error message
    ):
        envelope = soap.envelope(SYSBATCH, operation, params)
        assert not _valid(SYSBATCH, _body(envelope)), operation
        answer = client.post(SYSBATCH.path, content=envelope)
        assert answer.status_code == 200 and not _valid(SYSBATCH, _body(answer.content)), operation
    bad = YardiSoap(
        "http://yardi", YardiCredentials.model_validate({**DEFAULT_LOGIN.credentials(), "password": "wrong"})
    )
    refused = client.post(
        SYSBATCH.path,
        content=bad.envelope(SYSBATCH, "OpenChargeBatch", {"YardiPropertyId": "x", "BatchDescription": "x"}),
    )
    body = _body(refused.content)
    assert not _valid(SYSBATCH, body) and body[0].text == "-4"


def test_a_write_request_is_refused_before_sending_when_unit_and_property_disagree() -> None:
    fields = {"x_property_id": "ocean01", "x_unit_id": "maple01/101", "x_resident_id": "t1"}
    from pmsgate.connectors.errors import VendorRejected

    with pytest.raises(VendorRejected, match="unit_id"):
        charge(fields, "PMSG-X")
    assert WriteRequest(WriteOperation.CREATE_RESIDENT_CHARGE, fields, "PMSG-X")
