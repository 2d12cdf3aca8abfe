"""Periodic jobs: the scheduler tick (due integrations sync) and the reaper (jobs whose worker
died or whose queue message was lost are sent again; the claim makes that harmless). Each runs
once per minute per cluster (see `pmsgate.worker.jobs.once_per_cluster`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from pmsgate.config import get_settings
from pmsgate.integrations.repository import IntegrationRepository
from pmsgate.integrations.schedule import next_run
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.dispatch import Dispatcher
from pmsgate.kit.timeutil import utcnow
from pmsgate.sync.repository import SyncRepository
from pmsgate.sync.service import request_sync
from pmsgate.sync.states import RunKind
from pmsgate.writes.repository import WriteRepository

log = logging.getLogger(__name__)


def tick(dispatcher: Dispatcher) -> int:
    """`scheduler.tick`: queue a sync for every integration whose schedule is due."""
    now = utcnow()
    started = 0
    with unit_of_work(session_factory()) as session:
        repository = IntegrationRepository.from_session(session)
        for schedule in repository.due_schedules(now):
            integration = repository.get(schedule.integration_id)
            if integration is None:
                continue
            request_sync(session, integration, RunKind.SCHEDULED, dispatcher)
            schedule.last_run = now
            custom = integration.custom_sync_schedule if integration.use_custom_sync_schedule else None
            schedule.next_run_at = next_run(now, schedule.sync_frequency, schedule.sync_cadence, custom)
            started += 1
    return started


def reap(dispatcher: Dispatcher) -> int:
    """`jobs.reap`: re-deliver runs whose worker stopped beating or that never got picked up."""
    settings = get_settings()
    now = utcnow()
    with unit_of_work(session_factory()) as session:
        lost = SyncRepository.from_session(session).stale_or_lost(
            stale_before=now - timedelta(seconds=settings.sync_heartbeat_timeout_seconds),
            queued_before=now - timedelta(seconds=settings.sync_heartbeat_timeout_seconds),
            now=now,
        )
        lost_writes = WriteRepository.from_session(session).stale_or_lost(
            now - timedelta(seconds=settings.sync_heartbeat_timeout_seconds)
        )
    for run_id in lost:
        log.warning("re-delivering sync run %s", run_id)
        dispatcher.sync_run(run_id)
    for job_id in lost_writes:
        log.warning("re-delivering write job %s", job_id)
        dispatcher.write_job(job_id)
    return len(lost) + len(lost_writes)
