"""The Rentvine emulator on its own: auth, paging, filters, writes and faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

import pmsgate.emulators.rentvine.definition  # noqa: F401  (registers the emulator)
from pmsgate.emulators.registry import emulator
from pmsgate.emulators.rentvine import RentvineLogin, create_rentvine_app
from pmsgate.emulators.rentvine.seed import generate
from pmsgate.emulators.rentvine.wire import TODAY
from pmsgate.emulators.seeding import month_start

AUTH = ("rv-emulator-key", "rv-emulator-secret")
API = "/api/manager"
# Dates in the seed's calendar: its anchor (wire.TODAY) is the first of this month and its ledger
# runs through this month; writes are dated just after the anchor, schedules start next month.
POSTED, PAID = (str(TODAY + timedelta(days=n)) for n in (5, 6))
NEXT_MONTH = month_start(TODAY, -1)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_rentvine_app(records=20, seed=2)) as test_client:
        yield test_client


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(API + path, params=params, auth=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_seed_is_deterministic_and_spans_more_than_a_year() -> None:
    assert generate(30, 1) == generate(30, 1)
    days = sorted(t["datePosted"] for t in generate(30, 1)["transactions"])
    assert days[0] < month_start(TODAY, 13).isoformat() and days[-1] >= month_start(TODAY, 1).isoformat()
    assert len(generate(30, 1)["contacts"]) == 30


def test_basic_auth_is_required_and_roles_are_enforced(client: TestClient) -> None:
    assert client.get(API + "/properties/export").status_code == 401
    wrong = client.get(API + "/properties/export", auth=("rv-emulator-key", "nope"))
    assert wrong.status_code == 401 and wrong.json() == {"message": "Unauthenticated."}
    app = create_rentvine_app(records=5, login=RentvineLogin("k", "s", "c", denied=frozenset({"accounting"})))
    with TestClient(app) as limited:
        assert limited.get(API + "/accounting/accounts", auth=("k", "s")).status_code == 403
        assert limited.get(API + "/leases/export", auth=("k", "s")).status_code == 200


def test_paging_is_by_page_number_and_rows_are_entity_wrapped(client: TestClient) -> None:
    everything = get(client, "/properties/units/export", pageSize=100)
    first, second = (
        get(client, "/properties/units/export", pageSize=5),
        get(client, "/properties/units/export", pageSize=5, page=2),
    )
    assert [r["unit"]["unitID"] for r in first + second] == [r["unit"]["unitID"] for r in everything[:10]]
    assert client.get(API + "/properties/export", params={"pageSize": 101}, auth=AUTH).status_code == 400
    assert client.get(API + "/properties/export", params={"bogus": 1}, auth=AUTH).status_code == 400
    lease = get(client, "/leases/export", pageSize=1)[0]
    assert set(lease) == {"lease", "balances", "unit"}


def test_the_endpoints_public_clients_browse(client: TestClient) -> None:
    properties = get(client, "/properties", pageSize=100)
    assert properties == get(client, "/properties/export", pageSize=100)
    first = properties[0]["property"]
    assert get(client, f"/properties/{first['propertyID']}") == {"property": first}
    units = get(client, f"/properties/{first['propertyID']}/units", pageSize=100)
    assert units and all(u["unit"]["propertyID"] == first["propertyID"] for u in units)
    leases = get(client, "/leases", pageSize=3)
    lease = leases[0]["lease"]
    one = get(client, f"/leases/{lease['leaseID']}")
    assert one["lease"] == lease and set(one["balances"]) == {"unpaidTotalAmount", "pastDueTotalAmount"}
    assert get(client, "/tenants", pageSize=2) == get(client, "/tenants/search", pageSize=2)
    portfolios = get(client, "/portfolios")
    assert {p["portfolio"]["portfolioID"] for p in portfolios} == {
        p["property"]["portfolioID"] for p in properties
    }
    only = get(client, "/portfolios", **{"portfolioIDs[]": portfolios[0]["portfolio"]["portfolioID"]})
    assert len(only) == 1
    ledgers = get(client, "/accounting/ledgers/search", **{"leaseIDs[]": lease["leaseID"]})
    assert [row["ledger"]["leaseID"] for row in ledgers] == [lease["leaseID"]]
    for missing in ("/properties/999999", "/leases/999999", "/properties/999999/units"):
        assert client.get(API + missing, auth=AUTH).status_code == 404
    for path in ("/properties", "/portfolios", "/accounting/ledgers/search"):  # never silently ignored
        assert client.get(API + path, params={"bogus": 1}, auth=AUTH).status_code == 400
    assert client.get(API + "/portfolios").status_code == 401


def test_date_and_type_filters(client: TestClient) -> None:
    since = month_start(TODAY, 2).isoformat()  # the ledger's last three months
    rows = get(
        client,
        "/accounting/transactions/search",
        pageSize=100,
        datePostedMin=since,
        **{"transactionTypeIDs[]": "2"},
    )
    assert rows and all(
        r["transaction"]["datePosted"] >= since and r["transaction"]["transactionTypeID"] == 2 for r in rows
    )
    last_month = month_start(TODAY, 1).isoformat()
    recent = get(client, "/leases/export", pageSize=100, dateTimeModifiedMin=f"{last_month} 00:00:00")
    assert all(r["lease"]["dateTimeModified"] >= last_month for r in recent)
    assert (
        client.get(API + "/leases/export", params={"dateTimeModifiedMin": "soon"}, auth=AUTH).status_code
        == 400
    )


def test_writes_store_and_answer_the_record(client: TestClient) -> None:
    lease = next(
        r["lease"]
        for r in get(client, "/leases/export", pageSize=100)
        if r["lease"]["primaryLeaseStatusID"] == 2
    )
    path = f"{API}/accounting/leases/{lease['leaseID']}"
    charge = client.post(
        path + "/charges",
        auth=AUTH,
        json={"chargeAccountID": 6, "amount": "75.00", "datePosted": POSTED, "description": "Late fee"},
    )
    assert charge.status_code == 200, charge.text
    assert charge.json()["transaction"]["transactionTypeID"] == 1
    bad = client.post(
        path + "/charges",
        auth=AUTH,
        json={"chargeAccountID": 6, "amount": "0", "datePosted": POSTED, "description": "x"},
    )
    assert bad.status_code == 422 and "amount" in bad.json()["errors"]
    primary = next(t["contactID"] for t in lease["tenants"] if t["isPrimary"])
    payment = {
        "contactID": primary,
        "accountID": 5,
        "amount": "75.00",
        "paymentType": "CHECK",
        "datePosted": PAID,
    }
    refused = client.post(path + "/payments", auth=AUTH, json=payment)
    assert refused.status_code == 422 and "bank account" in refused.json()["errors"]["accountID"]
    paid = client.post(path + "/payments", auth=AUTH, json={**payment, "accountID": 1})
    assert paid.status_code == 200 and paid.json()["transaction"]["allocations"]
    recurring = f"{API}/leases/{lease['leaseID']}/recurring-charges"
    created = client.post(
        recurring,
        auth=AUTH,
        json={
            "accountID": 7,
            "amount": "35",
            "dayDue": 1,
            "description": "Pet",
            "startDate": NEXT_MONTH.isoformat(),
            "endDate": None,
            "frequency": 1,
        },
    )
    charge_id = created.json()["recurringCharge"]["leaseRecurringChargeID"]
    updated = client.post(
        f"{recurring}/{charge_id}", auth=AUTH, json={"endDate": f"{NEXT_MONTH - timedelta(days=1):%m/%d/%Y}"}
    )
    assert updated.status_code == 422  # before its start (in the MM/DD/YYYY form Rentvine's UI posts)
    updated = client.post(f"{recurring}/{charge_id}", auth=AUTH, json={"amount": "40.00"})
    assert updated.json()["recurringCharge"]["amount"] == "40.00"
    assert client.put(f"{recurring}/{charge_id}", auth=AUTH, json={}).status_code == 405


def test_faults_and_rate_limit(client: TestClient) -> None:
    client.post("/_control/faults", json={"rate_limit_burst": 1, "server_errors": 1})
    limited = client.get(API + "/properties/export", auth=AUTH)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
    assert client.get(API + "/properties/export", auth=AUTH).status_code == 503
    assert client.get(API + "/properties/export", auth=AUTH).status_code == 200
    client.post("/_control/limits", json={"requests_per_second": 1})
    assert client.get(API + "/properties/export", auth=AUTH).status_code == 200
    assert client.get(API + "/properties/export", auth=AUTH).status_code == 429
    state = client.get("/_control/state").json()
    assert state["fired"]["rate_limit_burst"] == 1 and state["fired"]["rate_limit"] == 1
    assert client.post("/_control/faults", json={"nonsense": 1}).status_code == 400


def test_the_registered_emulator_prints_propexo_shaped_credentials() -> None:
    definition = emulator("rentvine")
    app = definition.create_app(5, 1)
    assert definition.credentials(app) == {"apiKey": AUTH[0], "apiSecret": AUTH[1], "companyId": "emulator"}
    assert definition.base_path == API
