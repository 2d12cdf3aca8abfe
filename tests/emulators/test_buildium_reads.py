"""The Buildium emulator's read endpoints beyond what the connector uses (the ones public
Buildium clients call): get-by-id, a lease's charges and recurring transactions, outstanding
balances, general-ledger transactions; every declared filter applied, every other parameter
refused. Answers are validated against Buildium's published OpenAPI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from pmsgate.emulators.buildium import create_buildium_app
from pmsgate.emulators.buildium.seed import BASE as SEED_BASE
from pmsgate.emulators.seeding import month_start
from tests.emulators.test_buildium_app import HEADERS, assert_response_matches


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_buildium_app(records=40, seed=4, requests_per_second=None), headers=HEADERS)


def _all(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(path, params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    assert int(response.headers["X-Total-Count"]) == len(rows)
    return rows


def _refused(client: TestClient, path: str, status: int = 400, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"UserMessage", "ErrorCode", "Errors"}
    return body


@pytest.mark.parametrize(
    ("path", "spec_path", "list_path"),
    [
        ("/v1/rentals/{}", "/v1/rentals/{propertyId}", "/v1/rentals"),
        ("/v1/rentals/units/{}", "/v1/rentals/units/{unitId}", "/v1/rentals/units"),
        ("/v1/leases/tenants/{}", "/v1/leases/tenants/{tenantId}", "/v1/leases/tenants"),
        ("/v1/leases/{}", "/v1/leases/{leaseId}", "/v1/leases"),
        ("/v1/glaccounts/{}", "/v1/glaccounts/{glAccountId}", "/v1/glaccounts"),
    ],
)
def test_get_by_id(client: TestClient, path: str, spec_path: str, list_path: str) -> None:
    listed = _all(client, list_path)
    for row in (listed[0], listed[-1]):
        one = client.get(path.format(row["Id"]))
        assert one.status_code == 200 and one.json() == row
        assert_response_matches("get", spec_path, "200", one.json())
    missing = client.get(path.format(999999))
    assert missing.status_code == 404
    assert_response_matches("get", spec_path, "404", missing.json())
    assert client.get(path.format(listed[0]["Id"]), params={"expand": "all"}).status_code == 400


def test_a_sub_account_is_found_by_id(client: TestClient) -> None:
    sub = _all(client, "/v1/glaccounts", accounttypes="Income")[-1]["SubAccounts"][0]
    assert client.get(f"/v1/glaccounts/{sub['Id']}").json() == sub


def _lease_with(client: TestClient, kind: str) -> int:
    for lease in _all(client, "/v1/leases"):
        rows = _all(client, f"/v1/leases/{lease['Id']}/transactions", transactiontypes=kind)
        if rows:
            return int(lease["Id"])
    raise AssertionError(f"no lease has a {kind}")


def test_lease_charges_are_its_charge_transactions(client: TestClient) -> None:
    lease_id = _lease_with(client, "Credit")
    ledger = _all(client, f"/v1/leases/{lease_id}/transactions")
    charges = _all(client, f"/v1/leases/{lease_id}/charges")
    assert_response_matches("get", "/v1/leases/{leaseId}/charges", "200", charges)
    assert [c["Id"] for c in charges] == [t["Id"] for t in ledger if t["TransactionTypeEnum"] == "Charge"]
    first = charges[0]
    assert first["Lines"][0]["Amount"] == first["TotalAmount"] and first["Lines"][0]["GLAccountId"] == 4000
    day = first["Date"]
    assert [
        c["Id"]
        for c in _all(
            client, f"/v1/leases/{lease_id}/charges", transactiondatefrom=day, transactiondateto=day
        )
    ] == [c["Id"] for c in charges if c["Date"] == day]
    assert _all(client, f"/v1/leases/{lease_id}/charges", billids=5) == []  # no charge belongs to a bill
    _refused(client, f"/v1/leases/{lease_id}/charges", transactiontypes="Charge")  # not declared here
    _refused(
        client,
        f"/v1/leases/{lease_id}/charges",
        422,
        transactiondatefrom="2020-01-01",
        transactiondateto="2021-06-01",
    )
    assert client.get("/v1/leases/1/charges").status_code == 404


def test_lease_recurring_transactions(client: TestClient) -> None:
    bulk = _all(client, "/v1/leases/recurringtransactions")
    lease_id = bulk[0]["LeaseId"]
    rows = _all(client, f"/v1/leases/{lease_id}/recurringtransactions")
    assert_response_matches("get", "/v1/leases/{leaseId}/recurringtransactions", "200", rows)
    assert [r["Id"] for r in rows] == [r["Id"] for r in bulk if r["LeaseId"] == lease_id]
    assert "LeaseId" not in rows[0]
    _refused(client, f"/v1/leases/{lease_id}/recurringtransactions", leaseids=lease_id)


def test_list_filters_are_applied(client: TestClient) -> None:
    leases = _all(client, "/v1/leases")
    for status in ("Active", "Past", "Future"):
        chosen = _all(client, "/v1/leases", leasestatuses=status)
        assert [x["Id"] for x in chosen] == [x["Id"] for x in leases if x["LeaseStatus"] == status]
    both = _all(client, "/v1/leases", leasestatuses=["Past", "Future"])
    assert len(both) == sum(x["LeaseStatus"] != "Active" for x in leases)
    assert _all(client, "/v1/leases", leasetypes="AtWill") == []
    assert len(_all(client, "/v1/leases", leasetypes="Fixed")) == len(leases)
    unit = leases[3]
    assert [x["Id"] for x in _all(client, "/v1/leases", unitnumber=unit["UnitNumber"])] == [
        x["Id"] for x in leases if unit["UnitNumber"] in x["UnitNumber"]
    ]
    mid_month = (SEED_BASE + timedelta(days=14)).date().isoformat()  # between the seed's lease starts
    assert [x["Id"] for x in _all(client, "/v1/leases", leasedatefrom=mid_month)] == [
        x["Id"] for x in leases if x["LeaseFromDate"] >= mid_month
    ]
    assert _all(client, "/v1/leases", rentalownerids=3) == []  # the emulator's rentals have no owners

    tenants = _all(client, "/v1/leases/tenants")
    units = {x["UnitId"] for x in leases[:2]}
    assert {t["Id"] for t in _all(client, "/v1/leases/tenants", unitids=sorted(units))} == {
        t["Id"] for t in tenants if any(lease["UnitId"] in units for lease in t["Leases"])
    }
    person = tenants[5]
    named = _all(client, "/v1/leases/tenants", name=person["LastName"].upper())
    assert person["Id"] in {t["Id"] for t in named}
    assert all(person["LastName"] in t["LastName"] for t in named)
    assert [t["Id"] for t in _all(client, "/v1/leases/tenants", email=person["Email"])] == [person["Id"]]
    past = _all(client, "/v1/leases/tenants", leasetermstatuses="Past")
    assert past and all(t["Leases"][0]["LeaseStatus"] == "Past" for t in past)
    assert len(_all(client, "/v1/leases/tenants", buildingstatuses="Active")) == len(tenants)
    assert _all(client, "/v1/leases/tenants", buildingstatuses="InActive") == []

    rentals = _all(client, "/v1/rentals")
    kind = rentals[0]["RentalSubType"]
    assert [r["Id"] for r in _all(client, "/v1/rentals", subtypes=kind)] == [
        r["Id"] for r in rentals if r["RentalSubType"] == kind
    ]
    assert len(_all(client, "/v1/rentals", location="springfield", status="Active")) == len(rentals)
    assert _all(client, "/v1/rentals", location="Boston") == []
    assert _all(client, "/v1/rentals", types="Commercial") == []
    incomes = _all(client, "/v1/glaccounts", accounttypes="Income")
    assert incomes and all(a["Type"] == "Income" for a in incomes)

    recent = datetime.now(UTC) - timedelta(days=200)
    made = _all(client, "/v1/leases", createddatetimefrom=recent.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert made == [x for x in leases if x["CreatedDateTime"] >= recent.strftime("%Y-%m-%dT%H:%M:%SZ")]


def test_unknown_parameters_and_values_are_refused(client: TestClient) -> None:
    for path, params in [
        ("/v1/leases", {"unitids": 10001}),  # a tenants filter, not a leases one
        ("/v1/rentals/units", {"leasestatuses": "Active"}),
        ("/v1/glaccounts", {"propertyids": 1}),
        ("/v1/leases/tenants", {"Limit": 5}),  # names are case-sensitive
        ("/v1/leases/recurringtransactions", {"propertyids": 1}),
    ]:
        body = _refused(client, path, **params)
        assert body["Errors"][0]["Key"] == next(iter(params))
    _refused(client, "/v1/leases", leasestatuses="Current")
    _refused(client, "/v1/leases", leasetypes="Yearly")
    _refused(client, "/v1/leases", orderby="Nope asc")
    _refused(client, "/v1/leases/1/transactions", status=404)
    lease_id = _all(client, "/v1/leases")[0]["Id"]
    _refused(client, f"/v1/leases/{lease_id}/transactions", transactiontypes="Rent")
    txn_id = _all(client, f"/v1/leases/{lease_id}/transactions")[0]["Id"]
    _refused(client, f"/v1/leases/{lease_id}/transactions/{txn_id}", expand="all")  # single records too


def test_orderby_is_applied(client: TestClient) -> None:
    leases = _all(client, "/v1/leases", orderby="Id desc")
    assert [x["Id"] for x in leases] == sorted((x["Id"] for x in leases), reverse=True)
    by_date = _all(client, "/v1/leases", orderby="LeaseFromDate desc,Id asc")
    assert [(x["LeaseFromDate"], x["Id"]) for x in by_date] == sorted(
        ((x["LeaseFromDate"], x["Id"]) for x in leases), key=lambda k: (-int(k[0].replace("-", "")), k[1])
    )


def test_outstanding_balances(client: TestClient) -> None:
    rows = _all(client, "/v1/leases/outstandingbalances")
    assert_response_matches("get", "/v1/leases/outstandingbalances", "200", rows)
    assert rows and all(r["TotalBalance"] > 0 for r in rows)
    leases = {x["Id"]: x for x in _all(client, "/v1/leases")}
    for row in rows[:5]:  # the balance is charges less credits and payments, to the cent
        ledger = _all(client, f"/v1/leases/{row['LeaseId']}/transactions")
        sign = {"Charge": 1, "Credit": -1, "Payment": -1}
        cents = sum(sign[t["TransactionTypeEnum"]] * round(t["TotalAmount"] * 100) for t in ledger)
        assert round(row["TotalBalance"] * 100) == cents
        buckets = ("Balance0To30Days", "Balance31To60Days", "Balance61To90Days", "BalanceOver90Days")
        assert sum(round(row[b] * 100) for b in buckets) == cents
        assert sum(round(b["TotalBalance"] * 100) for b in row["Balances"]) == cents
        assert row["PropertyId"] == leases[row["LeaseId"]]["PropertyId"]
    one = rows[0]
    assert _all(client, "/v1/leases/outstandingbalances", leaseids=one["LeaseId"]) == [one]
    mine = _all(client, "/v1/leases/outstandingbalances", entitytype="Rental", entityid=one["PropertyId"])
    assert one in mine and all(r["PropertyId"] == one["PropertyId"] for r in mine)
    status = leases[one["LeaseId"]]["LeaseStatus"]
    assert one in _all(client, "/v1/leases/outstandingbalances", leasestatuses=status)
    assert _all(client, "/v1/leases/outstandingbalances", balanceduration="Balance0to30Days") == [
        r for r in rows if r["Balance0To30Days"] > 0
    ]
    assert _all(client, "/v1/leases/outstandingbalances", evictionstatus="EvictionPending") == []
    assert _all(client, "/v1/leases/outstandingbalances", pastdueemail="Sent") == []
    _refused(client, "/v1/leases/outstandingbalances", entityid=1)  # without its entitytype
    _refused(client, "/v1/leases/outstandingbalances", balanceduration="Forever")
    _refused(client, "/v1/leases/outstandingbalances", propertyids=1)


def test_general_ledger_transactions(client: TestClient) -> None:
    # The twelve months before the seed's anchor: within 365 days, and inside its ledger.
    start = month_start(SEED_BASE.date(), 12).isoformat()
    end = (SEED_BASE.date() - timedelta(days=1)).isoformat()
    params = {"startdate": start, "enddate": end, "glaccountids": 4100}
    rows = _all(client, "/v1/generalledger/transactions", **params)
    assert_response_matches("get", "/v1/generalledger/transactions", "200", rows)
    assert rows and all(start <= r["Date"] <= end for r in rows)
    assert all(any(line["GLAccount"]["Id"] == 4100 for line in r["Journal"]["Lines"]) for r in rows)
    assert rows[0]["Journal"]["Lines"][0]["GLAccount"]["Name"] == "Late Fee Income"
    lease_id = rows[0]["UnitAgreement"]["Id"]
    ledger = _all(
        client,
        f"/v1/leases/{lease_id}/transactions",
        transactiondatefrom=start,
        transactiondateto=end,
    )
    assert [r["Id"] for r in rows if r["UnitAgreement"]["Id"] == lease_id] == [
        t["Id"] for t in ledger if any(line["GLAccount"]["Id"] == 4100 for line in t["Journal"]["Lines"])
    ]
    both = _all(client, "/v1/generalledger/transactions", **{**params, "glaccountids": [4000, 4100]})
    payments = [r for r in both if r["TransactionType"] == "Payment"]
    assert len(both) > len(rows) and payments and payments[0]["PaymentDetail"]["Payee"]["Type"] == "Tenant"
    unit = rows[0]["UnitId"]
    property_id = rows[0]["Journal"]["Lines"][0]["AccountingEntity"]["Id"]
    scoped = _all(
        client,
        "/v1/generalledger/transactions",
        **params,
        selectionentitytype="Rental",
        selectionentityid=property_id,
    )
    assert rows[0] in scoped and all(
        r["Journal"]["Lines"][0]["AccountingEntity"]["Id"] == property_id for r in scoped
    )
    assert all(
        r["UnitId"] == unit
        for r in _all(client, "/v1/generalledger/transactions", **params, selectionentityunitid=unit)
    )
    # Nothing was updated after the seed's anchor; the range may not reach back over 365 days.
    since = max(SEED_BASE, datetime.now(UTC) - timedelta(days=364)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _all(client, "/v1/generalledger/transactions", **params, lastupdatedfrom=since) == []
    body = _refused(client, "/v1/generalledger/transactions", startdate=start, enddate=end)
    assert body["Errors"][0]["Key"] == "glaccountids"
    too_early = (month_start(SEED_BASE.date(), 12) - timedelta(days=2)).isoformat()  # over 365 days
    _refused(client, "/v1/generalledger/transactions", 422, **{**params, "startdate": too_early})
    _refused(client, "/v1/generalledger/transactions", **params, selectionentityid=1)


def test_the_malformed_fault_spares_rows_without_an_id() -> None:
    app = create_buildium_app(records=20, seed=4, requests_per_second=None)
    client = TestClient(app, headers=HEADERS)
    assert client.post("/_control/faults", json={"malformed_every": 2}).status_code == 200
    assert client.get("/v1/leases/outstandingbalances").status_code == 200
    assert any("Id" not in row for row in client.get("/v1/leases").json())  # the fault is on
