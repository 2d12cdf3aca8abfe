"""Deterministic seed data: the same (records, seed) gives identical resources on any host within
a month.

Everything derives from one `random.Random(seed)` and from `BASE` (local midnight on the first of
the current month; the ledger ends the month before it). `records` is the number of tenants; the
rest scales with it: ≈1 property per 50 tenants (2 or more from 20 tenants, alternating between
locations 1 and 2), ≈1.1 units per tenant, one lease per tenant, monthly rent over up to 18 months
with payments allocated to the charges, occasional late fees and credits, 1-2 recurring charges per
current tenant. About one tenant in 15 moved out over a year before BASE, so date windows matter.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pmsgate.emulators.rentmanager.wire import BASE, FREQUENCIES, day, stamp
from pmsgate.emulators.seeding import month_start

Record = dict[str, Any]
FIRST = ("Ava", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "June", "Kai", "Lena")
LAST = ("Adler", "Brook", "Castro", "Dunn", "Ellis", "Frost", "Greer", "Hale", "Ito", "Jain")
CITIES = (("Columbus", "OH", "43215"), ("Dayton", "OH", "45402"), ("Akron", "OH", "44308"))
GL_ACCOUNTS = (
    (10, "1000", "Operating Cash", "Asset"),
    (11, "1100", "Accounts Receivable", "Asset"),
    (20, "4000", "Rent Income", "Income"),
    (21, "4100", "Late Fee Income", "Income"),
    (22, "4200", "Utility Reimbursement", "Income"),
    (23, "4300", "Pet Rent Income", "Income"),
    (24, "4400", "Parking Income", "Income"),
    (25, "2100", "Prepaid Rent", "Liability"),
)
CHARGE_TYPES = (
    (1, "RENT", "Monthly rent", 20),
    (2, "LATE", "Late fee", 21),
    (3, "UTIL", "Utility reimbursement", 22),
    (4, "PET", "Pet rent", 23),
    (5, "PARK", "Parking", 24),
)
ID_BASES = {
    "Properties": 1,
    "Units": 100,
    "Tenants": 1000,
    "Leases": 5000,
    "Charges": 100000,
    "Payments": 200000,
    "Credits": 300000,
    "Allocations": 400000,
    "RecurringCharges": 600000,
    "LeaseRenewals": 700000,
    "Contacts": 800000,
    "PhoneNumbers": 900000,
}
# A tenant's contact details: `embeds=Contacts` lists its contacts (with `Email`),
# `Contacts.PhoneNumbers` their phone numbers, `…PhoneNumberType` each number's type.
CONTACT_EMBEDS = ("Contacts", "Contacts.PhoneNumbers", "Contacts.PhoneNumbers.PhoneNumberType")
# Phone number types (a company can define its own; these ids are inferred).
PHONE_TYPES = {1: "Home", 2: "Work", 3: "Cell", 4: "Fax"}
_FREQUENCY_ID = {name: number for number, name in FREQUENCIES.items()}


class Seeder:
    def __init__(self, records: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.records = max(0, records)
        self.out: dict[str, list[Record]] = defaultdict(list)
        self.next_id = dict(ID_BASES)

    def take(self, resource: str) -> int:
        value = self.next_id[resource]
        self.next_id[resource] += 1
        return value

    def stamp(self, days_back: float) -> str:
        return stamp(BASE - timedelta(days=days_back, minutes=self.rng.randint(0, 600)))

    def run(self) -> dict[str, list[Record]]:
        for gl_id, number, name, kind in GL_ACCOUNTS:
            self.out["GLAccounts"].append(
                {
                    "GLAccountID": gl_id,
                    "Reference": number,
                    "Name": name,
                    "Description": name,
                    "GLAccountType": kind,
                    "IsActive": True,
                    "UpdateDate": self.stamp(400),
                }
            )
        for type_id, name, description, gl_id in CHARGE_TYPES:
            self.out["ChargeTypes"].append(
                {
                    "ChargeTypeID": type_id,
                    "Name": name,
                    "Description": description,
                    "GLAccountID": gl_id,
                    "UpdateDate": self.stamp(380),
                }
            )
        count = max(1, round(self.records / 50))
        if self.records >= 20:
            count = max(2, count)
        properties = [self.property(i) for i in range(count)]
        units = [self.unit(properties[i % count], i) for i in range(max(count, round(self.records * 1.1)))]
        for i in range(self.records):
            self.tenant(units[i % len(units)], i)
        return dict(self.out)

    def property(self, index: int) -> Record:
        city, state, postal = CITIES[index % len(CITIES)]
        record = {
            "PropertyID": self.take("Properties"),
            "LocationID": 1 + index % 2,
            "Name": f"{LAST[index % len(LAST)]} Commons",
            "ShortName": f"P{index + 1:02d}",
            "IsActive": True,
            "PropertyType": "Residential" if index % 5 else "Commercial",
            "Addresses": [
                {
                    "AddressID": index + 1,
                    "Street": f"{100 + index} Main St",
                    "City": city,
                    "State": state,
                    "PostalCode": postal,
                    "IsPrimary": True,
                }
            ],
            "CreateDate": self.stamp(900),
            "UpdateDate": self.stamp(self.rng.randint(5, 300)),
        }
        self.out["Properties"].append(record)
        return record

    def unit(self, prop: Record, index: int) -> Record:
        beds = self.rng.randint(0, 3)
        record = {
            "UnitID": self.take("Units"),
            "PropertyID": prop["PropertyID"],
            "Name": f"{100 + index}",
            "UnitTypeID": 1 + beds,
            "Bedrooms": beds,
            "Bathrooms": Decimal(self.rng.choice(("1", "1.5", "2"))),
            "SquareFootage": 450 + beds * 250,
            "MarketRent": Decimal(900 + beds * 250) + Decimal(self.rng.randint(0, 99)) / 100,
            "UpdateDate": self.stamp(self.rng.randint(5, 300)),
        }
        self.out["Units"].append(record)
        return record

    def tenant(self, unit: Record, index: int) -> None:
        rng = self.rng
        first, last = FIRST[index % len(FIRST)], LAST[(index // len(FIRST)) % len(LAST)]
        tenant_id = self.take("Tenants")
        old = index % 15 == 7  # moved out long ago: its whole ledger predates the last year
        start = month_start(BASE.date(), rng.randint(19, 30) if old else rng.randint(2, 18))
        end = month_start(BASE.date(), rng.randint(13, 16)) if old else None
        rent = unit["MarketRent"]
        self.out["Tenants"].append(
            {
                "TenantID": tenant_id,
                "TenantDisplayID": index + 1,
                "Name": f"{first} {last}",
                "FirstName": first,
                "LastName": last,
                "PropertyID": unit["PropertyID"],
                "Status": "Past" if old else "Current",
                "RentDueDay": 1,
                "PostingStartDate": day(start),
                "PostingEndDate": day(end) if end else None,
                "CreateDate": stamp(datetime.combine(start, datetime.min.time()) - timedelta(days=9)),
                "UpdateDate": self.stamp(rng.randint(1, 200)),
                "Contacts": self.contacts(tenant_id, first, last, index),
            }
        )
        lease_end = date(start.year + 1, start.month, 1) - timedelta(days=1)
        self.out["Leases"].append(
            {
                "LeaseID": self.take("Leases"),
                "TenantID": tenant_id,
                "UnitID": unit["UnitID"],
                "PropertyID": unit["PropertyID"],
                "MoveInDate": day(start),
                "MoveOutDate": day(end) if end else None,
                "NoticeDate": day(end - timedelta(days=30)) if end else None,
                "IsMoveOutConfirmed": bool(end),
                "LeaseRenewals": [
                    {
                        "LeaseRenewalID": self.take("LeaseRenewals"),
                        "StartDate": day(start),
                        "EndDate": day(lease_end),
                        "Term": "12 Months",
                    }
                ],
                "UpdateDate": self.stamp(rng.randint(1, 200)),
            }
        )
        self.ledger(tenant_id, unit, rent, start, end or BASE.date())
        if not old:
            self.recurring(tenant_id, unit, 1, rent, _FREQUENCY_ID["Monthly"], start)
            if rng.random() < 0.3:
                self.recurring(tenant_id, unit, 4, Decimal("35.00"), _FREQUENCY_ID["Monthly"], start)
            if rng.random() < 0.15:
                self.recurring(tenant_id, unit, 5, Decimal("12.50"), _FREQUENCY_ID["Weekly"], start)

    def contacts(self, tenant_id: int, first: str, last: str, index: int) -> list[Record]:
        """The tenant's primary contact (email, a cell and sometimes a home phone), and for some
        tenants a second, non-primary contact (a co-occupant) with a work phone."""
        rng = self.rng
        primary = [(3, f"614-555-{1000 + index:04d}")]
        if rng.random() < 0.4:
            primary.append((1, f"614-556-{1000 + index:04d}"))
        people = [(first, last, f"{first}.{last}{index}@example.com".lower(), primary)]
        if rng.random() < 0.25:
            other = FIRST[(index + 5) % len(FIRST)]
            people.append(
                (
                    other,
                    last,
                    f"{other}.{last}{index}@example.net".lower(),
                    [(2, f"614-557-{1000 + index:04d}")],
                )
            )
        contacts: list[Record] = []
        for position, (given, family, email, phones) in enumerate(people):
            contact_id = self.take("Contacts")
            when = self.stamp(rng.randint(1, 300))
            contacts.append(
                {
                    "ContactID": contact_id,
                    "FirstName": given,
                    "LastName": family,
                    "MiddleName": None,
                    "IsPrimary": position == 0,
                    "IsActive": True,
                    "Email": email,
                    "ParentID": tenant_id,
                    "ParentType": "Tenant",
                    "CreateDate": when,
                    "UpdateDate": when,
                    "PhoneNumbers": [
                        self.phone(contact_id, kind, number, i == 0)
                        for i, (kind, number) in enumerate(phones)
                    ],
                }
            )
        return contacts

    def phone(self, contact_id: int, kind: int, number: str, primary: bool) -> Record:
        return {
            "PhoneNumberID": self.take("PhoneNumbers"),
            "PhoneNumberTypeID": kind,
            "PhoneNumber": number,
            "Extension": None,
            "StrippedPhoneNumber": number.replace("-", ""),
            "IsPrimary": primary,
            "ParentID": contact_id,
            "ParentType": "Contact",
            "PhoneNumberType": {
                "PhoneNumberTypeID": kind,
                "Name": PHONE_TYPES[kind],
                "Description": PHONE_TYPES[kind],
                "SortOrder": kind,
                "ParentType": "Contact",
            },
        }

    def ledger(self, tenant_id: int, unit: Record, rent: Decimal, start: date, end: date) -> None:
        rng, month = self.rng, start
        while month < end:
            charge = self.charge(tenant_id, unit, 1, rent, month, "Rent")
            if rng.random() < 0.1:
                self.charge(tenant_id, unit, 2, Decimal("50.00"), month + timedelta(days=5), "Late fee")
            if rng.random() < 0.05:
                self.credit(tenant_id, unit, Decimal("25.00"), month + timedelta(days=10))
            if rng.random() < 0.9:
                paid = rent if rng.random() < 0.85 else (rent / 2).quantize(Decimal("0.01"))
                self.payment(tenant_id, charge, paid, month + timedelta(days=rng.randint(0, 6)))
            month = month_start(month, -1)

    def charge(
        self, tenant_id: int, unit: Record, type_id: int, amount: Decimal, on: date, comment: str
    ) -> Record:
        record = {
            "ChargeID": self.take("Charges"),
            "AccountID": tenant_id,
            "AccountType": "Customer",
            "PropertyID": unit["PropertyID"],
            "UnitID": unit["UnitID"],
            "ChargeTypeID": type_id,
            "Amount": amount,
            "AmountAllocated": Decimal("0.00"),
            "IsFullyAllocated": False,
            "TransactionDate": day(on),
            "TransactionType": "Charge",
            "Comment": f"{comment} {on:%b %Y}",
            "Reference": None,
            "CreateDate": stamp(datetime.combine(on, datetime.min.time()) + timedelta(hours=2)),
            "UpdateDate": stamp(datetime.combine(on, datetime.min.time()) + timedelta(hours=2)),
        }
        self.out["Charges"].append(record)
        return record

    def credit(self, tenant_id: int, unit: Record, amount: Decimal, on: date) -> None:
        when = stamp(datetime.combine(on, datetime.min.time()) + timedelta(hours=3))
        self.out["Credits"].append(
            {
                "ID": self.take("Credits"),
                "AccountID": tenant_id,
                "AccountType": "Customer",
                "PropertyID": unit["PropertyID"],
                "UnitID": unit["UnitID"],
                "ChargeTypeID": 3,
                "Amount": amount,
                "TransactionDate": day(on),
                "Reference": f"CR{on:%y%m}",
                "Comment": "Courtesy credit",
                "CreateDate": when,
                "UpdateDate": when,
            }
        )

    def payment(self, tenant_id: int, charge: Record, amount: Decimal, on: date) -> None:
        payment_id = self.take("Payments")
        charge["AmountAllocated"] = amount
        charge["IsFullyAllocated"] = amount == charge["Amount"]
        when = stamp(datetime.combine(on, datetime.min.time()) + timedelta(hours=11))
        self.out["Payments"].append(
            {
                "ID": payment_id,
                "AccountID": tenant_id,
                "AccountType": "Customer",
                "Amount": amount,
                "TransactionDate": day(on),
                "TransactionType": "Payment",
                "Reference": f"CHK{self.rng.randint(1000, 9999)}",
                "Comment": "Rent payment",
                "AmountAllocated": amount,
                "IsFullyAllocated": True,
                "Allocations": [
                    {
                        "AllocationID": self.take("Allocations"),
                        "PaymentID": payment_id,
                        "ChargeID": charge["ChargeID"],
                        "Amount": amount,
                    }
                ],
                "CreateDate": when,
                "UpdateDate": when,
            }
        )

    def recurring(
        self, tenant_id: int, unit: Record, type_id: int, amount: Decimal, frequency: int, start: date
    ) -> None:
        self.out["RecurringCharges"].append(
            {
                "RecurringChargeID": self.take("RecurringCharges"),
                "EntityType": "Tenant",
                "EntityKeyID": tenant_id,
                "UnitID": unit["UnitID"],
                "ChargeTypeID": type_id,
                "Amount": amount,
                "Frequency": frequency,
                "Comment": None,
                "FromDate": day(start),
                "ToDate": None,
                "IsCalculated": False,
                "SortOrder": 1,
                "UpdateDate": self.stamp(30),
            }
        )


def generate(records: int, seed: int) -> dict[str, list[Record]]:
    """Every resource's native records, each list in ascending id order."""
    return Seeder(records, seed).run()
