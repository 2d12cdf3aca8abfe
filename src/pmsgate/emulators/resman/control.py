"""Unauthenticated /_control endpoints (tests, demos, benchmarks; ResMan has nothing like them):
the shared faults, the rate limit, the state, and the property manager's side of partner
transactions: `POST /_control/approve` with `{"transaction_ids": [partner TransactionID, …]}`
(or `{}` for every pending one) approves them, as the PMC does in ResMan's Partner
Transactions tab."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from pmsgate.emulators.control import control_handlers, optional_non_negative
from pmsgate.emulators.resman.store import ResManStore
from pmsgate.emulators.resman.writes import approve


def _store(request: Request) -> ResManStore:
    store: ResManStore = request.app.state.store
    return store


def state_of(store: ResManStore) -> dict[str, Any]:
    faults = store.faults.snapshot()
    with store.lock:
        pending = [
            {k: t[k] for k in ("PartnerTransactionID", "PropertyID", "Kind", "Amount", "BatchID", "Status")}
            for t in store.pending.values()
        ]
    return {
        "faults": faults["pending"],
        "fired": faults["fired"],
        "limits": {"requests_per_second": store.limiter.per_second},
        "counts": store.counts(),
        "pending": pending,
    }


def _apply_limits(store: ResManStore, body: dict[str, Any]) -> None:
    """{"requests_per_second": n | null}: ResMan publishes no limit; null (the default) is none."""
    rps = optional_non_negative(body.get("requests_per_second"), "requests_per_second")
    store.limiter.per_second = rps or None


def _approve(store: ResManStore, body: dict[str, Any]) -> None:
    ids = body.get("transaction_ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
        raise ValueError("transaction_ids must be a list of partner TransactionIDs")
    approve(store, ids)


_handlers = control_handlers(_store, state_of)
set_faults = _handlers.set_faults
set_limits = _handlers.updater(_apply_limits)
approve_pending = _handlers.updater(_approve)
reset = _handlers.reset
state = _handlers.state
