"""Deterministic seed data: the same (records, seed) gives identical tables on any host within a
month.

Everything derives from one `random.Random(seed)` and from `BASE` (noon UTC on the first of the
current month; `TODAY` is its date). `records` is the number of tenant contacts; ≈1 property per 3
of them with 1-4 units each (Rentvine books are mostly single-family and small multi-family).
Leases hold 1-2 tenants, the first primary. Active leases carry monthly rent (and some pet fees,
late fees, concessions posted as credits) over up to 18 months with payments allocated to the
charges; about 10% of leases are closed with ledgers 14-24 months old, so date windows matter;
about 10% are pending.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pmsgate.emulators.rentvine.wire import BASE, TODAY, money, stamp, ymd
from pmsgate.emulators.seeding import month_start

Record = dict[str, Any]

# (accountID, number, name, accountCategoryID, isRent); categories: 1 Bank, 2 Receivable,
# 3 Liability, 4 Income, 5 Expense.
ACCOUNTS = (
    (1, "1000", "Operating Bank", 1, False),
    (2, "1010", "Trust Bank", 1, False),
    (3, "1200", "Accounts Receivable", 2, False),
    (4, "2100", "Security Deposits Held", 3, False),
    (5, "4000", "Rent Income", 4, True),
    (6, "4100", "Late Fee Income", 4, False),
    (7, "4200", "Pet Fee Income", 4, False),
    (8, "4300", "Utility Reimbursement", 4, False),
    (9, "5000", "Repairs & Maintenance", 5, False),
)
RENT, LATE_FEE, PET_FEE, OPERATING_BANK = 5, 6, 7, 1
PAYMENT_TYPES = ("ACH", "ACH", "ACH", "CHECK", "CREDIT_CARD", "DEBIT_CARD", "MONEY_ORDER", "CASH")
_STREETS = ("Oak St", "Maple Ave", "Cedar Ln", "Pine Rd", "Elm Dr", "Birch Way", "Willow Ct", "Aspen Blvd")
_CITIES = (("Austin", "TX", "787"), ("Denver", "CO", "802"), ("Raleigh", "NC", "276"), ("Boise", "ID", "837"))
_GIVEN = ("Ava", "Liam", "Noah", "Emma", "Mia", "Lucas", "Zoe", "Ethan", "Ivy", "Owen", "Nora", "Eli")
_FAMILY = ("Nguyen", "Garcia", "Smith", "Okafor", "Kowalski", "Haddad", "Lopez", "Brown", "Ito", "Reyes")


@dataclass
class Seed:
    tables: dict[str, list[Record]] = field(
        default_factory=lambda: {
            n: []
            for n in ("properties", "units", "contacts", "leases", "accounts", "transactions", "recurring")
        }
    )
    next_ids: dict[str, int] = field(
        default_factory=lambda: {
            "properties": 1, "units": 1001, "contacts": 5001, "leases": 7001,
            "transactions": 100001, "recurring": 30001,
        }
    )  # fmt: skip

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] += 1
        return value


def _changed(rng: random.Random, within_days: int = 400) -> str:
    return stamp(BASE - timedelta(minutes=rng.randint(0, within_days * 1440)))


def generate(records: int, seed: int) -> dict[str, list[Record]]:
    rng, out = random.Random(seed), Seed()
    for account_id, number, name, category, is_rent in ACCOUNTS:
        out.tables["accounts"].append(
            {
                "accountID": account_id, "number": number, "name": name, "accountCategoryID": category,
                "accountTypeID": 1 if category <= 2 else category, "isActive": True, "isRent": is_rent,
                "dateTimeModified": _changed(rng),
            }
        )  # fmt: skip
    units: list[Record] = []
    for index in range(max(1, round(records / 3))):
        units.extend(_property(rng, out, index))
    contacts, position = 0, 0
    while contacts < records:
        unit = units[position % len(units)]
        position += 1
        size = min(records - contacts, 1 if rng.random() < 0.7 else 2)
        _lease(rng, out, unit, size)
        contacts += size
    for txn in out.tables["transactions"]:
        del txn["_cents"]  # the seed's own bookkeeping, not a Rentvine field
    return out.tables


def _property(rng: random.Random, out: Seed, index: int) -> list[Record]:
    city, state, zip_prefix = rng.choice(_CITIES)
    unit_count = rng.choice((1, 1, 1, 2, 4))
    street = f"{rng.randint(100, 9999)} {rng.choice(_STREETS)}"
    created = BASE - timedelta(days=rng.randint(800, 2500))
    prop = {
        "propertyID": out.new_id("properties"),
        "portfolioID": 1 + index % 3,
        "name": street if unit_count == 1 else f"{street} ({unit_count} units)",
        "address": street, "address2": None, "city": city, "stateID": state,
        "postalCode": f"{zip_prefix}{rng.randint(10, 99)}", "country": "US",
        "propertyTypeID": 1 if unit_count == 1 else 2,
        "isActive": rng.random() > 0.05, "yearBuilt": rng.randint(1960, 2021),
        "dateTimeCreated": stamp(created), "dateTimeModified": _changed(rng),
    }  # fmt: skip
    out.tables["properties"].append(prop)
    units = []
    for n in range(unit_count):
        units.append(
            {
                "unitID": out.new_id("units"), "propertyID": prop["propertyID"],
                "name": "Main" if unit_count == 1 else f"Unit {chr(65 + n)}",
                "address": street, "address2": None if unit_count == 1 else f"Unit {chr(65 + n)}",
                "city": city, "stateID": state, "postalCode": prop["postalCode"],
                "beds": rng.randint(1, 4), "baths": rng.choice(("1", "1.5", "2", "2.5")),
                "size": rng.randint(650, 2400), "rent": money(rng.randint(95, 260) * 1000),
                "isActive": True, "dateTimeModified": _changed(rng),
            }
        )  # fmt: skip
    out.tables["units"].extend(units)
    return units


def _lease(rng: random.Random, out: Seed, unit: Record, size: int) -> None:
    kind = rng.choices(("active", "closed", "pending"), weights=(8, 1, 1))[0]
    if kind == "active":
        start = month_start(TODAY, rng.randint(1, 30))
        end: date | None = start + timedelta(days=364)
        status, closed = 2, None
    elif kind == "closed":
        start = month_start(TODAY, rng.randint(26, 36))
        end = month_start(TODAY, rng.randint(14, 24)) - timedelta(days=1)
        status, closed = 3, end
    else:
        start, end, status, closed = month_start(TODAY, -1), month_start(TODAY, -13), 1, None
    rent = rng.randint(90, 250) * 1000
    tenants = []
    for n in range(size):
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        contact = {
            "contactID": out.new_id("contacts"), "contactTypeID": 2, "firstName": given, "lastName": family,
            "email": f"{given}.{family}{rng.randint(1, 999)}@example.com".lower(),
            "phone": f"555-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
            "dateTimeCreated": stamp(BASE - timedelta(days=rng.randint(400, 1500))),
            "dateTimeModified": _changed(rng),
        }  # fmt: skip
        out.tables["contacts"].append(contact)
        tenants.append(
            {
                "contactID": contact["contactID"], "name": f"{given} {family}", "email": contact["email"],
                "phone": contact["phone"], "isActive": kind != "closed", "isPrimary": n == 0,
            }
        )  # fmt: skip
    lease = {
        "leaseID": out.new_id("leases"), "propertyID": unit["propertyID"], "unitID": unit["unitID"],
        "primaryLeaseStatusID": status, "leaseStatusID": status,
        "startDate": ymd(start), "endDate": ymd(end), "moveInDate": ymd(start),
        "moveOutDate": ymd(closed), "closedDate": ymd(closed), "noticeDate": None,
        "expectedMoveOutDate": None, "rentAmount": money(rent), "depositAmount": money(rent),
        "tenants": tenants, "dateTimeCreated": stamp(BASE - timedelta(days=(TODAY - start).days + 20)),
        "dateTimeModified": _changed(rng),
    }  # fmt: skip
    out.tables["leases"].append(lease)
    _recurring(rng, out, lease, rent, start, closed)
    if kind != "pending":
        _ledger(rng, out, lease, rent, start, min(closed or TODAY, TODAY))


def _recurring(
    rng: random.Random, out: Seed, lease: Record, rent: int, start: date, end: date | None
) -> None:
    rows = [(RENT, rent, "Rent", start, end)]
    if (TODAY - start).days > 365 and end is None:  # renewed: the old amount stays as a history row
        renewal = start + timedelta(days=365)
        rows = [
            (RENT, rent - 5000, "Rent", start, renewal - timedelta(days=1)),
            (RENT, rent, "Rent", renewal, None),
        ]
    if rng.random() < 0.2:
        rows.append((PET_FEE, 3500, "Pet rent", start, end))
    for account, cents, text, first, last in rows:
        out.tables["recurring"].append(
            {
                "leaseRecurringChargeID": out.new_id("recurring"), "leaseID": lease["leaseID"],
                "accountID": account, "amount": money(cents), "dayDue": 1, "description": text,
                "startDate": ymd(first), "endDate": ymd(last), "frequency": 1,
                "dateTimeModified": _changed(rng),
            }
        )  # fmt: skip


def _ledger(rng: random.Random, out: Seed, lease: Record, rent: int, start: date, end: date) -> None:
    month = max(start, month_start(TODAY, 24))
    pets = any(
        r["accountID"] == PET_FEE and r["leaseID"] == lease["leaseID"] for r in out.tables["recurring"]
    )
    primary = lease["tenants"][0]["contactID"]
    while month <= end:
        charges = [_txn(out, lease, 1, RENT, rent, month, "Rent", primary)]
        if pets:
            charges.append(_txn(out, lease, 1, PET_FEE, 3500, month, "Pet rent", primary))
        if rng.random() < 0.1:
            charges.append(
                _txn(out, lease, 1, LATE_FEE, 7500, month + timedelta(days=5), "Late fee", primary)
            )
        if rng.random() < 0.05:
            _txn(out, lease, 3, RENT, 2500, month + timedelta(days=2), "Rent concession", primary)
        if month < month_start(TODAY, 0) or rng.random() < 0.6:
            paid = rng.choice((charges, charges, charges, charges[:1]))
            total = sum(c["_cents"] for c in paid)
            payment = _txn(
                out, lease, 2, OPERATING_BANK, total, month + timedelta(days=2), "Payment", primary
            )
            payment["paymentType"] = rng.choice(PAYMENT_TYPES)
            payment["reference"] = f"{payment['paymentType'][:3]}-{rng.randint(10000, 99999)}"
            for charge in paid:
                payment["allocations"].append(
                    {"chargeTransactionID": charge["transactionID"], "amount": charge["amount"]}
                )
                charge["amountPaid"] = charge["amount"]
        month = month_start(month, -1)


def _txn(
    out: Seed, lease: Record, type_id: int, account: int, cents: int, day: date, text: str, contact: int
) -> Record:
    record = {
        "transactionID": out.new_id("transactions"), "transactionTypeID": type_id,
        "leaseID": lease["leaseID"], "propertyID": lease["propertyID"], "unitID": lease["unitID"],
        "contactID": contact, "accountID": account, "amount": money(cents),
        "amountPaid": money(0) if type_id == 1 else None, "datePosted": ymd(day),
        "dateDue": ymd(day) if type_id == 1 else None, "description": text, "reference": None,
        "paymentType": None, "isVoided": False, "allocations": [] if type_id == 2 else None,
        "dateTimeCreated": stamp(BASE - timedelta(days=(TODAY - day).days)),
        "dateTimeModified": stamp(BASE - timedelta(days=max(0, (TODAY - day).days - 1))), "_cents": cents,
    }  # fmt: skip
    if type_id != 2:
        record.pop("allocations")
    out.tables["transactions"].append(record)
    return record
