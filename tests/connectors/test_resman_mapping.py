"""ResMan mapping and wire reading: pure functions and the envelope, no server."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from pmsgate.canonical.records import NO_PROPERTY
from pmsgate.connectors.errors import AuthError, PermanentError, VendorRejected
from pmsgate.connectors.parsing import MappingError
from pmsgate.connectors.resman import ledger, mits
from pmsgate.connectors.resman import mapping as m
from pmsgate.connectors.resman.client import DuplicateTransaction, envelope, failure

PROPERTY = "0b9e4f2a-1111-4c55-9a51-1d2f3e4a5b6c"
DOC = f"""<?xml version="1.0"?>
<ResidentTransactions xmlns="http://my-company.com/namespace">
  <Property><PropertyID><Identification IDValue="{PROPERTY}"/></PropertyID>
    <RT_Customer>
      <CustomerID>lease-1</CustomerID>
      <RT_Unit><UnitID>unit-1</UnitID></RT_Unit>
      <RTServiceTransactions>
        <Transactions><Charge><Detail>
          <TransactionID>t-1</TransactionID><TransactionDate>2026-11-01</TransactionDate>
          <ChargeCode>RENT</ChargeCode><GLAccountNumber>4000</GLAccountNumber>
          <CustomerID>person-1</CustomerID><Amount>1450.10</Amount><Description>Rent</Description>
          <BalanceDue>0.00</BalanceDue>
        </Detail></Charge></Transactions>
        <Transactions><Concession><Detail>
          <TransactionID>t-2</TransactionID><TransactionDate>2026-11-02</TransactionDate>
          <ChargeCode>CONC</ChargeCode><Amount>25.50</Amount>
        </Detail></Concession></Transactions>
        <Transactions><Payment Type="Money Order"><Detail>
          <TransactionID>t-3</TransactionID><TransactionDate>2026-11-03</TransactionDate>
          <CustomerID>person-1</CustomerID><Amount>1450.10</Amount><DocumentNumber>4411</DocumentNumber>
          <Comment>paid [PMSG-X]</Comment>
        </Detail></Payment></Transactions>
      </RTServiceTransactions>
    </RT_Customer>
  </Property>
</ResidentTransactions>"""


def test_mits_lines_carry_their_lease_unit_and_kind_whatever_the_namespace() -> None:
    lines = list(mits.transactions(DOC))
    assert [(t["Kind"], t["TransactionID"], t["LeaseID"], t["UnitID"]) for t in lines] == [
        ("Charge", "t-1", "lease-1", "unit-1"),
        ("Concession", "t-2", "lease-1", "unit-1"),
        ("Payment", "t-3", "lease-1", "unit-1"),
    ]
    assert lines[2]["PaymentType"] == "Money Order"


def test_charges_concessions_and_payments_map_exactly_to_the_cent() -> None:
    charge, concession, payment = (ledger.map_line(t, PROPERTY)[0] for t in mits.transactions(DOC))
    assert charge.amount_in_cents == 145010 and charge.amount_raw == "1450.10"
    assert charge.x_charge_code_id == "RENT" and charge.x_gl_account_id == "4000"
    assert charge.x_lease_id == "lease-1" and charge.x_resident_id == "person-1"
    assert charge.is_open is False and charge.post_month == "2026-11"
    assert concession.amount_in_cents == -2550 and concession.amount_raw == "-25.50"
    assert payment.payment_method_normalized == "MONEY_ORDER" and payment.reference_number == "4411"
    assert payment.custom_data == {"Comment": "paid [PMSG-X]"}


def test_a_ledger_line_without_amount_or_id_is_malformed() -> None:
    line = next(mits.transactions(DOC))
    with pytest.raises(MappingError):
        ledger.map_line({**line, "Amount": None}, PROPERTY)
    with pytest.raises(MappingError):
        ledger.map_line({**line, "TransactionID": ""}, PROPERTY)


def test_leases_group_residents_and_the_main_contact_is_primary() -> None:
    common = {"LeaseID": "L1", "UnitID": "U1", "LeaseStartDate": "2025-01-01", "HouseholdStatus": "Current"}
    residents = [
        {**common, "PersonID": "P2", "MainContact": "false", "Rent": "1200.50"},
        {**common, "PersonID": "P1", "MainContact": True, "Rent": Decimal("1200.50")},
        {"PersonID": "P9", "LeaseID": None},  # an applicant: no lease
    ]
    lease, *links = m.map_leases(residents, PROPERTY)
    assert lease.x_id == "L1" and lease.x_resident_id == "P1"  # type: ignore[attr-defined]
    assert lease.status_normalized == "ACTIVE" and lease.rent_amount_in_cents == 120050  # type: ignore[attr-defined]
    assert {(k.x_resident_id, k.resident_type_normalized) for k in links} == {  # type: ignore[attr-defined]
        ("P1", "PRIMARY"),
        ("P2", "OTHER"),
    }


def test_reference_data_reads_json_or_xml_values() -> None:
    unit = m.map_unit(
        {"UnitID": "U1", "UnitNumber": "101", "Bathrooms": "1.5", "SquareFeet": "820", "IsVacant": "true"},
        PROPERTY,
    )
    assert (unit.bathrooms_full, unit.bathrooms_half, unit.square_feet, unit.is_vacant) == (
        1.0,
        1.0,
        820,
        True,
    )
    assert m.map_gl_account(
        {"Number": "4000", "Name": "Rent", "Type": "Income", "Periods": []}
    ).custom_data == {"Type": "Income"}
    assert m.map_charge_code({"Code": "RENT", "GLAccountNumber": "4000"}).x_property_id == NO_PROPERTY


def _response(content: bytes, content_type: str) -> httpx.Response:
    return httpx.Response(200, content=content, headers={"content-type": content_type})


def test_the_xml_and_json_envelopes_read_alike() -> None:
    xml = (
        b"<ResMan><MethodName>GetUnits</MethodName><Status>Success</Status><Response>"
        b"<Units><Unit><UnitID>U1</UnitID><MarketRent>1450.10</MarketRent></Unit></Units>"
        b"</Response></ResMan>"
    )
    assert envelope(_response(xml, "application/xml"))["Units"] == [{"UnitID": "U1", "MarketRent": "1450.10"}]
    body = envelope(
        _response(b'{"Status": "Success", "Units": [{"MarketRent": 1450.10}]}', "application/json")
    )
    assert body["Units"][0]["MarketRent"] == Decimal("1450.10")
    escaped = b"<ResMan><Status>Success</Status><Response>&lt;ResidentTransactions/&gt;</Response></ResMan>"
    assert envelope(_response(escaped, "text/xml"))["Response"] == "<ResidentTransactions/>"


def test_failed_statuses_map_to_errors_that_say_whether_to_retry() -> None:
    def error(text: str, *, write: bool = False) -> Exception:
        return failure({"Status": "Failed", "ErrorDescription": text}, "M/X", write=write)

    refused = error("Invalid IntegrationPartnerID or ApiKey")
    assert isinstance(refused, AuthError) and refused.status_code == 401
    forbidden = error("Integration partner is not authorized for method MITS/GetRecurringCharges2_0")
    assert isinstance(forbidden, AuthError) and forbidden.status_code == 403
    assert type(error("PropertyID is required")) is PermanentError
    assert type(error("Amount must be greater than 0", write=True)) is VendorRejected
    duplicate = error("Failed to write resident transaction: Duplicate transaction ID", write=True)
    assert isinstance(duplicate, DuplicateTransaction)
