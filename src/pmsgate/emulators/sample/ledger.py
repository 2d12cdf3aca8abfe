"""Ledger rules shared by the seed and the write endpoints, so both keep balances the same way.

A tenancy's balance is what was charged minus what was received (credits are negative charges);
a charge's `open` is its amount minus the receipts applied to it. Receipts apply to the oldest
open charges first, as most PMSs do by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pmsgate.emulators.sample.wire import money, parse_money, parse_us_date


def balance_cents(charges: Iterable[Mapping[str, Any]], receipts: Iterable[Mapping[str, Any]]) -> int:
    return sum(parse_money(c["amount"]) for c in charges) - sum(parse_money(r["amount"]) for r in receipts)


def apply_oldest_first(amount_cents: int, charges: Iterable[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """(chargeId, cents) allocations of a receipt over open positive charges, oldest first."""
    open_charges = sorted(
        (c for c in charges if parse_money(c["open"]) > 0),
        key=lambda c: (parse_us_date(c["postedOn"]), c["chargeId"]),
    )
    allocations: list[tuple[int, int]] = []
    remaining = amount_cents
    for charge in open_charges:
        if remaining <= 0:
            break
        applied = min(remaining, parse_money(charge["open"]))
        allocations.append((charge["chargeId"], applied))
        remaining -= applied
    return allocations


def reduce_open(charge: Mapping[str, Any], applied_cents: int, changed_on: str) -> dict[str, Any]:
    return {**charge, "open": money(parse_money(charge["open"]) - applied_cents), "changedOn": changed_on}
