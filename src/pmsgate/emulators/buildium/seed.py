"""Deterministic seed data in Buildium's wire shapes: rentals, units, tenants, leases, GL
accounts, an 18-month lease ledger per lease (rent charges, payments, some late fees and
credits, so some records are older than a year) and monthly recurring rent.

`records` is roughly the number of tenants. Amounts carry cents (1450.10) so a client that
rounds through binary floats is caught.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from pmsgate.emulators.seeding import FIRST_NAMES, LAST_NAMES, month_start, this_month

Record = dict[str, Any]
# The ledger ends the month before this one, so a sync's 365-day window always finds recent data;
# within a month every run (and every machine) sees identical data.
BASE = datetime.combine(this_month(), time(), UTC)
MONTHS = 18
RENT_ACCOUNT, LATE_FEE_ACCOUNT, UTILITY_ACCOUNT, BANK_ACCOUNT, DEPOSIT_ACCOUNT = 4000, 4100, 4200, 1000, 2100
_STREETS = ["Maple Ave", "Oak St", "Harbor Rd", "Elm Ct", "Pine Blvd"]


def dollars(cents: int) -> float:
    return float(Decimal(cents) / 100)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gl_account(account_id: int, number: str, name: str, kind: str, sub: str, **extra: Any) -> Record:
    return {
        "Id": account_id,
        "AccountNumber": number,
        "Name": name,
        "Description": None,
        "Type": kind,
        "SubType": sub,
        "IsDefaultGLAccount": False,
        "DefaultAccountName": None,
        "IsContraAccount": False,
        "IsBankAccount": extra.pop("bank", False),
        "CashFlowClassification": "OperatingActivities",
        "ExcludeFromCashBalances": False,
        "SubAccounts": extra.pop("subs", []),
        "IsActive": True,
        "ParentGLAccountId": extra.pop("parent", None),
        "IsCreditCardAccount": False,
    }


@dataclass
class Seed:
    rentals: list[Record] = field(default_factory=list)
    units: list[Record] = field(default_factory=list)
    tenants: list[Record] = field(default_factory=list)
    leases: list[Record] = field(default_factory=list)
    glaccounts: list[Record] = field(default_factory=list)
    transactions: list[Record] = field(default_factory=list)  # each with LeaseId
    recurring: list[Record] = field(default_factory=list)
    updated: dict[tuple[str, int], datetime] = field(default_factory=dict)


def _address(rng: random.Random, number: int) -> Record:
    return {
        "AddressLine1": f"{number} {rng.choice(_STREETS)}",
        "AddressLine2": None,
        "AddressLine3": None,
        "City": "Springfield",
        "State": "IL",
        "PostalCode": f"627{number % 100:02d}",
        "Country": "UnitedStates",
    }


def generate(records: int, seed: int) -> Seed:
    rng = random.Random(seed)
    out = Seed()
    utility = gl_account(UTILITY_ACCOUNT + 1, "4201", "Water", "Income", "Income", parent=UTILITY_ACCOUNT)
    out.glaccounts = [
        gl_account(BANK_ACCOUNT, "1000", "Operating Bank", "Asset", "CurrentAsset", bank=True),
        gl_account(DEPOSIT_ACCOUNT, "2100", "Security Deposit Liability", "Liability", "CurrentLiability"),
        gl_account(RENT_ACCOUNT, "4000", "Rent Income", "Income", "Income"),
        gl_account(LATE_FEE_ACCOUNT, "4100", "Late Fee Income", "Income", "Income"),
        gl_account(UTILITY_ACCOUNT, "4200", "Utility Income", "Income", "Income", subs=[utility]),
    ]
    properties = max(1, records // 15)
    tenant_id, unit_id, lease_id, txn_id, recurring_id = 20001, 10001, 30001, 60001, 80001
    for p in range(properties):
        property_id = 1 + p
        out.rentals.append(
            {
                "Id": property_id,
                "Name": f"{rng.choice(LAST_NAMES)} Court {property_id}",
                "StructureDescription": None,
                "NumberUnits": 0,
                "IsActive": True,
                "OperatingBankAccountId": BANK_ACCOUNT,
                "Reserve": 500.0,
                "Address": _address(rng, 100 + property_id),
                "YearBuilt": 1960 + rng.randrange(60),
                "RentalType": "Residential",
                "RentalSubType": rng.choice(["MultiFamily", "MultiFamily", "SingleFamily", "CondoTownhome"]),
                "RentalManager": {
                    "Id": 7,
                    "FirstName": "Pat",
                    "LastName": "Lee",
                    "Email": "pat@example.com",
                    "PhoneNumbers": [{"Number": "555-0100", "Type": "Office"}],
                },
            }
        )
        out.updated[("rentals", property_id)] = BASE - timedelta(days=400 - p)
    while len(out.tenants) < records:
        property_id = 1 + (unit_id - 10001) % properties
        rent_cents = 120000 + rng.randrange(0, 80000) + rng.choice([0, 10, 55])
        out.units.append(
            {
                "Id": unit_id,
                "PropertyId": property_id,
                "BuildingName": None,
                "UnitNumber": f"{100 + unit_id % 1000}",
                "Description": None,
                "MarketRent": dollars(rent_cents),
                "Address": _address(rng, 100 + property_id),
                "UnitBedrooms": rng.choice(["Studio", "OneBed", "TwoBed", "ThreeBed"]),
                "UnitBathrooms": rng.choice(["OneBath", "OnePointFiveBath", "TwoBath"]),
                "UnitSize": 500 + rng.randrange(900),
                "IsUnitListed": False,
                "IsUnitOccupied": True,
            }
        )
        out.rentals[property_id - 1]["NumberUnits"] += 1
        out.updated[("units", unit_id)] = BASE - timedelta(days=rng.randrange(1, 500))
        status = rng.choices(["Active", "Past", "Future"], weights=[8, 1, 1])[0]
        start = month_start(BASE, MONTHS) if status != "Future" else month_start(BASE, -1)
        end = date(start.year + 2, start.month, 1) if status != "Past" else month_start(BASE, 3)
        people = [tenant_id + i for i in range(rng.choice([1, 1, 2]))]
        created = BASE - timedelta(days=560)
        lease = {
            "Id": lease_id,
            "PropertyId": property_id,
            "UnitId": unit_id,
            "UnitNumber": out.units[-1]["UnitNumber"],
            "LeaseFromDate": start.isoformat(),
            "LeaseToDate": end.isoformat(),
            "LeaseType": "Fixed",
            "LeaseStatus": status,
            "IsEvictionPending": False,
            "TermType": "Standard",
            "RenewalOfferStatus": "NotSet",
            "CurrentTenants": [],
            "CurrentNumberOfOccupants": len(people),
            "AccountDetails": {"SecurityDeposit": dollars(rent_cents), "Rent": dollars(rent_cents)},
            "Cosigners": [],
            "AutomaticallyMoveOutTenants": False,
            "CreatedDateTime": stamp(created),
            "LastUpdatedDateTime": stamp(BASE - timedelta(days=rng.randrange(1, 300))),
            "MoveOutData": [{"TenantId": people[0], "MoveOutDate": end.isoformat(), "NoticeGivenDate": None}]
            if status == "Past"
            else [],
            "PaymentDueDay": 1,
            "Tenants": [
                {
                    "Id": t,
                    "Status": {"Active": "Current", "Past": "MovedOut"}.get(status, "Future"),
                    "MoveInDate": start.isoformat(),
                }
                for t in people
            ],
        }
        out.leases.append(lease)
        for t in people:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            out.tenants.append(
                {
                    "Id": t,
                    "UserLeaseId": lease_id,
                    "FirstName": first,
                    "LastName": last,
                    "Email": f"{first.lower()}.{t}@example.com",
                    "AlternateEmail": None,
                    "PhoneNumbers": [{"Number": f"555-{t % 10000:04d}", "Type": "Cell"}],
                    "CreatedDateTime": stamp(created),
                    "DateOfBirth": date(1970 + t % 30, 1 + t % 12, 1 + t % 28).isoformat(),
                    "Address": _address(rng, 100 + property_id),
                    "Leases": [
                        {"Id": lease_id, "PropertyId": property_id, "UnitId": unit_id, "LeaseStatus": status}
                    ],
                    "Comment": None,
                }
            )
            out.updated[("tenants", t)] = BASE - timedelta(days=rng.randrange(1, 400))
        if status != "Future":
            at = Posting(lease_id, property_id, unit_id)
            months = MONTHS if status == "Active" else MONTHS - 3
            for m in range(months):
                posted = month_start(BASE, MONTHS - m)
                out.transactions.append(
                    transaction(txn_id, "Charge", at, posted, "Rent", [(RENT_ACCOUNT, rent_cents, None)])
                )
                txn_id += 1
                if rng.random() < 0.15:
                    late = [(LATE_FEE_ACCOUNT, 5000, None)]
                    out.transactions.append(
                        transaction(txn_id, "Charge", at, posted + timedelta(days=5), "Late fee", late)
                    )
                    txn_id += 1
                if rng.random() < 0.05:
                    waived = [(LATE_FEE_ACCOUNT, 2500, None)]
                    out.transactions.append(
                        transaction(txn_id, "Credit", at, posted + timedelta(days=6), "Waived", waived)
                    )
                    txn_id += 1
                paid = [(RENT_ACCOUNT, rent_cents, f"CHK{txn_id}")]
                method = rng.choice(["Check", "ElectronicPayment"])
                posted += timedelta(days=2)
                out.transactions.append(
                    transaction(txn_id, "Payment", at, posted, None, paid, method=method, payee=people[0])
                )
                txn_id += 1
            out.recurring.append(
                recurring(
                    recurring_id,
                    lease_id,
                    RENT_ACCOUNT,
                    rent_cents,
                    start,
                    "Monthly",
                    "Rent",
                    status == "Past",
                    BASE - timedelta(days=200),
                )
            )
            recurring_id += 1
        tenant_id += len(people)
        unit_id += 1
        lease_id += 1
    return out


@dataclass(frozen=True)
class Posting:
    """Where a lease transaction posts: its lease, and the property and unit its lines name."""

    lease_id: int
    property_id: int
    unit_id: int


Line = tuple[Record | int, int, str | None]  # (GL account or its id, cents, reference number)


def _line(account: Record | int, cents: int, at: Posting, ref: str | None) -> Record:
    return {
        "GLAccount": {"Id": account} if isinstance(account, int) else account,
        "Amount": dollars(cents),
        "IsCashPosting": False,
        "ReferenceNumber": ref,
        "Memo": None,
        "PropertyId": at.property_id,
        "UnitId": at.unit_id,
    }


def transaction(
    txn_id: int, kind: str, at: Posting, posted: date, memo: str | None, lines: Sequence[Line], **extra: Any
) -> Record:
    """A lease transaction (Charge, Credit, Payment) whose total is the sum of its lines."""
    return {
        "Id": txn_id,
        "Date": posted.isoformat(),
        "TransactionType": kind,
        "TransactionTypeEnum": kind,
        "TotalAmount": dollars(sum(cents for _, cents, _ in lines)),
        "CheckNumber": extra.get("check"),
        "LeaseId": at.lease_id,
        "PayeeTenantId": extra.get("payee"),
        "PaymentMethod": extra.get("method"),
        "Journal": {"Memo": memo, "Lines": [_line(account, cents, at, ref) for account, cents, ref in lines]},
    }


def recurring(
    rec_id: int,
    lease_id: int,
    account: int,
    cents: int,
    first: date,
    frequency: str,
    memo: str | None,
    expired: bool,
    updated: datetime,
) -> Record:
    return {
        "Id": rec_id,
        "LeaseId": lease_id,
        "TransactionType": "Charge",
        "IsExpired": expired,
        "RentId": None,
        "OffsettingGLAccountId": None,
        "Lines": [{"GLAccountId": account, "Amount": dollars(cents)}],
        "Amount": dollars(cents),
        "Memo": memo,
        "FirstOccurrenceDate": first.isoformat(),
        "NextOccurrenceDate": BASE.date().isoformat() if not expired else first.isoformat(),
        "PostDaysInAdvance": 0,
        "Frequency": frequency,
        "Duration": "UntilEndOfTerm",
        "CreatedDateTime": stamp(updated),
        "LastUpdatedDateTime": stamp(updated),
    }
