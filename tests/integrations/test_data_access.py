"""The data-access check: which models the credentials can read, and wrong credentials."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmsgate.emulators.sample import SampleCredentials, create_sample_app
from pmsgate.emulators.server import serve_in_thread
from pmsgate.integrations.tasks import check_data_access
from tests.fixtures.api import make_customer
from tests.fixtures.sample import create_integration


def test_data_access_reports_each_model(app: FastAPI) -> None:
    limited = SampleCredentials(
        username="u", password="p", company_id="c", denied_collections=frozenset({"receipts"})
    )
    with serve_in_thread(create_sample_app(records=10, credentials=limited)) as server:
        customer = make_customer()
        integration_id, _ = create_integration(
            customer,
            server.base_url,
            active=False,
            credentials={"baseUrl": server.base_url, "username": "u", "password": "p", "companyId": "c"},
        )
        check_data_access(integration_id)
        wrong_id, _ = create_integration(
            customer,
            server.base_url,
            active=False,
            credentials={"baseUrl": server.base_url, "username": "u", "password": "nope", "companyId": "c"},
        )
        check_data_access(wrong_id)
    with TestClient(app, headers=customer.headers) as client:
        info = client.get(f"/v1/admin/integrations/{integration_id}/data-access").json()["result"]
        assert info["data_access_check_in_process"] is False and info["last_data_access_check"]
        assert info["models"]["resident_payments"]["read"] == {
            "status": "FAILED",
            "error_message": "these credentials cannot read resident_payments",
        }
        assert info["models"]["resident_charges"] == {
            "read": {"status": "SUCCESS", "error_message": None},
            "create": {"untested": True},  # writes are never tried against a live ledger
            "update": {"unsupported": True},
        }
        assert info["models"]["recurring_resident_charges"]["update"] == {"untested": True}
        assert (
            client.get(f"/v1/admin/integrations/{integration_id}/").json()["results"]["can_authenticate"]
            is True
        )
        wrong = client.get(f"/v1/admin/integrations/{wrong_id}/").json()["results"]
        assert wrong["can_authenticate"] is False
        assert wrong["models"] and not any(entry["enabled"] for entry in wrong["models"].values())
        refused = client.get(f"/v1/admin/integrations/{wrong_id}/data-access").json()["result"]["models"]
        assert refused and all(
            entry["read"]["status"] == "FAILED" and "credentials" in entry["read"]["error_message"]
            for entry in refused.values()
        )


def test_reports_stored_in_the_old_shape_are_answered_in_the_contracts() -> None:
    from pmsgate.integrations.access import present

    legacy = {"leases": {"read": True}, "resident_payments": {"read": False}, "error": {"message": "x"}}
    assert present(legacy) == {
        "leases": {
            "read": {"status": "SUCCESS", "error_message": None},
            "create": {"untested": True},
            "update": {"untested": True},
        },
        "resident_payments": {
            "read": {"status": "FAILED", "error_message": "these credentials cannot read resident_payments"},
            "create": {"untested": True},
            "update": {"untested": True},
        },
    }
