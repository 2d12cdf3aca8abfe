"""Deterministic seed data of a Yardi Voyager database, as plain rows the documents are
rendered from: properties (codes like `ocean01`), units (codes unique within a property),
tenants (Yardi's lease households, codes `t0000123`) with their residents (the primary shares
the tenant code; roommates `r0000123`), charge types, a chart of accounts, an 18-month ledger per
tenant (rent, some late fees and utility charges, payments) and monthly lease charges.

`records` is roughly the number of tenants. Amounts carry cents (1450.10) so a client that
rounds through binary floats is caught.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from pmsgate.emulators.seeding import FIRST_NAMES, LAST_NAMES, month_start, this_month

Row = dict[str, Any]
# The ledger ends in the current month, so a sync's 365-day window always finds recent data;
# within a month every run (and every machine) sees identical data.
BASE = datetime.combine(this_month(), time(), UTC)
MONTHS = 18
UNITS_PER_PROPERTY = 12
_PLACES = ["ocean", "maple", "harbor", "cedar", "summit", "willow"]
_CITIES = [("Austin", "TX", "78701"), ("Denver", "CO", "80202"), ("Tampa", "FL", "33602")]
CHARGE_TYPES = (
    ("rent", "Rent", "4000-0000"),
    ("late", "Late Fee", "4100-0000"),
    ("util", "Utility Reimbursement", "4200-0000"),
    ("pet", "Pet Rent", "4300-0000"),
)
ACCOUNTS = (
    ("1000-0000", "Operating Cash", "Asset"),
    ("1100-0000", "Accounts Receivable", "Asset"),
    ("2100-0000", "Security Deposits", "Liability"),
    ("4000-0000", "Rent Income", "Income"),
    ("4100-0000", "Late Fee Income", "Income"),
    ("4200-0000", "Utility Income", "Income"),
    ("4300-0000", "Pet Rent Income", "Income"),
)
PAYMENT_TYPES = ("Check", "ACH", "Money Order", "Credit Card", "Cash")


@dataclass
class Seed:
    properties: list[Row] = field(default_factory=list)
    units: list[Row] = field(default_factory=list)
    tenants: list[Row] = field(default_factory=list)  # each with "residents": [Row]
    transactions: list[Row] = field(default_factory=list)
    lease_charges: list[Row] = field(default_factory=list)


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def generate(records: int, seed: int) -> Seed:
    rng = random.Random(seed)
    out = Seed()
    n_properties = max(1, (records + UNITS_PER_PROPERTY - 1) // UNITS_PER_PROPERTY)
    txn_id = 700000
    for p in range(n_properties):
        city, state, zip_code = _CITIES[p % len(_CITIES)]
        code = f"{_PLACES[p % len(_PLACES)]}{p // len(_PLACES) + 1:02d}"
        out.properties.append(
            {
                "Code": code,
                "MarketingName": f"{_PLACES[p % len(_PLACES)].title()} Court {p + 1}",
                "AddressLine1": f"{100 + p * 7} Main St",
                "City": city,
                "State": state,
                "PostalCode": zip_code,
                "Units": UNITS_PER_PROPERTY,
                "Type": "Residential",
            }
        )
        for u in range(UNITS_PER_PROPERTY):
            out.units.append(
                {
                    "PropertyID": code,
                    "UnitCode": f"{1 + u // 6}{u % 6 + 1:02d}",
                    "UnitType": rng.choice(["1x1", "2x1", "2x2"]),
                    "Bedrooms": rng.choice([1, 2, 2, 3]),
                    "Bathrooms": rng.choice(["1", "1.5", "2"]),
                    "SqFt": rng.randrange(600, 1300, 25),
                    "MarketRent": money(rng.randrange(110000, 210000, 5) + rng.choice([0, 10, 55])),
                    "Status": "Vacant Unrented",
                    "Building": f"B{1 + u // 6}",
                    "Floor": str(1 + u // 6),
                }
            )
    units = list(out.units)
    for t in range(records):
        unit = units[t % len(units)]
        unit["Status"] = "Occupied"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        code = f"t{t + 1:07d}"
        moved_in = month_start(BASE, MONTHS + rng.randrange(0, 6))
        rent_cents = int(Decimal(unit["MarketRent"]) * 100)
        status = rng.choice(["Current", "Current", "Current", "Notice", "Past"])
        residents = [_resident(code, "Primary", first, last, rng)]
        if rng.random() < 0.4:
            residents.append(_resident(f"r{t + 1:07d}", "Roommate", rng.choice(FIRST_NAMES), last, rng))
        tenant: Row = {
            "TenantCode": code,
            "PropertyID": unit["PropertyID"],
            "UnitCode": unit["UnitCode"],
            "Status": status,
            "LeaseFromDate": moved_in.isoformat(),
            "LeaseToDate": (moved_in + timedelta(days=730)).isoformat(),
            "MoveInDate": moved_in.isoformat(),
            "MoveOutDate": (BASE.date() - timedelta(days=20)).isoformat() if status == "Past" else None,
            "NoticeDate": (BASE.date() - timedelta(days=10)).isoformat() if status == "Notice" else None,
            "Rent": money(rent_cents),
            "SecurityDeposit": money(rent_cents // 2),
            "DueDay": 1,
            "LastModified": (BASE - timedelta(days=rng.randrange(0, 300), seconds=rng.randrange(86400))),
            "residents": residents,
        }
        out.tenants.append(tenant)
        out.lease_charges.append(
            {
                "ChargeID": f"{code}-rent",
                "CustomerID": code,
                "PropertyID": unit["PropertyID"],
                "UnitCode": unit["UnitCode"],
                "ChargeCode": "rent",
                "Amount": money(rent_cents),
                "FromDate": moved_in.isoformat(),
                "ToDate": tenant["LeaseToDate"],
                "Frequency": "Monthly",
                "Description": "Rent",
            }
        )
        for n in range(MONTHS, -1, -1):
            day = month_start(BASE, n)
            txn_id += 1
            out.transactions.append(_charge(txn_id, tenant, day, "rent", rent_cents, "Rent"))
            if rng.random() < 0.2:
                txn_id += 1
                out.transactions.append(
                    _charge(txn_id, tenant, day + timedelta(days=5), "late", 7500, "Late fee")
                )
            if rng.random() < 0.3:
                txn_id += 1
                util = rng.randrange(2000, 9000) + rng.choice([1, 10, 55])
                out.transactions.append(
                    _charge(txn_id, tenant, day + timedelta(days=9), "util", util, "Water")
                )
            txn_id += 1
            out.transactions.append(
                {
                    "Kind": "Payment",
                    "TransactionID": str(txn_id),
                    "Type": rng.choice(PAYMENT_TYPES),
                    "DocumentNumber": f"CHK{txn_id}",
                    "TransactionDate": (day + timedelta(days=rng.randrange(0, 4))).isoformat(),
                    "PostMonth": day.isoformat(),
                    "CustomerID": code,
                    "PropertyPrimaryID": tenant["PropertyID"],
                    "UnitID": tenant["UnitCode"],
                    "Amount": money(rent_cents),
                    "GLAccountNumber": "1000-0000",
                    "Comment": "",
                }
            )
    return out


def _resident(code: str, relationship: str, first: str, last: str, rng: random.Random) -> Row:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 15000))
    return {
        "ResidentCode": code,
        "Relationship": relationship,
        "FirstName": first,
        "LastName": last,
        "Email": f"{first}.{last}{rng.randrange(1, 999)}@example.com".lower(),
        "CellPhone": f"512-555-{rng.randrange(1000, 9999)}",
        "DateOfBirth": born.isoformat(),
    }


def _charge(txn_id: int, tenant: Row, day: date, code: str, cents: int, description: str) -> Row:
    gl = next(account for charge, _, account in CHARGE_TYPES if charge == code)
    return {
        "Kind": "Charge",
        "TransactionID": str(txn_id),
        "Description": description,
        "TransactionDate": day.isoformat(),
        "PostMonth": day.replace(day=1).isoformat(),
        "ChargeCode": code,
        "GLAccountNumber": gl,
        "CustomerID": tenant["TenantCode"],
        "PropertyPrimaryID": tenant["PropertyID"],
        "UnitID": tenant["UnitCode"],
        "Amount": money(cents),
        "AmountPaid": money(cents),
        "BalanceDue": "0.00",
        "Comment": "",
    }
