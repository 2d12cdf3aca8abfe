"""The state a Propertyware seed run builds up, shared by `seed` (the books) and `seed_ledger`
(the lease ledger): one id sequence for every entity, as Propertyware's is, the records by
collection, and the GL account ids by account number."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]


@dataclass
class Seed:
    rng: random.Random
    next_id: int = 100_000
    data: dict[str, list[Record]] = field(default_factory=dict)
    gl: dict[str, int] = field(default_factory=dict)  # account number -> id

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def add(self, collection: str, record: Record) -> Record:
        self.data.setdefault(collection, []).append(record)
        return record
