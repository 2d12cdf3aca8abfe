"""ResMan's /_control (tests, demos, benchmarks; ResMan has nothing like them): the shared
faults, the rate limit, `{"requests_per_second": n | null}` (ResMan publishes none; null, the
default, is none), and the property manager's side of partner transactions:
`POST /_control/approve` with `{"transaction_ids": [partner TransactionID, …]}` (or `{}` for
every pending one) approves them, as the PMC does in ResMan's Partner Transactions tab."""

from __future__ import annotations

from typing import Any

from pmsgate.emulators.control import Control, apply_rate_limit, rate_limited_state
from pmsgate.emulators.resman.store import ResManStore
from pmsgate.emulators.resman.writes import approve


def _state(store: ResManStore) -> dict[str, Any]:
    with store.lock:
        pending = [
            {k: t[k] for k in ("PartnerTransactionID", "PropertyID", "Kind", "Amount", "BatchID", "Status")}
            for t in store.pending.values()
        ]
    return {**rate_limited_state(store), "pending": pending}


def _approve(store: ResManStore, body: dict[str, Any]) -> None:
    ids = body.get("transaction_ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
        raise ValueError("transaction_ids must be a list of partner TransactionIDs")
    approve(store, ids)


CONTROL: Control[ResManStore] = Control(_state, {"limits": apply_rate_limit, "approve": _approve})
