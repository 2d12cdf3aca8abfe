"""Sync runs are state machines; every transition is checked against this table.

QUEUED ──claim──> RUNNING ──> COMPLETED | PARTIAL | FAILED
   │                 │
   └──> CANCELLED    └──(worker died: heartbeat stale)──> RUNNING (reclaimed, resumes at checkpoint)
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    PARTIAL = "PARTIAL"  # some models failed
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class RunKind(StrEnum):
    FIRST = "FIRST"
    SCHEDULED = "SCHEDULED"
    MANUAL = "MANUAL"
    BACK = "BACK"


LIVE = (RunStatus.QUEUED, RunStatus.RUNNING)

ALLOWED: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.QUEUED: frozenset({RunStatus.RUNNING, RunStatus.CANCELLED}),
    RunStatus.RUNNING: frozenset(
        {RunStatus.RUNNING, RunStatus.COMPLETED, RunStatus.PARTIAL, RunStatus.FAILED}
    ),
    RunStatus.COMPLETED: frozenset(),
    RunStatus.PARTIAL: frozenset(),
    RunStatus.FAILED: frozenset(),
    RunStatus.CANCELLED: frozenset(),
}


class IllegalTransition(RuntimeError):
    pass


def check_transition(current: str, target: RunStatus) -> None:
    if target not in ALLOWED[RunStatus(current)]:
        raise IllegalTransition(f"sync run cannot go from {current} to {target}")
