"""Queue depth and age per lane for `/metrics`: depth from the queue, age from the rows (the
truth: a job whose message was lost still counts as waiting)."""

from __future__ import annotations

from pmsgate.kit.db import session_factory
from pmsgate.kit.timeutil import utcnow
from pmsgate.metrics import QueueCollector
from pmsgate.sync.repository import SyncRepository
from pmsgate.worker.lanes import LANES, SYNC, WRITES
from pmsgate.worker.queue import HueyDispatcher
from pmsgate.writes.repository import WriteRepository


def queue_collector(dispatcher: HueyDispatcher) -> QueueCollector:
    def depth() -> dict[str, int]:
        return {lane: dispatcher.pending(lane) for lane in LANES}

    def age() -> dict[str, float]:
        now = utcnow()
        with session_factory()() as session:
            since = {
                SYNC: SyncRepository.from_session(session).oldest_waiting_since(now),
                WRITES: WriteRepository.from_session(session).oldest_waiting_since(now),
            }
        return {lane: max(0.0, (now - at).total_seconds()) if at else 0.0 for lane, at in since.items()}

    return QueueCollector(depth, age)
