"""Fairness inside the sync lane, across every worker of the cluster (from the runs' rows).

A customer that already has runs being performed does not start another while some other
customer with fewer runs in progress has one waiting: each customer gets an equal share of
the lane when several want it, and one customer alone may use all of it. Combined with slices
(a run yields between pages when others wait) one customer's many or slow integrations
delay another's sync by about one slice, not by their whole length.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from pmsgate.config import get_settings
from pmsgate.kit.db import unit_of_work
from pmsgate.kit.timeutil import utcnow
from pmsgate.sync.repository import SyncRepository

RECHECK_SECONDS = 1.0


def sync_wait(factory: sessionmaker[Session], run_id: str) -> float:
    """0 if the run may take a thread now, else the seconds after which to ask again."""
    settings = get_settings()
    now = utcnow()
    with unit_of_work(factory) as session:
        repository = SyncRepository.from_session(session)
        customer = repository.customer_of(run_id)
        if customer is None:
            return 0.0
        load = repository.load_by_customer(
            now, now - timedelta(seconds=settings.sync_heartbeat_timeout_seconds)
        )
    mine, _ = load.get(customer, (0, 0))
    if mine == 0:
        return 0.0
    starved = any(
        waiting > 0 and running < mine for other, (running, waiting) in load.items() if other != customer
    )
    return RECHECK_SECONDS if starved else 0.0
