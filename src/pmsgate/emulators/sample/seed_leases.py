"""The seed's households: tenancies with their occupants, ledgers, recurring charges and fees."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pmsgate.emulators.sample import seed_data as vocab
from pmsgate.emulators.sample.ledger import apply_oldest_first
from pmsgate.emulators.sample.seed_core import TODAY, Record, Seeder, Site, weighted
from pmsgate.emulators.sample.wire import BASE, money, parse_money, parse_stamp, parse_us_date, stamp, us_date

_OLD_LEDGER_SHARE = 0.05  # tenancies whose ledger ended over two years before BASE
_LEDGER_SPAN_DAYS = 540  # 18 months of history per tenancy
_LIVING = ("current", "notice")
_RANGES = {code: dollars for code, _label, _account, dollars in (*vocab.CODE_REQUIRED, *vocab.CODE_EXTRA)}
_ADVERB = {"day": "daily", "week": "weekly", "month": "monthly", "year": "yearly"}


def _moment(day: date, minutes: int) -> datetime:
    """`minutes` after midnight of `day` in Chicago (UTC-6 is close enough for seed ordering)."""
    return datetime.combine(day, datetime.min.time(), BASE.tzinfo) + timedelta(hours=6, minutes=minutes)


def _parties(site: Site, tenancy: Record) -> Record:
    """How a charge, receipt or schedule names its site, tenancy and lead tenant."""
    return {
        "siteId": site.record["siteId"],
        "tenancyId": tenancy["tenancyId"],
        "tenantId": tenancy["occupants"][0]["tenantId"],
    }


class LeaseSeeder:
    def __init__(self, seeder: Seeder, sites: list[Site]) -> None:
        self.s = seeder
        self.rng = seeder.rng
        self.sites = sites
        self.occupied: set[int] = set()

    def run(self) -> None:
        remaining = self.s.tenant_count
        while remaining > 0:
            size = min(remaining, weighted(self.rng, vocab.HOUSEHOLD_SIZES))
            self.tenancy(self.rng.choice(self.sites), size)
            remaining -= size
        for site in self.sites:
            self.fees(site)

    def pick_space(self, site: Site, state: str) -> Record:
        if state in _LIVING:
            free = [s for s in site.spaces if s["spaceId"] not in self.occupied]
            if free:
                space = self.rng.choice(free)
                self.occupied.add(space["spaceId"])
                space["vacant"] = False
                return space
        return self.rng.choice(site.spaces)

    def tenancy(self, site: Site, size: int) -> None:
        rng = self.rng
        # Some households left long ago: their whole ledger predates any two-year window.
        old = rng.random() < _OLD_LEDGER_SHARE
        state = "past" if old else weighted(rng, vocab.LEASE_STATES)
        space = self.pick_space(site, state)
        start, end, move_out = self.dates(state, old=old)
        tenants = [self.s.tenant(site.record["siteId"]) for _ in range(size)]
        rent = parse_money(space["marketRent"]) - rng.randint(0, 10) * 500
        occupants = [
            {
                "tenantId": t["tenantId"],
                "role": "head" if i == 0 else weighted(rng, vocab.OCCUPANT_ROLES),
                "moveIn": us_date(start),
                "moveOut": us_date(move_out) if move_out else None,
                "noticeOn": us_date(move_out - timedelta(days=30))
                if state == "notice" and move_out
                else None,
            }
            for i, t in enumerate(tenants)
        ]
        tenancy = self.s.add(
            "tenancies",
            {
                "tenancyId": self.s.new_id("tenancies"),
                "siteId": site.record["siteId"],
                "spaceId": space["spaceId"],
                "state": state,
                "from": us_date(start),
                "to": us_date(end),
                "moveIn": us_date(start),
                "moveOut": us_date(move_out) if move_out else None,
                "rent": money(rent),
                "deposit": money(rng.choice([50000, rent])),
                "dueDay": 1 if rng.random() < 0.8 else rng.randint(2, 5),
                "balance": "0.00",  # set once the ledger exists
                "signedOn": us_date(start - timedelta(days=rng.randint(5, 40))),
                "occupants": occupants,
                "changedOn": self.s.changed_on(),
            },
        )
        self.ledger(site, tenancy, rent)
        self.recurring(site, tenancy, rent)

    def dates(self, state: str, *, old: bool = False) -> tuple[date, date, date | None]:
        """(from, to, moveOut) for a tenancy in `state`, relative to TODAY."""
        days = self.rng.randint
        if old:
            end = TODAY - timedelta(days=days(760, 1100))
            return end - timedelta(days=365), end, end
        if state == "future":
            start = TODAY + timedelta(days=days(7, 90))
            return start, start + timedelta(days=365), None
        if state == "past":
            end = TODAY - timedelta(days=days(30, 700))
            return end - timedelta(days=365), end, end
        if state == "evicted":
            start = TODAY - timedelta(days=days(200, 700))
            return start, start + timedelta(days=365), start + timedelta(days=days(90, 190))
        if state == "notice":
            end = TODAY + timedelta(days=days(10, 60))
            return TODAY - timedelta(days=days(200, 700)), end, end
        start = TODAY - timedelta(days=days(30, 700))
        return start, start + timedelta(days=self.rng.choice([180, 365, 365, 540])), None

    # -- ledger ---------------------------------------------------------------------------------

    def ledger(self, site: Site, tenancy: Record, rent: int) -> None:
        rng = self.rng
        start, move_out = parse_us_date(tenancy["from"]), tenancy["moveOut"]
        end = min(TODAY, parse_us_date(move_out)) if move_out else TODAY
        if tenancy["state"] == "future":  # deposits and fees before move-in
            count, span = rng.randint(1, 2), 20
        else:
            count, span = rng.randint(6, 12), max(0, min(_LEDGER_SPAN_DAYS, (end - start).days))
        days = sorted(end - timedelta(days=rng.randint(0, span)) for _ in range(count))
        charges = [self.charge(site, tenancy, day, rent) for day in days]
        self.receipts(site, tenancy, charges)

    def charge(self, site: Site, tenancy: Record, day: date, rent: int) -> Record:
        rng = self.rng
        roll = rng.random()
        code = site.codes[0] if roll < 0.6 else site.codes[1] if roll < 0.67 else rng.choice(site.codes[2:])
        low, high = _RANGES[code["code"]]
        amount = rent if code["code"] == "RENT" else rng.randint(low, high) * 100 + rng.choice([0, 0, 50, 99])
        if code["code"] == "CONC":
            amount = -amount
        charge_id = self.s.new_id("charges")
        return self.s.add(
            "charges",
            {
                "chargeId": charge_id,
                **_parties(site, tenancy),
                "spaceId": tenancy["spaceId"],
                "codeId": code["codeId"],
                "accountId": site.accounts[code["creditAccount"]]["accountId"],
                "amount": money(amount),
                "open": money(amount),  # reduced as receipts apply
                "postedOn": us_date(day),
                "dueOn": us_date(day + timedelta(days=rng.randint(0, 5))),
                "period": f"{day.year:04d}-{day.month:02d}",
                "memo": f"{code['label']} {day:%b %Y}",
                "ref": rng.choice([None, None, f"INV-{charge_id % 100000:05d}"]),
                "source": rng.choice(["recurring", "recurring", "manual"]) if amount > 0 else "manual",
                "changedOn": stamp(_moment(day, rng.randint(480, 1080))),
            },
        )

    def receipts(self, site: Site, tenancy: Record, charges: list[Record]) -> None:
        rng = self.rng
        banks = [a for a in site.accounts.values() if a["kind"] == "bank"]
        for index, charge in enumerate(charges):
            if parse_money(charge["open"]) <= 0 or rng.random() > 0.75:
                continue
            covered = [charge]
            if rng.random() < 0.2 and index + 1 < len(charges):
                covered.append(charges[index + 1])
            due = sum(max(0, parse_money(c["open"])) for c in covered)
            amount = due
            if rng.random() < 0.15:
                amount = max(100, due * rng.randint(30, 90) // 100)  # partial payment
            elif rng.random() < 0.05:
                amount = due + rng.randint(1, 50) * 100  # overpayment, left unapplied
            day = min(TODAY, parse_us_date(charge["postedOn"]) + timedelta(days=rng.randint(0, 10)))
            self.receipt(site, tenancy, banks, covered, amount, day)

    def receipt(
        self, site: Site, tenancy: Record, banks: list[Record], covered: list[Record], amount: int, day: date
    ) -> None:
        rng = self.rng
        method = weighted(rng, vocab.METHODS)
        receipt_id = self.s.new_id("receipts")
        changed = stamp(_moment(day, rng.randint(480, 1080)))
        applied = []
        for charge_id, cents in apply_oldest_first(amount, covered):
            applied.append(
                {"allocationId": self.s.new_id("allocations"), "chargeId": charge_id, "amount": money(cents)}
            )
            charge = next(c for c in covered if c["chargeId"] == charge_id)
            charge["open"] = money(parse_money(charge["open"]) - cents)  # seed dicts are still private
            charge["changedOn"] = max(charge["changedOn"], changed, key=parse_stamp)
        self.s.add(
            "receipts",
            {
                "receiptId": receipt_id,
                **_parties(site, tenancy),
                "spaceId": tenancy["spaceId"],
                "accountId": rng.choice(banks)["accountId"],
                "amount": money(amount),
                "method": method,
                "postedOn": us_date(day),
                "period": f"{day.year:04d}-{day.month:02d}",
                "memo": rng.choice([None, "Thank you", "Online payment"]),
                "ref": f"CHK{receipt_id % 100000:05d}" if method == "check" else None,
                "appliedTo": applied,
                "changedOn": changed,
            },
        )

    # -- schedules and fees ---------------------------------------------------------------------

    def recurring(self, site: Site, tenancy: Record, rent: int) -> None:
        rng = self.rng
        count = rng.choice([0, 1, 1, 2])
        for n in range(count):
            code = site.codes[0] if n == 0 else rng.choice(site.codes[2:])
            every = "month" if n == 0 else weighted(rng, vocab.FREQUENCIES)
            amount = rent if n == 0 else rng.randint(*_RANGES[code["code"]]) * 100
            recurring_id = self.s.new_id("recurring")
            self.s.add(
                "recurring",
                {
                    "recurringId": recurring_id,
                    **_parties(site, tenancy),
                    "codeId": code["codeId"],
                    "accountId": site.accounts[code["creditAccount"]]["accountId"],
                    "amount": money(amount),
                    "every": every,
                    "dueDay": tenancy["dueDay"] if every == "month" else None,
                    "startsOn": tenancy["from"],
                    "endsOn": tenancy["to"] if rng.random() < 0.7 else None,
                    "active": tenancy["state"] in (*_LIVING, "future"),
                    "memo": f"{code['label']} ({_ADVERB[every]})",
                    "ref": rng.choice([None, f"RC-{recurring_id % 100000:05d}"]),
                    "changedOn": self.s.changed_on(),
                },
            )

    def fees(self, site: Site) -> None:
        rng = self.rng
        lines = [(None, label, amount) for label, amount in rng.sample(vocab.SITE_FEES, rng.randint(2, 3))]
        for space in site.spaces:
            if rng.random() < 0.1:
                label, amount = rng.choice(vocab.SPACE_FEES)
                lines.append((space["spaceId"], label, amount))
        for space_id, label, amount in lines:
            self.s.add(
                "fees",
                {
                    "feeId": self.s.new_id("fees"),
                    "siteId": site.record["siteId"],
                    "spaceId": space_id,
                    "codeId": rng.choice(site.codes[2:])["codeId"],
                    "label": label,
                    "amount": amount,
                    "changedOn": self.s.changed_on(),
                },
            )
