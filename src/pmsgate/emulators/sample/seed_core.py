"""The seed's building blocks: id sequences, sites with their books, spaces and people."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from pmsgate.emulators.sample import seed_data as vocab
from pmsgate.emulators.sample.collections import (
    ALLOCATION_ID_BASE,
    COLLECTIONS,
    PET_ID_BASE,
    VEHICLE_ID_BASE,
)
from pmsgate.emulators.sample.wire import BASE, local_day, money, stamp, us_date

Record = dict[str, Any]
T = TypeVar("T")
TODAY = local_day(BASE)


def weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


@dataclass
class Site:
    record: Record
    accounts: dict[str, Record] = field(default_factory=dict)  # by account number
    codes: list[Record] = field(default_factory=list)
    spaces: list[Record] = field(default_factory=list)


class Seeder:
    def __init__(self, records: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.tenant_count = records
        self.out: dict[str, list[Record]] = {name: [] for name in COLLECTIONS}
        self._next = {name: spec.id_base for name, spec in COLLECTIONS.items()}
        self._next.update(pets=PET_ID_BASE, vehicles=VEHICLE_ID_BASE, allocations=ALLOCATION_ID_BASE)

    def new_id(self, kind: str) -> int:
        value = self._next[kind]
        self._next[kind] += 1
        return value

    def changed_on(self, within_days: int = 400) -> str:
        return stamp(BASE - timedelta(minutes=self.rng.randint(0, within_days * 24 * 60)))

    def add(self, name: str, record: Record) -> Record:
        self.out[name].append(record)
        return record

    # -- sites and their books ------------------------------------------------------------------

    def site(self, index: int) -> Site:
        rng = self.rng
        city, region, zip_prefix = rng.choice(vocab.CITIES)
        name = vocab.SITE_NAMES[index % len(vocab.SITE_NAMES)]
        if index >= len(vocab.SITE_NAMES):
            name = f"{name} {index // len(vocab.SITE_NAMES) + 1}"
        given, family = rng.choice(vocab.GIVEN_NAMES), rng.choice(vocab.FAMILY_NAMES)
        created = BASE - timedelta(days=rng.randint(3 * 365, 8 * 365), minutes=rng.randint(0, 1440))
        record = self.add(
            "sites",
            {
                "siteId": self.new_id("sites"),
                "siteName": name,
                "siteCode": f"{''.join(w[0] for w in name.split()).upper()}{index + 1:02d}",
                "addr": {
                    "line1": f"{rng.randint(100, 9999)} {rng.choice(vocab.STREETS)}",
                    "line2": rng.choice([None, None, None, "Leasing Office"]),
                    "city": city,
                    "region": region,
                    "postal": f"{zip_prefix}{rng.randint(10, 99)}",
                    "country": "US",
                },
                "active": rng.random() > 0.1,
                "unitCount": 0,  # set once spaces exist
                "builtYear": rng.randint(1965, 2020),
                "manager": {
                    "name": f"{given} {family}",
                    "email": f"{given}.{family}@samplepms.example".lower().replace("'", ""),
                    "phone": self.phone(),
                },
                "createdOn": stamp(created),
                "changedOn": self.changed_on(),
            },
        )
        site = Site(record)
        self.books(site)
        return site

    def books(self, site: Site) -> None:
        rng, site_id = self.rng, site.record["siteId"]
        extras = rng.sample(vocab.GL_EXTRA, rng.randint(1, 3))
        for number, title, kind in (*vocab.GL_REQUIRED, *extras):
            site.accounts[number] = self.add(
                "gl-accounts",
                {
                    "accountId": self.new_id("gl-accounts"),
                    "siteId": site_id,
                    "number": number,
                    "title": title,
                    "kind": kind,
                    "status": "inactive"
                    if (number, title, kind) in extras and rng.random() < 0.1
                    else "active",
                    "changedOn": self.changed_on(),
                },
            )
        for code, label, credit, _range in (
            *vocab.CODE_REQUIRED,
            *rng.sample(vocab.CODE_EXTRA, rng.randint(4, 8)),
        ):
            site.codes.append(
                self.add(
                    "ledger-codes",
                    {
                        "codeId": self.new_id("ledger-codes"),
                        "siteId": site_id,
                        "code": code,
                        "label": label,
                        "debitAccount": vocab.RECEIVABLE_ACCOUNT,
                        "creditAccount": credit if credit in site.accounts else "4000",
                        "changedOn": self.changed_on(),
                    },
                )
            )

    def space(self, site: Site) -> Record:
        rng, number = self.rng, len(site.spaces)
        beds = rng.choice([0, 1, 1, 2, 2, 3])
        record = self.add(
            "spaces",
            {
                "spaceId": self.new_id("spaces"),
                "siteId": site.record["siteId"],
                "label": f"{(number // 24 + 1) * 100 + number % 24 + 1}",
                "beds": beds,
                "baths": rng.choice(["1", "1", "1.5", "2", "2.5"]) if beds > 1 else "1",
                "sqft": 450 + beds * 300 + rng.randint(0, 150),
                "marketRent": money((900 + beds * 350 + rng.randint(0, 40) * 5) * 100),
                "vacant": True,  # set once tenancies exist
                "changedOn": self.changed_on(),
            },
        )
        site.spaces.append(record)
        return record

    # -- people ---------------------------------------------------------------------------------

    def phone(self) -> str:
        return (
            f"({self.rng.choice(['312', '773', '608', '214', '816'])}) 555-{self.rng.randint(100, 9999):04d}"
        )

    def tenant(self, site_id: int) -> Record:
        rng = self.rng
        given, family = rng.choice(vocab.GIVEN_NAMES), rng.choice(vocab.FAMILY_NAMES)
        tenant_id = self.new_id("tenants")
        handle = f"{given}.{family}{tenant_id % 1000}".lower().replace("'", "")
        return self.add(
            "tenants",
            {
                "tenantId": tenant_id,
                "siteId": site_id,
                "given": given,
                "family": family,
                "middle": rng.choice([None, None, None, "A", "J", "M", "R"]),
                "email": f"{handle}@mail.example",
                "altEmail": f"{handle}@work.example" if rng.random() < 0.2 else None,
                "mobile": self.phone(),
                "homePhone": self.phone() if rng.random() < 0.25 else None,
                "birthDate": us_date(date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))),
                "balance": "0.00",  # set once the ledger exists
                "employee": rng.random() < 0.03,
                "pets": [self.pet() for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2]))],
                "vehicles": [self.vehicle() for _ in range(rng.choice([0, 0, 0, 1, 1, 2]))],
                "changedOn": self.changed_on(),
            },
        )

    def pet(self) -> Record:
        kind, breeds = self.rng.choice(vocab.PET_KINDS)
        weight = self.rng.randint(8, 80) if kind == "dog" else self.rng.randint(6, 16)
        return {
            "petId": self.new_id("pets"),
            "name": self.rng.choice(vocab.PET_NAMES),
            "kind": kind,
            "breed": self.rng.choice(breeds),
            "weightLbs": weight,
        }

    def vehicle(self) -> Record:
        make, model = self.rng.choice(vocab.CARS)
        plate = f"{self.rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{self.rng.randint(10000, 99999)}"
        return {
            "vehicleId": self.new_id("vehicles"),
            "make": make,
            "model": model,
            "color": self.rng.choice(vocab.COLORS),
            "year": self.rng.randint(2005, 2025),
            "plate": plate,
            "plateState": self.rng.choice(vocab.PLATE_STATES),
        }
