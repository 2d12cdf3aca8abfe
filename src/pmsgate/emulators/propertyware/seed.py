"""Deterministic Propertyware data: portfolios, buildings (apartments with units, and houses
rented whole), tenants, leases, GL accounts, and ~18 months of lease ledger up to `BASE`.

`records` is roughly the number of tenant contacts. The same (records, seed) always gives the
same records; ids come from one sequence, as Propertyware's do.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from pmsgate.emulators.propertyware.seed_ledger import post_ledger
from pmsgate.emulators.propertyware.seed_state import Record, Seed
from pmsgate.emulators.propertyware.wire import BASE, dollars, stamp
from pmsgate.emulators.seeding import month_start

_FIRST = ("Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Mo", "Nia")
_LAST = ("Ortiz", "Park", "Quinn", "Reyes", "Shah", "Tran", "Ueda", "Vega", "Wong", "Xu", "Young", "Zhou")
_STREETS = ("Oak St", "Maple Ave", "Cedar Ln", "Elm Dr", "Birch Rd", "Pine Ct")
# (name, number, type, flags): the chart of accounts every company starts with.
GL_ACCOUNTS: tuple[tuple[str, str, str, dict[str, bool]], ...] = (
    ("Operating Bank", "1000", "Bank", {}),
    ("Security Deposit Bank", "1010", "Bank", {}),
    ("Accounts Receivable", "1200", "Accounts Receivable", {}),
    ("Security Deposits Held", "2100", "Liability", {"securityDepositAccount": True}),
    ("Rent Income", "4000", "Income", {"rentAccount": True}),
    ("Late Fees", "4100", "Income", {"lateFeeApplicable": True}),
    ("Utility Reimbursement", "4200", "Income", {}),
    ("Pet Rent", "4300", "Income", {}),
    ("Parking", "4400", "Income", {}),
    ("Rent Concessions", "4900", "Income", {"discountAccount": True}),
    ("Old Misc Income", "4990", "Income", {"inactive": True}),
)


def _months_back(months: int) -> date:
    """The first of the month `months` months before `BASE`'s: every seeded date is relative to it."""
    return month_start(BASE.date(), months)


def _audit(created: date, modified: date) -> dict[str, str]:
    def at(day: date) -> str:
        return stamp(BASE.replace(year=day.year, month=day.month, day=day.day))

    return {
        "createdBy": "seed",
        "createdDateTime": at(created),
        "lastModifiedBy": "seed",
        "lastModifiedDateTime": at(min(modified, BASE.date())),
    }


def _address(seed: Seed, number: int) -> dict[str, str]:
    return {
        "address": f"{100 + number} {seed.rng.choice(_STREETS)}",
        "city": "Springfield",
        "stateRegion": "IL",
        "postalCode": f"627{number % 100:02d}",
        "country": "USA",
    }


def _accounts(seed: Seed) -> None:
    opened = _months_back(82)
    for name, number, kind, flags in GL_ACCOUNTS:
        account_id = seed.new_id()
        seed.gl[number] = account_id
        seed.add(
            "glaccounts",
            {
                "id": account_id,
                "name": name,
                "accountNumber": number,
                "accountCode": name.upper().replace(" ", "_")[:12],
                "accountType": kind,
                "active": not flags.get("inactive", False),
                **{k: v for k, v in flags.items() if k != "inactive"},
                **_audit(opened, opened),
            },
        )


def _contact(seed: Seed, number: int, since: date) -> Record:
    first, last = seed.rng.choice(_FIRST), seed.rng.choice(_LAST)
    contact = {
        "id": seed.new_id(),
        "type": "TENANT",
        "firstName": first,
        "lastName": last,
        "email": f"{first.lower()}.{last.lower()}{number}@example.com",
        "mobilePhone": f"217-555-{number % 10000:04d}",
        "homePhone": f"217-556-{number % 10000:04d}" if number % 3 == 0 else None,
        "birthDate": date(1960 + number % 40, 1 + number % 12, 1 + number % 28).isoformat(),
        "namedOnLease": True,
        **_audit(since - timedelta(days=30), since),
    }
    return seed.add("contacts", {k: v for k, v in contact.items() if v is not None})


