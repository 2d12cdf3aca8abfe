"""Deterministic seed data: the same (records, seed) gives identical collections on any host.

Everything derives from one `random.Random(seed)`, drawn in a fixed order, and from `BASE`
(wire.py: 00:00 in Chicago on the first day of the current month), never from the clock
otherwise: identical within a month. `records` is the number of tenants; the
rest scales with it: ≈1 site per 100 tenants (2 or more from 20 tenants), ≈1.1 spaces per
tenant, tenancies of 1-3 tenants, 6-12 charges per tenancy over 18 months with receipts applied
to them, 0-2 recurring charges per tenancy, fees per site and on some spaces. About 5% of
tenancies have a ledger that ended more than two years before BASE, so date windows matter.
"""

from __future__ import annotations

from collections import defaultdict

from pmsgate.emulators.sample.ledger import balance_cents
from pmsgate.emulators.sample.seed_core import Record, Seeder
from pmsgate.emulators.sample.seed_leases import LeaseSeeder
from pmsgate.emulators.sample.wire import money


def generate(records: int, seed: int) -> dict[str, list[Record]]:
    """Every collection's native records, each list in ascending id order."""
    seeder = Seeder(max(0, records), seed)
    site_count = max(1, round(records / 100))
    if records >= 20:
        site_count = max(2, site_count)
    sites = [seeder.site(i) for i in range(site_count)]
    for i in range(max(site_count, round(records * 1.1))):
        seeder.space(sites[i % site_count])
    LeaseSeeder(seeder, sites).run()
    for site in sites:
        site.record["unitCount"] = len(site.spaces)
    _settle_balances(seeder.out)
    return seeder.out


def _settle_balances(out: dict[str, list[Record]]) -> None:
    charges: defaultdict[int, list[Record]] = defaultdict(list)
    receipts: defaultdict[int, list[Record]] = defaultdict(list)
    for charge in out["charges"]:
        charges[charge["tenancyId"]].append(charge)
    for receipt in out["receipts"]:
        receipts[receipt["tenancyId"]].append(receipt)
    tenants = {t["tenantId"]: t for t in out["tenants"]}
    for tenancy in out["tenancies"]:
        balance = money(balance_cents(charges[tenancy["tenancyId"]], receipts[tenancy["tenancyId"]]))
        tenancy["balance"] = balance
        head = next(o["tenantId"] for o in tenancy["occupants"] if o["role"] == "head")
        tenants[head]["balance"] = balance
