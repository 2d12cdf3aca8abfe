"""What several vendors' seed data share: a pool of names and month arithmetic. Changing either
changes those vendors' seeded records (tests pin some of them)."""

from __future__ import annotations

from datetime import UTC, date, datetime

FIRST_NAMES = ("Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jon", "Kemi", "Luis")
LAST_NAMES = ("Moreau", "Okafor", "Park", "Quinn", "Rossi", "Silva", "Tanaka", "Ueda", "Vega", "Wong")


def this_month() -> date:
    """The first day of the current month (UTC): a seed anchored here is identical on every run
    within a month and its ledger always ends inside a normal sync's 365-day window (a fixed
    anchor ages out of it)."""
    return datetime.now(UTC).date().replace(day=1)


def month_start(anchor: date, months_back: int) -> date:
    """The first day of the month `months_back` months before `anchor`'s (after it when negative)."""
    index = anchor.year * 12 + anchor.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)
