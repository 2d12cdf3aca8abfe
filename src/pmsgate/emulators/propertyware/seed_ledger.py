"""The seeded lease ledger: monthly rent, some late fees and utility bills, payments applied to
them (`ChargeTx.payments`), a few credit memos and adjustments, and each lease's auto charges.
It runs from `LEDGER_START` (18 months before `BASE`, so some of it is over a year old) through
`BASE`'s month."""

from __future__ import annotations

from datetime import date, timedelta

from pmsgate.emulators.propertyware.seed_state import Record, Seed
from pmsgate.emulators.propertyware.wire import BASE, dollars, stamp
from pmsgate.emulators.seeding import month_start

LEDGER_START = month_start(BASE.date(), 18)
PAYMENT_TYPES = (
    "CHECK",
    "ECHECK",
    "CREDIT_CARD",
    "CASH",
    "MONEY_ORDER",
    "EPAY",
    "CASHIERS_CHECK",
    "SECTION8",
)


def _months(start: date, stop: date) -> list[date]:
    first = max(start.replace(day=1), LEDGER_START)
    months = []
    while first <= stop:
        months.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


def _audit(day: date) -> dict[str, str]:
    moment = stamp(BASE.replace(year=day.year, month=day.month, day=day.day))
    return {
        "createdBy": "seed",
        "createdDateTime": moment,
        "lastModifiedBy": "seed",
        "lastModifiedDateTime": moment,
    }


def _charge(seed: Seed, lease: Record, day: date, cents: int, account: str, comments: str) -> Record:
    return seed.add(
        "charges",
        {
            "id": seed.new_id(),
            "leaseID": lease["id"],
            "portfolioID": lease["portfolioID"],
            "glAccountID": seed.gl[account],
            "amount": dollars(cents),
            "amountDue": dollars(cents),
            "amountPaid": 0.0,
            "date": day.isoformat(),
            "comments": comments,
            "refNo": f"CHG-{day:%y%m}-{lease['id'] % 1000:03d}",
            "payments": [],
            **_audit(day),
        },
    )


def _pay(seed: Seed, lease: Record, charge: Record, cents: int, day: date) -> Record:
    kind = seed.rng.choice(PAYMENT_TYPES)
    payment = seed.add(
        "payments",
        {
            "id": seed.new_id(),
            "leaseID": lease["id"],
            "portfolioID": lease["portfolioID"],
            "contactID": lease["contacts"][0]["id"],
            "amount": dollars(cents),
            "date": day.isoformat(),
            "depositDate": day.isoformat(),
            "destinationAccountID": seed.gl["1000"],
            "glAccountID": seed.gl["1000"],
            "paymentType": kind,
            "refNo": f"{seed.rng.randint(1000, 9999)}",
            "isDeposited": True,
            "comments": "Rent payment",
            "lines": [
                {
                    "id": seed.new_id(),
                    "glAccountID": charge["glAccountID"],
                    "credit": dollars(cents),
                    "debit": 0.0,
                    "buildingID": lease["buildingID"],
                    "portfolioID": lease["portfolioID"],
                }
                | ({"unitID": lease["unitID"]} if "unitID" in lease else {})
            ],
            **_audit(day),
        },
    )
    apply(charge, payment, cents)
    return payment


def apply(charge: Record, payment: Record, cents: int) -> None:
    """Record `cents` of `payment` as paid on `charge` (mutates the seed's own dict)."""
    paid = round(charge["amountPaid"] * 100) + cents
    charge["amountPaid"] = dollars(paid)
    charge["amountDue"] = dollars(round(charge["amount"] * 100) - paid)
    charge["lastModifiedDateTime"] = payment["lastModifiedDateTime"]
    charge["payments"] = [
        *charge["payments"],
        {
            "id": payment["id"],
            "amount": payment["amount"],
            "chargeAmountPaid": dollars(cents),
            "date": payment["date"],
            "settledDate": payment["date"],
            "paymentType": payment["paymentType"],
            "refNo": payment["refNo"],
            "accountID": payment["destinationAccountID"],
            "status": "Settled",
        },
    ]


def _credit(
    seed: Seed, collection: str, lease: Record, day: date, cents: int, account: str, text: str
) -> None:
    seed.add(
        collection,
        {
            "id": seed.new_id(),
            "leaseID": lease["id"],
            "portfolioID": lease["portfolioID"],
            "glAccountID": seed.gl[account],
            "amount": dollars(-cents),
            "date": day.isoformat(),
            "comments": text,
            "refNo": f"CR-{lease['id'] % 10000:04d}",
            **_audit(day),
        },
    )


def _autocharges(seed: Seed, lease: Record) -> None:
    plans = [(lease["baseRent"], "MONTHLY", 1, "4000", "Rent")]
    if seed.rng.random() < 0.15:
        plans.append((15.0, "WEEKLY", seed.rng.randint(1, 7), "4400", "Parking"))
    if seed.rng.random() < 0.05:
        plans.append((30.0, "QUARTERLY", 15, "4200", "Pest control"))
    for amount, frequency, due_day, account, text in plans:
        seed.add(
            "autocharges",
            {
                "id": seed.new_id(),
                "leaseID": lease["id"],
                "glAccountID": seed.gl[account],
                "amount": amount,
                "frequency": frequency,
                "dueDay": due_day,
                "startDate": lease["startDate"],
                "endDate": lease["endDate"],
                "description": text,
                "referenceNumber": text.upper()[:8],
                **_audit(date.fromisoformat(lease["startDate"])),
            },
        )


def post_ledger(seed: Seed) -> None:
    last_day = BASE.date()
    for lease in list(seed.data.get("leases", [])):
        stop = date.fromisoformat(lease.get("moveOutDate", last_day.isoformat()))
        balance = 0
        for month in _months(date.fromisoformat(lease["startDate"]), min(stop, last_day)):
            rent = round(lease["baseRent"] * 100)
            charges = [_charge(seed, lease, month, rent, "4000", f"Rent {month:%b %Y}")]
            if seed.rng.random() < 0.08:
                bill = seed.rng.randrange(1_500, 9_999)
                charges.append(
                    _charge(seed, lease, month + timedelta(days=9), bill, "4200", "Water and sewer")
                )
            roll = seed.rng.random()
            if roll < 0.9:
                _pay(seed, lease, charges[0], rent, month + timedelta(days=seed.rng.randint(0, 4)))
            elif roll < 0.95:
                _pay(seed, lease, charges[0], rent // 2, month + timedelta(days=3))
                charges.append(_charge(seed, lease, month + timedelta(days=5), 7_500, "4100", "Late fee"))
            balance += sum(round(c["amountDue"] * 100) for c in charges)
        if seed.rng.random() < 0.06:
            _credit(
                seed,
                "adjustments",
                lease,
                date.fromisoformat(lease["startDate"]),
                2_500,
                "4900",
                "Concession",
            )
            balance -= 2_500
        if seed.rng.random() < 0.05 and date.fromisoformat(lease["startDate"]) >= LEDGER_START:
            _credit(
                seed,
                "creditmemos",
                lease,
                date.fromisoformat(lease["startDate"]),
                10_050,
                "4000",
                "Prepayment",
            )
            balance -= 10_050
        lease["leaseBalance"] = dollars(balance)
        if lease["status"] != "Terminated" and lease["status"] != "Evicted":
            _autocharges(seed, lease)
