"""The ResMan emulator on its own: form posts, JSON or XML by Accept, its Status envelope,
partner transactions pending until approved, `pmsgate emulate resman`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from pmsgate.emulators.resman import DEFAULT_KEY, create_resman_app
from pmsgate.emulators.server import RunningServer, serve_in_thread

FORM = {
    "IntegrationPartnerID": DEFAULT_KEY.integration_partner_id,
    "ApiKey": DEFAULT_KEY.api_key,
    "AccountID": DEFAULT_KEY.account_id,
}
JSON = {"Accept": "application/json"}


@pytest.fixture
def served() -> Iterator[RunningServer]:
    server = serve_in_thread(create_resman_app(records=15, seed=2))
    yield server
    server.stop()


def _call(
    server: RunningServer, method: str, headers: dict[str, str] | None = None, **fields: str
) -> httpx.Response:
    return httpx.post(f"{server.base_url}/{method}", data={**FORM, **fields}, headers=headers or JSON)


def test_answers_json_or_xml_by_accept(served: RunningServer) -> None:
    body = _call(served, "Account/GetProperties").json()
    assert body["Status"] == "Success" and body["MethodName"] == "GetProperties"
    property_id = body["Properties"][0]["PropertyID"]
    xml = _call(served, "Property/GetUnits", {"Accept": "application/xml"}, PropertyID=property_id)
    root = etree.fromstring(xml.content)
    assert root.tag == "ResMan" and root.findtext("Status") == "Success"
    assert root.find("Response/Units/Unit/UnitID") is not None
    ledger = _call(served, "MITS/GetResidentTransactions2_0", {"Accept": "text/xml"}, PropertyID=property_id)
    document = etree.fromstring(etree.fromstring(ledger.content).findtext("Response").encode())
    assert document.tag == "ResidentTransactions" and document.find(".//RT_Customer/CustomerID") is not None


def test_refusals_are_failed_statuses_with_a_description(served: RunningServer) -> None:
    bad = httpx.post(
        f"{served.base_url}/Account/GetProperties", data={**FORM, "ApiKey": "wrong"}, headers=JSON
    )
    assert bad.status_code == 200 and bad.json()["Status"] == "Failed"
    assert bad.json()["ErrorDescription"] == "Invalid IntegrationPartnerID or ApiKey"
    missing = _call(served, "Property/GetUnits").json()
    assert missing["Status"] == "Failed" and missing["ErrorDescription"] == "PropertyID is required"
    unknown = _call(served, "Nope/Nothing")
    assert unknown.status_code == 404 and unknown.json()["Status"] == "Failed"


def _post(server: RunningServer, property_id: str, person: str, transaction_id: str) -> dict[str, Any]:
    xml = (
        "<ResidentTransactions><Property><RT_Customer><RTServiceTransactions><Transactions><Charge><Detail>"
        f"<TransactionID>{transaction_id}</TransactionID><BatchID>B1</BatchID>"
        "<TransactionDate>2026-11-20</TransactionDate><ChargeCode>PARK</ChargeCode>"
        f"<CustomerID>{person}</CustomerID><Amount>45.10</Amount><Description>Parking</Description>"
        "</Detail></Charge></Transactions></RTServiceTransactions></RT_Customer></Property></ResidentTransactions>"
    )
    response = _call(server, "MITS/PostResidentTransactions2_0", PropertyID=property_id, xml=xml)
    result: dict[str, Any] = response.json()
    return result


def test_posted_transactions_wait_for_approval_and_duplicates_are_refused(served: RunningServer) -> None:
    property_id = _call(served, "Account/GetProperties").json()["Properties"][0]["PropertyID"]
    person = _call(served, "Leasing/GetCurrentResidents", PropertyID=property_id).json()["Residents"][0][
        "PersonID"
    ]

    def ledger_text() -> str:
        body = _call(
            served, "MITS/GetResidentTransactions2_0", PropertyID=property_id, StartDate="2026-11-20"
        )
        return str(body.json()["ResidentTransactions"])

    assert _post(served, property_id, person, "PMSG-T1")["Status"] == "Success"
    assert "45.10" not in ledger_text()
    again = _post(served, property_id, person, "PMSG-T1")
    assert again["ErrorDescription"] == "Failed to write resident transaction: Duplicate transaction ID"
    state = httpx.post(f"{served.base_url}/_control/approve", json={"transaction_ids": ["PMSG-T1"]}).json()
    assert state["pending"] == []
    assert "<Amount>45.10</Amount>" in ledger_text()
    assert _post(served, property_id, person, "PMSG-T1")["Status"] == "Failed"  # refused for ever after
    bad_code = _post(served, property_id, "not-a-resident", "PMSG-T2")
    assert "is not a resident" in bad_code["ErrorDescription"]


def test_pmsgate_emulate_resman_prints_base_url_and_credentials_first() -> None:
    cli = Path(sys.executable).with_name("pmsgate")
    process = subprocess.Popen(
        [str(cli), "emulate", "resman", "--port", "0", "--records", "5"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        form = {
            "IntegrationPartnerID": first["credentials"]["integrationPartnerId"],
            "ApiKey": first["credentials"]["apiKey"],
            "AccountID": first["credentials"]["accountId"],
        }
        answer = httpx.post(f"{first['base_url']}/Account/GetProperties", data=form, headers=JSON).json()
        assert answer["Status"] == "Success" and answer["Properties"]
    finally:
        process.terminate()
        process.wait(timeout=10)
