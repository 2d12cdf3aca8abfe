"""Deterministic seed data in ResMan's shapes: properties, units, current residents (with
their lease terms), charge codes, GL accounts, an 18-month MITS ledger per lease (rent charges,
payments, some late fees and concessions, so some lines are older than a year) and recurring
rent.

`records` is roughly the number of residents. Ids are GUIDs drawn from the seed; amounts carry
cents (1450.10) so a client that rounds through binary floats is caught.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pmsgate.emulators.seeding import FIRST_NAMES, LAST_NAMES, month_start, this_month

Record = dict[str, Any]
BASE = this_month()  # seed anchor
MONTHS = 18
CASH_ACCOUNT = "1000"
CHARGE_CODES: list[tuple[str, str, str]] = [
    ("RENT", "Rent", "4000"),
    ("LATE", "Late Fee", "4100"),
    ("UTIL", "Utility Reimbursement", "4200"),
    ("PARK", "Parking", "4300"),
    ("CONC", "Rent Concession", "4900"),
]
GL_ACCOUNTS: list[tuple[str, str, str]] = [
    (CASH_ACCOUNT, "Operating Cash", "Asset"),
    ("2100", "Resident Security Deposits", "Liability"),
    ("4000", "Rent Income", "Income"),
    ("4100", "Late Fee Income", "Income"),
    ("4200", "Utility Income", "Income"),
    ("4300", "Parking Income", "Income"),
    ("4900", "Concessions", "Income"),
]
PAYMENT_TYPES = ("Check", "ACH", "Credit Card", "Money Order", "Cash")
_STREETS = ["Maple Ave", "Oak St", "Harbor Rd", "Elm Ct", "Pine Blvd"]


def money(cents: int) -> str:
    """An amount as MITS writes it: '1450.10'."""
    return f"{Decimal(cents) / 100:.2f}"


def guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class Seed:
    properties: list[Record] = field(default_factory=list)
    units: dict[str, list[Record]] = field(default_factory=dict)  # PropertyID -> units
    residents: dict[str, list[Record]] = field(default_factory=dict)  # PropertyID -> residents
    ledger: dict[str, list[Record]] = field(default_factory=dict)  # PropertyID -> MITS lines
    recurring: dict[str, list[Record]] = field(default_factory=dict)  # PropertyID -> MITS lines


def line(
    rng: random.Random, kind: str, lease: Record, person: str, day: date, cents: int, **extra: Any
) -> Record:
    """One ledger line as the emulator keeps it (MITS Detail field names)."""
    code = extra.pop("code", None)
    gl = next((g for c, _, g in CHARGE_CODES if c == code), CASH_ACCOUNT)
    return {
        "TransactionID": guid(rng),
        "Kind": kind,
        "PaymentType": extra.pop("payment_type", None),
        "LeaseID": lease["LeaseID"],
        "UnitID": lease["UnitID"],
        "CustomerID": person,
        "TransactionDate": day.isoformat(),
        "ChargeCode": code,
        "GLAccountNumber": gl,
        "Amount": money(cents),
        "Description": extra.pop("description", None),
        "Comment": extra.pop("comment", None),
        "DocumentNumber": extra.pop("reference", None),
        "BatchID": extra.pop("batch", None),
        **extra,
    }


def generate(records: int, seed: int) -> Seed:
    rng = random.Random(seed)
    out = Seed()
    properties = max(1, records // 15)
    per_property = max(1, records // properties)
    for p in range(properties):
        property_id = guid(rng)
        out.properties.append(
            {
                "PropertyID": property_id,
                "Name": f"{rng.choice(LAST_NAMES)} Commons {p + 1}",
                "StreetAddress": f"{100 + p} {rng.choice(_STREETS)}",
                "City": "Dallas",
                "State": "TX",
                "Zip": f"752{p % 100:02d}",
                "Phone": "214-555-0100",
                "Email": f"office{p + 1}@example.com",
                "Manager": "Pat Lee",
            }
        )
        _property(rng, out, property_id, per_property)
    return out


def _property(rng: random.Random, out: Seed, property_id: str, residents: int) -> None:
    units: list[Record] = []
    people: list[Record] = []
    ledger: list[Record] = []
    recurring: list[Record] = []
    leases = max(1, (residents * 2) // 3)
    for u in range(leases + 2):  # two vacant units
        units.append(
            {
                "UnitID": guid(rng),
                "UnitNumber": f"{1 + u // 8}{u % 8 + 1:02d}",
                "UnitType": rng.choice(["A1", "B2", "C3"]),
                "Building": f"Building {1 + u // 8}",
                "Floor": 1 + (u % 8) // 4,
                "SquareFeet": rng.choice([650, 820, 1040]),
                "Bedrooms": rng.choice([1, 2, 3]),
                "Bathrooms": rng.choice([1, 1.5, 2]),
                "MarketRent": float(Decimal(rng.randrange(110000, 190000, 5)) / 100),
                "IsVacant": u >= leases,
            }
        )
    made = 0
    for index in range(leases):
        unit = units[index]
        start = month_start(BASE, rng.randrange(6, MONTHS + 6))
        rent_cents = rng.randrange(110000, 190000, 5)
        lease = {"LeaseID": guid(rng), "UnitID": unit["UnitID"]}
        status = "Notice to Vacate" if index % 9 == 8 else "Current"
        household = 1 if made + 1 >= residents or index % 2 else 2
        household = min(household, max(1, residents - made))
        persons = []
        for h in range(household):
            person = guid(rng)
            persons.append(person)
            people.append(
                {
                    "PersonID": person,
                    "LeaseID": lease["LeaseID"],
                    "UnitID": unit["UnitID"],
                    "UnitNumber": unit["UnitNumber"],
                    "Building": unit["Building"],
                    "FirstName": rng.choice(FIRST_NAMES),
                    "LastName": rng.choice(LAST_NAMES),
                    "Email": f"resident{made + h + 1}@example.com",
                    "MobilePhone": f"214-555-{1000 + made + h:04d}",
                    "HomePhone": None if h else f"972-555-{2000 + made:04d}",
                    "DateOfBirth": f"{1970 + rng.randrange(30)}-0{1 + rng.randrange(9)}-1{rng.randrange(9)}",
                    "LeaseStartDate": start.isoformat(),
                    "LeaseEndDate": date(start.year + 2, start.month, 1).isoformat(),
                    "MoveInDate": start.isoformat(),
                    "MoveOutDate": (BASE + timedelta(days=89)).isoformat() if status != "Current" else None,
                    "HouseholdStatus": status,
                    "MainContact": h == 0,
                    "isMinor": False,
                    "Rent": float(Decimal(rent_cents) / 100),
                    "Deposit": 500.0,
                }
            )
        made += household
        _ledger(rng, ledger, lease, persons[0], start, rent_cents)
        recurring.append(
            {
                **line(rng, "RecurringCharge", lease, persons[0], start, rent_cents, code="RENT"),
                "TransactionDate": None,
                "Description": "Monthly rent",
                "StartDate": start.isoformat(),
                "EndDate": date(start.year + 2, start.month, 1).isoformat(),
                "Frequency": "Monthly",
                "DueDay": "1",
            }
        )
    out.units[property_id] = units
    out.residents[property_id] = people
    out.ledger[property_id] = ledger
    out.recurring[property_id] = recurring


def _ledger(
    rng: random.Random, ledger: list[Record], lease: Record, person: str, start: date, rent: int
) -> None:
    for n in range(MONTHS - 1, -1, -1):
        month = month_start(BASE, n)
        if month < start:
            continue
        ledger.append(line(rng, "Charge", lease, person, month, rent, code="RENT", description="Rent"))
        if n % 7 == 3:
            late = month.replace(day=6)
            ledger.append(line(rng, "Charge", lease, person, late, 7500, code="LATE", description="Late fee"))
        if n % 11 == 0:
            ledger.append(
                line(
                    rng, "Concession", lease, person, month, 2550, code="CONC", description="Move-in special"
                )
            )
        paid = month.replace(day=3)
        ledger.append(
            line(
                rng,
                "Payment",
                lease,
                person,
                paid,
                rent,
                payment_type=rng.choice(PAYMENT_TYPES),
                description="Payment",
                reference=str(rng.randrange(1000, 9999)),
            )
        )
