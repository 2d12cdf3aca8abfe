"""The Rent Manager emulator over HTTP (in-process): auth, RQL, paging, Save writes, faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

import pmsgate.emulators.rentmanager.definition  # noqa: F401  (registers the emulator)
from pmsgate.emulators.registry import emulator
from pmsgate.emulators.rentmanager import DEFAULT_LOGIN, create_rentmanager_app
from pmsgate.emulators.rentmanager.wire import BASE, HARD_CLOSE_THROUGH, day
from pmsgate.emulators.seeding import month_start

LOGIN = {"Username": DEFAULT_LOGIN.username, "Password": DEFAULT_LOGIN.password}
# Dates in the seed's calendar: its anchor (wire.BASE) is the first of this month, its ledger ends
# the month before; writes are dated after the anchor, closed ones in the hard-closed periods.
ANCHOR = BASE.date()
CLOSED = str(HARD_CLOSE_THROUGH - timedelta(days=29))
NEXT_MONTH = str(month_start(ANCHOR, -1))


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_rentmanager_app(records=30, seed=4)) as test_client:
        token = test_client.post("/Authentication/AuthorizeUser", json=LOGIN).json()
        test_client.headers["X-RM12Api-ApiToken"] = token
        yield test_client


def _tenant(client: TestClient) -> dict[str, Any]:
    return dict(client.get("/Tenants", params={"pagesize": 1, "pagenumber": 1}).json()[0])


def test_login_answers_a_bare_token_and_wrong_credentials_an_error_model() -> None:
    with TestClient(create_rentmanager_app(records=5)) as client:
        token = client.post("/Authentication/AuthorizeUser", json=LOGIN)
        assert token.status_code == 200 and isinstance(token.json(), str)
        partner = client.post(
            "/Authentication/AuthorizeUser", json={"PartnerToken": DEFAULT_LOGIN.partner_token}
        )
        assert partner.status_code == 200
        wrong = client.post("/Authentication/AuthorizeUser", json={**LOGIN, "Password": "nope"})
        assert wrong.status_code == 401 and set(wrong.json()) >= {
            "DeveloperMessage",
            "UserMessage",
            "ErrorCode",
        }
        assert client.get("/Properties").status_code == 401
        assert client.get("/Properties", headers={"X-RM12Api-ApiToken": "forged"}).status_code == 401


def test_the_partner_token_may_come_as_a_header_on_every_request() -> None:
    partner = {"X-RM12Api-PartnerToken": DEFAULT_LOGIN.partner_token or ""}
    with TestClient(create_rentmanager_app(records=5)) as client:
        token = client.post("/Authentication/AuthorizeUser", json={}, headers=partner)
        assert token.status_code == 200 and isinstance(token.json(), str)
        read = client.get("/Properties", headers={**partner, "X-RM12Api-ApiToken": token.json()})
        assert read.status_code == 200 and read.json()
        wrong = client.post(
            "/Authentication/AuthorizeUser", json={}, headers={"X-RM12Api-PartnerToken": "not-it"}
        )
        assert wrong.status_code == 401


def test_a_tenants_nested_transactions_leases_and_recurring_charges(client: TestClient) -> None:
    tenant = _tenant(client)
    tenant_id = tenant["TenantID"]
    transactions = client.get(f"/Tenants/{tenant_id}/Transactions")
    assert transactions.status_code == 200, transactions.text
    rows = transactions.json()
    assert rows and {r["TransactionType"] for r in rows} >= {"Charge"}
    assert all(r["AccountID"] == tenant_id for r in rows)
    assert transactions.headers["X-Total-Results"] == str(len(rows))
    paged = client.get(f"/Tenants/{tenant_id}/Transactions", params={"pagesize": 1, "pagenumber": 1})
    assert len(paged.json()) == 1 and "Link" in paged.headers
    leases = client.get(f"/Tenants/{tenant_id}/Leases").json()
    assert leases and all(lease["TenantID"] == tenant_id for lease in leases)
    recurring = client.get(f"/Tenants/{tenant_id}/RecurringCharges")
    assert recurring.status_code in (200, 204)
    assert all(
        r["EntityKeyID"] == tenant_id for r in (recurring.json() if recurring.status_code == 200 else [])
    )
    assert client.get("/Tenants/999999/Transactions").status_code == 404
    assert client.get(f"/Tenants/{tenant_id}/Nothing").status_code == 404


def test_paging_headers_and_links(client: TestClient) -> None:
    first = client.get("/Charges", params={"pagesize": 50, "pagenumber": 1})
    total = int(first.headers["X-Total-Results"])
    assert len(first.json()) == 50 and total > 50
    assert 'rel="next"' in first.headers["Link"] and "pagenumber=2" in first.headers["Link"]
    pages = [first.json()]
    number = 2
    while True:
        page = client.get("/Charges", params={"pagesize": 50, "pagenumber": number})
        if page.status_code == 204:
            break
        pages.append(page.json())
        number += 1
    ids = [row["ChargeID"] for rows in pages for row in rows]
    assert len(ids) == len(set(ids)) == total


def test_rql_filters_fields_and_embeds(client: TestClient) -> None:
    tenant = _tenant(client)
    mine = client.get(
        "/Charges", params={"filters": f"AccountID,eq,{tenant['TenantID']};Amount,gt,100"}
    ).json()
    assert mine and all(row["AccountID"] == tenant["TenantID"] and row["Amount"] > 100 for row in mine)
    since = month_start(ANCHOR, 4).isoformat()  # the ledger's last four months
    recent = client.get("/Charges", params={"filters": f"TransactionDate,ge,{since}"}).json()
    assert recent and all(row["TransactionDate"] >= since for row in recent)
    narrow = client.get("/Tenants", params={"fields": "TenantID,PropertyID"}).json()
    assert set(narrow[0]) == {"TenantID", "PropertyID"}
    assert "Allocations" not in client.get("/Payments", params={"pagesize": 1}).json()[0]
    assert client.get("/Payments", params={"pagesize": 1, "embeds": "Allocations"}).json()[0]["Allocations"]
    assert (
        client.get("/Payments", params={"pagesize": 1, "embed": "Allocations"}).json()[0]["Allocations"] == []
    )
    bad = client.get("/Charges", params={"filters": "Nope,eq,1"})
    assert bad.status_code == 400 and "ModelState" in bad.json()
    assert client.get("/Charges", params={"filters": "AccountID,eq,1"}).status_code == 204
    assert client.get("/Nowhere").json() == {
        "Message": "No HTTP resource was found that matches the request (no resource 'Nowhere')."
    }


def test_contacts_and_phone_numbers_are_embeds_not_tenant_fields(client: TestClient) -> None:
    bare = client.get("/Tenants", params={"pagesize": 5}).json()
    assert all("Email" not in t and "PhoneNumber" not in t and "Contacts" not in t for t in bare)
    listed = client.get("/Tenants", params={"pagesize": 5, "embeds": "Contacts"}).json()
    contact = listed[0]["Contacts"][0]
    assert contact["IsPrimary"] is True and "@" in contact["Email"] and "PhoneNumbers" not in contact
    assert contact["ParentID"] == listed[0]["TenantID"] and contact["ParentType"] == "Tenant"
    # A nested embed embeds its parent too (public clients send `embeds=Contacts.PhoneNumbers`).
    for embeds in ("Contacts,Contacts.PhoneNumbers", "Contacts.PhoneNumbers"):
        nested = client.get("/Tenants", params={"pagesize": 5, "embeds": embeds}).json()
        phone = nested[0]["Contacts"][0]["PhoneNumbers"][0]
        assert phone["PhoneNumber"] and phone["PhoneNumberTypeID"] == 3 and phone["IsPrimary"] is True
        assert phone["ParentID"] == nested[0]["Contacts"][0]["ContactID"] and "PhoneNumberType" not in phone
    typed = client.get("/Tenants", params={"pagesize": 1, "embeds": "Contacts.PhoneNumbers.PhoneNumberType"})
    assert typed.json()[0]["Contacts"][0]["PhoneNumbers"][0]["PhoneNumberType"]["Name"] == "Cell"
    narrow = client.get("/Tenants", params={"pagesize": 1, "fields": "TenantID", "embeds": "Contacts"}).json()
    assert set(narrow[0]) == {"TenantID", "Contacts"}
    one = client.get(f"/Tenants/{listed[0]['TenantID']}", params={"embeds": "Contacts.PhoneNumbers"}).json()
    assert one["Contacts"][0]["PhoneNumbers"]
    singular = client.get("/Tenants", params={"pagesize": 1, "embed": "Contacts"}).json()
    assert singular[0]["Contacts"] == []  # the PDF's singular spelling: empty arrays
    recurring = client.get("/RecurringCharges", params={"pagesize": 20}).json()
    assert {type(row["Frequency"]) for row in recurring} == {int}


def _charge(tenant: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "AccountID": tenant["TenantID"],
        "AccountType": "Customer",
        "ChargeTypeID": 1,
        "Amount": 12.5,
        "TransactionDate": day(ANCHOR + timedelta(days=1)),
        "Comment": "test [PMSG-X]",
        "Reference": "R-1",
        **overrides,
    }


def test_charge_saves_answer_204_and_honour_hard_close(client: TestClient) -> None:
    tenant = _tenant(client)
    assert client.post("/Charges", json=[_charge(tenant)]).status_code == 204
    found = client.get("/Charges", params={"filters": "Comment,ct,PMSG-X"}).json()
    assert len(found) == 1 and found[0]["Amount"] == 12.5
    closed = client.post("/Charges", json=[_charge(tenant, TransactionDate=CLOSED)])
    assert closed.status_code == 412 and "hard closed" in closed.json()["UserMessage"]
    forced = client.post(
        "/Charges",
        params={"saveOptions": "IgnoreHardClose"},
        json=[_charge(tenant, TransactionDate=CLOSED)],
    )
    assert forced.status_code == 204
    assert client.post("/Charges", json=_charge(tenant)).status_code == 400  # a list is required


def test_payments_allocate_and_recurring_updates_check_concurrency(client: TestClient) -> None:
    tenant = _tenant(client)
    client.post("/Charges", json=[_charge(tenant, Amount=40)])
    paid = client.post("/Payments", json=[_charge(tenant, Amount=10, ChargeTypeID=None)])
    assert paid.status_code == 200 and paid.json()[0]["ID"] and paid.json()[0]["Allocations"]
    weekly = {
        "EntityType": "Tenant",
        "EntityKeyID": tenant["TenantID"],
        "ChargeTypeID": 5,
        "Amount": 9,
        "Frequency": 2,  # RM's integer enum: Weekly
    }
    assert client.post("/RecurringCharges", json=[weekly]).status_code == 400  # FromDate needed
    named = client.post("/RecurringCharges", json=[{**weekly, "Frequency": "Weekly", "FromDate": NEXT_MONTH}])
    assert named.status_code == 400 and "2 (Weekly)" in named.json()["UserMessage"]
    saved = client.post("/RecurringCharges", json=[{**weekly, "FromDate": NEXT_MONTH}]).json()[0]
    path = f"/RecurringCharges/{saved['RecurringChargeID']}"
    stale = client.post(path, json={"Amount": 11, "UpdateDate": "2020-01-01T00:00:00"})
    assert stale.status_code == 409
    fresh = client.post(path, json={"Amount": 11, "UpdateDate": saved["UpdateDate"]})
    assert (
        fresh.status_code == 200
        and fresh.json()["Amount"] == 11
        and fresh.json()["UpdateDate"] != saved["UpdateDate"]
    )


def test_one_save_cannot_span_locations(client: TestClient) -> None:
    tenants = client.get("/Tenants").json()
    locations = {p["PropertyID"]: p["LocationID"] for p in client.get("/Properties").json()}
    one = next(t for t in tenants if locations[t["PropertyID"]] == 1)
    two = next(t for t in tenants if locations[t["PropertyID"]] == 2)
    answer = client.post("/Charges", json=[_charge(one), _charge(two)])
    assert answer.status_code == 400 and "same location" in answer.json()["UserMessage"]


def test_faults_and_rate_limit(client: TestClient) -> None:
    client.post("/_control/faults", json={"rate_limit_burst": 1, "server_errors": 1})
    limited = client.get("/Units")
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    assert client.get("/Units").status_code == 503
    assert client.get("/Units").status_code == 200
    client.post("/_control/faults", json={"malformed_every": 2})
    rows = client.get("/Units").json()
    assert "UnitID" not in rows[1]
    client.post("/_control/reset")
    client.post("/_control/faults", json={"fail_writes_after_commit": 1})
    before = len(client.get("/Charges").json())
    assert client.post("/Charges", json=[_charge(_tenant(client))]).status_code == 500
    assert len(client.get("/Charges").json()) == before + 1  # stored all the same
    client.post("/_control/limits", json={"requests_per_minute": 2})
    statuses = [client.get("/Units").status_code for _ in range(3)]
    assert statuses[-1] == 429
    client.post("/_control/limits", json={"requests_per_minute": None})
    client.post("/_control/expire-tokens")
    assert client.get("/Units").status_code == 401


def test_the_emulator_is_registered_with_its_credentials() -> None:
    definition = emulator("rentmanager")
    app = definition.create_app(5, 1)
    assert definition.credentials(app) == {
        "Username": "apiuser",
        "Password": "rm-demo-password",
        "companyId": "demo",
    }
