"""Performing a write job against the PMS, exactly once as far as the PMS can tell.

    PENDING ──claim──> RUNNING ──> SUCCESS | PARTIAL_SUCCESS (a batch the PMS took in part) | FAILURE
                          │
                          └─(worker died: heartbeat stale)─> RUNNING again, phase says where:
                              NOT_SENT  nothing reached the PMS: send
                              SENDING   it may have: reconcile by marker first, send only if absent
                              SENT      the PMS answered: finish bookkeeping only

Phase SENDING is committed with the claim, before the call leaves, so a crash at any point is
recoverable.
A job whose outcome cannot be established ends in FAILURE saying so, never a silent SUCCESS.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from pmsgate.canonical.registry import spec_for
from pmsgate.config import get_settings
from pmsgate.connectors import connect
from pmsgate.connectors.errors import ConnectorError, OutcomeUnknown, PermanentError, RateLimited, Throttled
from pmsgate.connectors.writes import OPERATION_MODEL, WriteOperation, WriteOutcome, WriteRequest
from pmsgate.integrations.repository import IntegrationRepository
from pmsgate.kit.db import unit_of_work
from pmsgate.kit.ids import new_id
from pmsgate.kit.timeutil import utcnow
from pmsgate.models.jobs import JobLog, WriteJob
from pmsgate.sync.upsert import UpsertContext, upsert_records
from pmsgate.webhooks.events import record_write_failed, record_write_succeeded
from pmsgate.writes.repository import WriteRepository, repeated

log = logging.getLogger(__name__)
MAX_BUSY_ATTEMPTS = 8  # runs while the PMS answers "busy" (each run already retries with backoff)
MAX_RUNS = 12  # a job whose worker keeps dying is given up (after reconciling) past this
NO_ID_NOTE = (
    "Due to PMS limitations, the ID of the created record cannot be retrieved. "
    "This will be found on the next data sync."
)


class RetryLater(Exception):
    """The PMS was busy (rate limited, down) and certainly did nothing: run the job again in
    `delay` seconds (the job is PENDING again, with `run_after` set)."""

    def __init__(self, message: str, *, delay: float = 15.0) -> None:
        super().__init__(message)
        self.delay = delay


class SlotTaken(RetryLater):
    """The integration already runs `max_job_concurrency` jobs, or older jobs wait for the free
    slots: the job stays PENDING and is woken as soon as one of them finishes (see
    pmsgate.worker.jobs). `wake`: the older jobs to send now, in this job's stead."""

    def __init__(self, message: str, *, wake: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.wake = list(wake)


def _busy_delay(exc: ConnectorError, attempts: int) -> float:
    if isinstance(exc, RateLimited):
        return max(0.05, exc.retry_after)
    return float(min(300, 2**attempts))


def execute_write(
    factory: sessionmaker[Session],
    job_id: str,
    *,
    builder: connect.ConnectorBuilder | None = None,
    max_wait: float | None = None,
) -> str | None:
    """Perform a job. Returns its final status, or None if another worker holds it; raises
    SlotTaken or RetryLater when it must wait. `max_wait`: the longest a request may wait for
    the PMS's budget before the job is deferred (None: wait)."""
    settings = get_settings()
    with unit_of_work(factory) as session:
        repository = WriteRepository.from_session(session)
        pending = repository.get(job_id)
        if pending is None:
            return None
        # The integration's row lock serialises claims, so max_job_concurrency holds across workers.
        integration = IntegrationRepository.from_session(session).get(pending.integration_id, for_update=True)
        assert integration is not None
        # Read the clock once the lock is held: a claim that waited for a finishing job's commit
        # must not be stamped as started before that job ended.
        now = utcnow()
        stale_before = now - timedelta(seconds=settings.sync_heartbeat_timeout_seconds)
        free = integration.max_job_concurrency - repository.running_count(integration.id, stale_before)
        if free <= 0:
            if pending.status == "PENDING":
                raise SlotTaken(
                    f"integration {integration.id} already runs {integration.max_job_concurrency} jobs"
                )
            return None
        if pending.status == "PENDING":
            # An integration's jobs take its slots in the order they were accepted: a new job
            # sent straight by the API does not overtake older ones waiting to be woken.
            first = repository.ready_pending(integration.id, now, free)
            if job_id not in first:
                raise SlotTaken(f"older jobs of integration {integration.id} go first", wake=first)
        if not repository.claim(job_id, now, stale_before):
            return None
        job = repository.get(job_id)
        assert job is not None
        session.refresh(job)
        try:
            operation = WriteOperation(job.operation)
        except ValueError:
            # A row no release of pmsgate wrote (a hand edit, a downgrade): fail it, never retry it forever.
            job.status, job.errors, job.finished_at = (
                "FAILURE",
                [f"unknown write operation {job.operation!r}"],
                now,
            )
            record_write_failed(session, job)
            return "FAILURE"
        context = connect.context_for(integration)
        request = WriteRequest(operation=operation, fields=dict(job.native), marker=job.marker)
        phase, attempts = job.phase, job.attempts
        if phase == "NOT_SENT" and attempts <= MAX_RUNS:
            # SENDING commits with the claim: one write transaction fewer per job on the store
            # every accepted write waits for (SQLite's one writer). A run that dies before its
            # call leaves costs the next run a look at the PMS, never a second write.
            job.phase = "SENDING"

    connector: Any = (builder or connect.default_builder)(context)
    http = getattr(connector, "http", None)
    if http is not None:
        http.record_exchanges = True
        http.max_wait = max_wait
        http.vendor = context.vendor.value
    try:
        return _perform(factory, job_id, connector, request, phase, attempts)
    finally:
        connector.close()


def _perform(
    factory: sessionmaker[Session],
    job_id: str,
    connector: Any,
    request: WriteRequest,
    phase: str,
    attempts: int,
) -> str:
    outcome: WriteOutcome | None = None
    try:
        if phase == "SENDING":
            outcome = _reconcile(connector, request)
        if outcome is None and phase != "SENT":
            if attempts > MAX_RUNS:
                message = f"gave up after {MAX_RUNS} runs; the PMS has no record of this write"
                return _fail(factory, job_id, connector, message)
            if phase == "SENDING":
                _heartbeat(factory, job_id)  # the reconciliation took its time; now the call
            try:
                outcome = connector.write(request)
            except OutcomeUnknown as exc:
                outcome = _reconcile(connector, request)
                if outcome is None:
                    # Not at the PMS: the call was lost before it acted; send once more now.
                    log.warning("write %s: %s; not found at the PMS, sending again", job_id, exc.message)
                    outcome = connector.write(request)
        return _succeed(factory, job_id, connector, request, outcome)
    except OutcomeUnknown as exc:
        return _fail(
            factory, job_id, connector, f"the outcome of this write at the PMS is unknown: {exc.message}"
        )
    except PermanentError as exc:  # the PMS refused it, so nothing was written
        return _fail(factory, job_id, connector, exc.message, refused=True)
    except ConnectorError as exc:
        if isinstance(exc, Throttled) and exc.status_code is None:
            # Our own request budget said wait: nothing was sent, so this run does not count.
            _set_pending(factory, job_id, exc.message, exc.retry_after, uncount=True)
            raise RetryLater(exc.message, delay=exc.retry_after) from exc
        if exc.retriable and attempts < MAX_BUSY_ATTEMPTS:
            delay = _busy_delay(exc, attempts)
            _log_attempt(factory, job_id, connector, "FAILURE", exc.message)
            _set_pending(factory, job_id, exc.message, delay)
            raise RetryLater(exc.message, delay=delay) from exc
        return _fail(factory, job_id, connector, exc.message)


def _reconcile(connector: Any, request: WriteRequest) -> WriteOutcome | None:
    try:
        found = connector.find_written(request)
    except Throttled:
        raise  # nothing learnt yet: ask again when the budget allows
    except ConnectorError as exc:
        raise OutcomeUnknown(f"cannot look the write up at the PMS: {exc.message}") from exc
    batch = request.operation is WriteOperation.CREATE_RESIDENT_CHARGE_BATCH
    expected = len(request.fields["items"]) if batch else 1
    if not found:
        return None
    if batch and len(found) < expected:
        # Part of the batch is at the PMS and the rest is not: sending it again would double
        # the part that arrived, so the job ends PARTIAL_SUCCESS saying what is missing.
        return WriteOutcome(
            x_id=None,
            item_errors=(
                f"the PMS holds {len(found)} of the {expected} charges of this batch (reference "
                f"{request.marker}); the other {expected - len(found)} did not arrive",
            ),
        )
    if len(found) != expected:
        raise OutcomeUnknown(
            f"the PMS holds {len(found)} records with reference {request.marker}, expected {expected}"
        )
    return WriteOutcome(x_id=None if batch else found[0])


@contextmanager
def _job(factory: sessionmaker[Session], job_id: str) -> Iterator[tuple[Session, WriteJob]]:
    """A unit of work on a job this worker holds (so it exists)."""
    with unit_of_work(factory) as session:
        job = WriteRepository.from_session(session).get(job_id)
        assert job is not None
        yield session, job


def _heartbeat(factory: sessionmaker[Session], job_id: str) -> None:
    with _job(factory, job_id) as (_session, job):
        job.heartbeat_at = utcnow()


def _set_pending(
    factory: sessionmaker[Session], job_id: str, message: str, delay: float, *, uncount: bool = False
) -> None:
    """Back to PENDING (the phase stays: a SENDING job still reconciles first)."""
    with _job(factory, job_id) as (_session, job):
        job.status = "PENDING"
        job.note = message
        job.run_after = utcnow() + timedelta(seconds=delay)
        if uncount:
            job.attempts = max(0, job.attempts - 1)


def _succeed(
    factory: sessionmaker[Session],
    job_id: str,
    connector: Any,
    request: WriteRequest,
    outcome: WriteOutcome | None,
) -> str:
    operation = request.operation
    x_id = outcome.x_id if outcome else None
    if operation is WriteOperation.UPDATE_RECURRING_CHARGE:
        x_id = str(request.fields["x_id"])
    records = list(outcome.records) if outcome and outcome.records else []
    if x_id and not records:
        try:
            records = list(connector.read_back(operation, x_id))
        except ConnectorError as exc:  # the write happened; the next sync will bring the record
            log.warning("write %s: read-back failed: %s", job_id, exc.message)
    now = utcnow()
    with _job(factory, job_id) as (session, job):
        if records:
            upsert_records(
                session, UpsertContext(job.integration_id, now, job.id, record_diffs=True), records
            )
        partial = list(outcome.item_errors) if outcome else []
        job.status = "PARTIAL_SUCCESS" if partial else "SUCCESS"
        job.phase = "SENT"
        job.errors = partial
        job.created_x_id = x_id
        model_spec = spec_for(OPERATION_MODEL[operation])
        if x_id and operation is not WriteOperation.UPDATE_RECURRING_CHARGE:
            job.created_record_id = model_spec.id_for(job.integration_id, x_id)
        job.note = outcome.note if outcome and outcome.note else (None if x_id else NO_ID_NOTE)
        job.finished_at = now
        _add_log(session, job, connector, job.status, "; ".join(partial) or job.note)
        record_write_succeeded(session, job)
    return job.status


def _fail(
    factory: sessionmaker[Session], job_id: str, connector: Any, message: str, *, refused: bool = False
) -> str:
    with _job(factory, job_id) as (session, job):
        job.status = "FAILURE"
        if refused:
            job.phase = "NOT_SENT"
        job.errors = [message]
        job.finished_at = utcnow()
        _add_log(session, job, connector, "FAILURE", message)
        record_write_failed(session, job)
    return "FAILURE"


def _log_attempt(
    factory: sessionmaker[Session], job_id: str, connector: Any, status: str, message: str
) -> None:
    with _job(factory, job_id) as (session, job):
        _add_log(session, job, connector, status, message)


def _add_log(session: Session, job: WriteJob, connector: Any, status: str, message: str | None) -> None:
    http = getattr(connector, "http", None)
    exchanges = http.take_exchanges() if http is not None else []  # redacted (pmsgate.kit.redact)
    session.add(
        JobLog(
            id=new_id("log"),
            job_id=job.id,
            root_job_id=job.root_job_id,
            parent_job_id=job.parent_job_id,
            **repeated(job),
            job_type=job.operation,
            name=job.operation.replace("_", " ").title(),
            status=status,
            exchanges=exchanges,
            error=message if status in ("FAILURE", "PARTIAL_SUCCESS") else None,
            created_at=utcnow(),
        )
    )