def _lease(seed: Seed, building: Record, unit: Record | None, start: date, status: str) -> Record:
    end = start + timedelta(days=365)
    tenants = [
        _contact(seed, len(seed.data.get("contacts", [])), start) for _ in range(seed.rng.choice((1, 1, 2)))
    ]
    rent_cents = seed.rng.randrange(85_000, 240_000, 5)
    moved_out = status in ("Terminated", "Evicted")
    lease = {
        "id": seed.new_id(),
        "leaseName": f"{tenants[0]['lastName']} lease",
        "buildingID": building["id"],
        "portfolioID": building["portfolioID"],
        "status": status,
        "active": status.startswith("Active"),
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "moveInDate": start.isoformat(),
        "moveOutDate": end.isoformat() if moved_out else None,
        "scheduleMoveOutDate": end.isoformat() if status == "Active - Notice Given" else None,
        "signedDate": (start - timedelta(days=14)).isoformat(),
        "baseRent": dollars(rent_cents),
        "leaseBalance": 0.0,
        "contacts": [
            {
                "id": t["id"],
                "firstName": t["firstName"],
                "lastName": t["lastName"],
                "email": t["email"],
                "primary": i == 0,
                "namedOnLease": True,
                "role": "Tenant" if i == 0 else "Co-Tenant",
            }
            for i, t in enumerate(tenants)
        ],
        **_audit(start - timedelta(days=14), end if moved_out else start + timedelta(days=200)),
    }
    if unit is not None:
        lease["unitID"] = unit["id"]
    return seed.add("leases", {k: v for k, v in lease.items() if v is not None})


def _places(seed: Seed, records: int) -> None:
    portfolios = [
        seed.add(
            "portfolios",
            {
                "id": seed.new_id(),
                "name": f"Owner group {i + 1}",
                "abbreviation": f"OG{i + 1}",
                "active": True,
            }
            | _audit(_months_back(89), _months_back(34)),
        )
        for i in range(max(1, records // 60))
    ]
    number = 0
    while len(seed.data.get("contacts", [])) < records:
        number += 1
        house = seed.rng.random() < 0.3
        building = seed.add(
            "buildings",
            {
                "id": seed.new_id(),
                "name": f"{'House' if house else 'Apartments'} {number}",
                "abbreviation": f"B{number:03d}",
                "portfolioID": seed.rng.choice(portfolios)["id"],
                "propertyType": "HOUSE" if house else seed.rng.choice(("APARTMENT", "DU_FOUR_PLEX")),
                "multiUnit": "Single Family" if house else "Multi Family",
                "category": "RESIDENTIAL",
                "active": True,
                "address": _address(seed, number),
                "yearBuilt": 1950 + number % 70,
                "totalArea": float(1200 + 10 * number),
                "areaUnits": "Sq Ft",
                **_audit(_months_back(89), _months_back(20)),
            },
        )
        slots: list[Record | None] = [None] if house else []
        for u in range(0 if house else seed.rng.randint(3, 8)):
            slots.append(
                seed.add(
                    "units",
                    {
                        "id": seed.new_id(),
                        "buildingID": building["id"],
                        "portfolioID": building["portfolioID"],
                        "name": f"{u + 1:02d}",
                        "numberOfBedrooms": 1 + u % 3,
                        "numberOfBathrooms": 1.5 if u % 2 else 1.0,
                        "totalArea": float(650 + 50 * u),
                        "areaUnits": "Sq Ft",
                        "targetRent": dollars(seed.rng.randrange(90_000, 200_000, 25)),
                        "rentable": True,
                        "address": building["address"],
                        **_audit(_months_back(89), _months_back(20)),
                    },
                )
            )
        building["countUnit"] = len(slots)
        for unit in slots:
            roll, target = seed.rng.random(), building if unit is None else unit
            target["status"] = "Occupied" if roll < 0.9 else "Vacant"
            if roll < 0.25:  # an earlier tenancy, ended during the ledger window
                _lease(
                    seed,
                    building,
                    unit,
                    _months_back(26),
                    seed.rng.choice(("Terminated",) * 5 + ("Evicted",)),
                )
            if roll < 0.9:
                start = _months_back(23 - seed.rng.randint(1, 12))  # 11 to 22 months back
                _lease(seed, building, unit, start, "Active - Notice Given" if roll < 0.05 else "Active")
            elif roll < 0.95:
                _lease(seed, building, unit, (BASE + timedelta(days=40)).date().replace(day=1), "Future")


def generate(records: int = 200, seed: int = 7) -> tuple[dict[str, list[Record]], int]:
    """(collection -> records, the last id used)."""
    state = Seed(random.Random(seed))
    _accounts(state)
    _places(state, max(1, records))
    post_ledger(state)
    return state.data, state.next_id
