"""One rule for records that belong to no property (a company-wide chart of accounts, charge
codes): x_property_id is NO_PROPERTY (""), as the contract makes x_property_id a required,
non-null string; never None and never one copy per property. Every vendor's connector, reading its
emulator over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from pmsgate.canonical.records import NO_PROPERTY
from pmsgate.canonical.registry import Model
from pmsgate.connectors.base import ReadRequest
from pmsgate.connectors.http import RetryPolicy
from pmsgate.connectors.registry import ConnectorContext, definition_for
from pmsgate.connectors.throttle import RequestBudget
from pmsgate.emulators.registry import emulator, names
from pmsgate.emulators.server import serve_in_thread

# The models each vendor keeps company-wide; a vendor not named keeps them per property.
COMPANY_WIDE = {
    "buildium": {Model.FINANCIAL_ACCOUNTS},
    "entrata": {Model.CHARGE_CODES, Model.FINANCIAL_ACCOUNTS},
    "propertyware": {Model.FINANCIAL_ACCOUNTS},
    "rentmanager": {Model.CHARGE_CODES, Model.FINANCIAL_ACCOUNTS},
    "rentvine": {Model.FINANCIAL_ACCOUNTS},
    "resman": {Model.CHARGE_CODES, Model.FINANCIAL_ACCOUNTS},
    "yardi": {Model.CHARGE_CODES, Model.FINANCIAL_ACCOUNTS},
}


def _read(connector: Any, model: Model) -> list[Any]:
    return [rec for page in connector.stream(ReadRequest(model, page_size=250)) for rec in page.records]


@pytest.mark.parametrize("name", names())
def test_company_wide_records_carry_no_property(name: str) -> None:
    definition = emulator(name)
    app = definition.create_app(records=6, seed=3)
    with serve_in_thread(app) as server:
        base_url = server.base_url + definition.base_path
        vendor = definition.vendors[0]
        context = ConnectorContext(
            integration_id=f"no-property-{name}",
            vendor=vendor,
            base_url=base_url,
            credentials={**definition.credentials(app), "baseUrl": base_url},
            budget=RequestBudget(1000, 1),
            retry=RetryPolicy(sleep=lambda _s: None),
        )
        connector = definition_for(vendor).factory(context)
        try:
            properties = {rec.x_id for rec in _read(connector, Model.PROPERTIES)}
            models = connector.supported_models() & {Model.CHARGE_CODES, Model.FINANCIAL_ACCOUNTS}
            for model in models:
                records = _read(connector, model)
                assert records, (name, model)
                owners = {rec.x_property_id for rec in records}
                if model in COMPANY_WIDE.get(name, set()):
                    assert owners == {NO_PROPERTY}, (name, model)
                    assert len({rec.x_id for rec in records}) == len(records), (name, model)  # once each
                else:
                    assert owners <= properties, (name, model)
        finally:
            connector.close()
