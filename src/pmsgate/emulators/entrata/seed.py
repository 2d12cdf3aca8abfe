"""Deterministic seed data for the Entrata emulator, held in plain internal rows (`wire.py`
renders them in Entrata's shapes): properties, units, customers, leases with one or two
customers, AR codes, a chart of accounts, an 18-month ledger per lease (rent, some late fees
and concessions as negative transactions, payments), payments with their allocations, and
scheduled (recurring) charges.

`records` is roughly the number of customers. Amounts carry cents (1450.10) so a client that
rounds through binary floats is caught; dates are Mountain Time calendar days.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pmsgate.emulators.seeding import FIRST_NAMES, LAST_NAMES, month_start, this_month

Row = dict[str, Any]
# The ledger ends in the current month, so a sync's 365-day window always finds recent data;
# within a month every run (and every machine) sees identical data.
ANCHOR = this_month()
MONTHS = 18
RENT, LATE_FEE, PARKING, CONCESSION = 101, 102, 103, 104
AR_CODES = (
    (RENT, "RENT", "Rent", "Rent", 4000),
    (LATE_FEE, "LATE", "Late Fee", "Other Income", 4100),
    (PARKING, "PARK", "Parking", "Other Income", 4200),
    (CONCESSION, "CONC", "Concession", "Concession", 4300),
)
GL_ACCOUNTS = (
    (1000, "1000", "Operating Cash", "Asset"),
    (1200, "1200", "Accounts Receivable", "Asset"),
    (4000, "4000", "Rent Income", "Income"),
    (4100, "4100", "Late Fee Income", "Income"),
    (4200, "4200", "Parking Income", "Income"),
    (4300, "4300", "Concessions", "Income"),
)
CHARGE_TYPE, PAYMENT_TYPE, CONCESSION_TYPE = 1, 2, 3  # transactionTypeId (emulator's numbering)
_STREETS = ["Canyon Rd", "Aspen Way", "Mesa Dr", "Pine St", "Juniper Ct"]
_PAYMENT_TYPES = ["ACH", "Check", "Credit Card", "Money Order", "Cash"]


@dataclass
class Seed:
    properties: dict[int, Row] = field(default_factory=dict)
    units: dict[int, Row] = field(default_factory=dict)
    customers: dict[int, Row] = field(default_factory=dict)
    leases: dict[int, Row] = field(default_factory=dict)
    transactions: dict[int, Row] = field(default_factory=dict)
    payments: dict[int, Row] = field(default_factory=dict)
    scheduled: dict[int, Row] = field(default_factory=dict)


def generate(records: int, seed: int) -> Seed:
    rng = random.Random(seed)
    out = Seed()
    n_properties = max(2, records // 25)
    per_property = max(1, records // n_properties)
    next_id = {
        "unit": 20000,
        "lease": 50000,
        "customer": 70000,
        "txn": 900000,
        "pay": 300000,
        "sched": 600000,
    }

    def new(kind: str) -> int:
        next_id[kind] += 1
        return next_id[kind]

    for p in range(n_properties):
        property_id = 1001 + p
        out.properties[property_id] = {
            "id": property_id,
            "name": f"Mesa View {p + 1}",
            "type": "Apartment" if p % 3 else "Student",
            "yearBuilt": 1990 + p % 30,
            "address": f"{100 + p} {_STREETS[p % len(_STREETS)]}",
            "city": "Denver",
            "state": "CO",
            "postalCode": f"802{p % 100:02d}",
            "disabled": False,
        }
        for u in range(per_property):
            unit_id = new("unit")
            out.units[unit_id] = {
                "id": unit_id,
                "propertyId": property_id,
                "spaceId": unit_id * 10 + 1,
                "number": 100 + u,
                "bedrooms": 1 + u % 3,
                "bathrooms": Decimal("1.5") if u % 4 == 3 else Decimal(1 + u % 2),
                "squareFeet": 650 + 25 * (u % 12),
                "rent": Decimal(1200 + 15 * (u % 20)) + Decimal("0.10"),
                "occupied": u % 7 != 6,
            }
            if u % 7 == 6:
                continue  # a vacant unit: no lease
            _lease(out, rng, new, property_id, unit_id, u)
    return out


def _lease(out: Seed, rng: random.Random, new: Any, property_id: int, unit_id: int, index: int) -> None:
    lease_id = new("lease")
    status = "Past" if index % 11 == 5 else ("Future" if index % 13 == 8 else "Current")
    start = month_start(ANCHOR, MONTHS) if status != "Future" else month_start(ANCHOR, -1)
    end = date(start.year + 2, start.month, 1) if status != "Past" else month_start(ANCHOR, 3)
    people = [new("customer") for _ in range(1 + (index % 3 == 0))]
    for position, customer_id in enumerate(people):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        out.customers[customer_id] = {
            "id": customer_id,
            "propertyId": property_id,
            "leaseId": lease_id,
            "type": "Primary" if position == 0 else "Responsible",
            "firstName": first,
            "lastName": last,
            "email": f"{first.lower()}.{last.lower()}{customer_id}@example.com",
            "phone": f"303555{customer_id % 10000:04d}",
        }
    rent = out.units[unit_id]["rent"]
    out.leases[lease_id] = {
        "id": lease_id,
        "propertyId": property_id,
        "unitId": unit_id,
        "status": status,
        "intervalId": lease_id * 10 + 1,
        "start": start,
        "end": end,
        "moveIn": start,
        "moveOut": end if status == "Past" else None,
        "customers": people,
        "rent": rent,
    }
    schedule_id, term = new("sched"), (start, end)
    out.scheduled[schedule_id] = _monthly(schedule_id, lease_id, RENT, term, rent, "Monthly rent")
    if index % 4 == 1:
        parking = new("sched")
        out.scheduled[parking] = _monthly(
            parking, lease_id, PARKING, term, Decimal("45.50"), "Reserved parking"
        )
    if status == "Future":
        return
    months = MONTHS if status == "Current" else MONTHS - 3
    payer = people[0]
    for m in range(months, -1, -1):
        day = month_start(ANCHOR, m)
        charge = new("txn")
        out.transactions[charge] = _txn(charge, lease_id, payer, RENT, rent, day, "Rent", CHARGE_TYPE)
        if (index + m) % 9 == 4:
            fee = new("txn")
            out.transactions[fee] = _txn(
                fee, lease_id, payer, LATE_FEE, Decimal("75.00"), day.replace(day=6), "Late fee", CHARGE_TYPE
            )
        if (index + m) % 10 == 7:
            credit = new("txn")
            out.transactions[credit] = _txn(
                credit,
                lease_id,
                payer,
                CONCESSION,
                Decimal("-50.00"),
                day.replace(day=2),
                "Concession",
                CONCESSION_TYPE,
            )
        if m == 0 and index % 5 == 2:
            continue  # this month's rent is still open
        payment_id = new("pay")
        paid_on = datetime(day.year, day.month, 3, 9 + index % 8, 15, 0)
        out.payments[payment_id] = {
            "id": payment_id,
            "customerId": payer,
            "leaseId": lease_id,
            "amount": rent,
            "date": paid_on,
            "type": _PAYMENT_TYPES[(index + m) % len(_PAYMENT_TYPES)],
            "status": "Captured",
            "allocations": [(charge, rent)],
        }
        out.transactions[charge]["amountPaid"] = rent
        ledger_payment = new("txn")
        out.transactions[ledger_payment] = {
            **_txn(ledger_payment, lease_id, payer, RENT, -rent, paid_on.date(), "Payment", PAYMENT_TYPE),
            "arPaymentId": payment_id,
        }


def _monthly(
    schedule_id: int, lease_id: int, code: int, term: tuple[date, date], amount: Decimal, text: str
) -> Row:
    """A scheduled charge posted monthly over the lease's term."""
    start, end = term
    return {
        "id": schedule_id,
        "leaseId": lease_id,
        "arCodeId": code,
        "timing": "Monthly",
        "start": start,
        "end": end,
        "amount": amount,
        "description": text,
    }


def _txn(
    txn_id: int, lease_id: int, customer_id: int, code: int, amount: Decimal, day: date, text: str, kind: int
) -> Row:
    return {
        "id": txn_id,
        "leaseId": lease_id,
        "customerId": customer_id,
        "arCodeId": code,
        "typeId": kind,
        "amount": amount,
        "amountPaid": Decimal(0),
        "date": day,
        "postMonth": day.replace(day=1),
        "description": text,
        "arPaymentId": None,
        "transactionId": None,
    }
