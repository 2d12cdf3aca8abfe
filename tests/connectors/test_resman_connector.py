"""The ResMan connector against a served emulator: data access per method, XML answers, resume
tokens, malformed lines skipped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from pmsgate.canonical.enums import Vendor
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.errors import AuthError
from pmsgate.connectors.registry import ConnectorContext
from pmsgate.connectors.resman import ResManConnector
from pmsgate.connectors.resman.client import ResManClient, ResManHttp
from pmsgate.connectors.resman.credentials import ResManCredentials
from pmsgate.emulators.resman import DEFAULT_KEY, PartnerKey, create_resman_app
from pmsgate.emulators.resman.definition import credentials
from pmsgate.emulators.server import RunningServer, serve_in_thread

LIMITED = PartnerKey(
    DEFAULT_KEY.integration_partner_id,
    DEFAULT_KEY.api_key,
    DEFAULT_KEY.account_id,
    denied=frozenset({"MITS/GetRecurringCharges2_0"}),
)


@pytest.fixture
def served() -> Iterator[RunningServer]:
    server = serve_in_thread(create_resman_app(records=30, seed=8, key=LIMITED))
    yield server
    server.stop()


def _connector(server: RunningServer, **changes: str) -> ResManConnector:
    app = server._server.config.app
    return ResManConnector(
        ConnectorContext("intg_resman", Vendor.RESMAN, server.base_url, {**credentials(app), **changes})
    )


def test_a_method_the_partner_may_not_call_is_not_readable_and_nothing_else_changes(
    served: RunningServer,
) -> None:
    connector = _connector(served)
    try:
        access = connector.data_access()
        assert access[Model.RECURRING_RESIDENT_CHARGES] is False
        assert all(v for m, v in access.items() if m is not Model.RECURRING_RESIDENT_CHARGES)
    finally:
        connector.close()
    refused = _connector(served, apiKey="wrong")
    try:
        with pytest.raises(AuthError):
            refused.check_credentials()
        assert not any(refused.data_access().values())
    finally:
        refused.close()


def test_xml_answers_read_like_json_ones(served: RunningServer) -> None:
    app = served._server.config.app
    form = ResManCredentials.model_validate(credentials(app)).form()
    xml = ResManClient(ResManHttp(served.base_url, bucket=None, accept="application/xml"), form)
    json_ = ResManClient(ResManHttp(served.base_url, bucket=None), form)
    property_id = json_.rows("Account/GetProperties", "Properties")[0]["PropertyID"]
    as_xml = xml.rows("Property/GetUnits", "Units", {"PropertyID": property_id})
    as_json = json_.rows("Property/GetUnits", "Units", {"PropertyID": property_id})
    assert [u["UnitID"] for u in as_xml] == [u["UnitID"] for u in as_json]
    ledger = {"PropertyID": property_id, "StartDate": "2024-01-01"}
    assert xml.document("MITS/GetResidentTransactions2_0", "ResidentTransactions", ledger) == json_.document(
        "MITS/GetResidentTransactions2_0", "ResidentTransactions", ledger
    )


def test_property_resume_tokens_and_malformed_lines(served: RunningServer) -> None:
    connector = _connector(served)
    try:
        since = datetime.now(UTC) - timedelta(days=3 * 365)
        request = ReadRequest(Model.RESIDENT_CHARGES, window_start=since, page_size=50)
        pages = list(connector.stream(request))
        tokens = [p.resume_token for p in pages]
        assert tokens[-1] is None and {"property": 1} in tokens
        resumed = [
            r
            for p in connector.stream(
                ReadRequest(Model.RESIDENT_CHARGES, window_start=since, resume_token={"property": 1})
            )
            for r in p.records
        ]
        second = {r.x_property_id for r in resumed}
        assert len(second) == 1
        assert len(resumed) == len([r for p in pages for r in p.records if r.x_property_id in second])
        app = served._server.config.app
        app.state.store.faults.configure({"malformed_every": 7})
        broken = list(connector.stream(request))
        skipped = [s for p in broken for s in p.skipped]
        assert skipped and all(s["model"] == "resident_charges" for s in skipped)
    finally:
        connector.close()
